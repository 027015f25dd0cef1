/**
 * The IAM permissions of every role the aws target uses, declared once, next to the code that
 * needs them: which action each SDK command needs (COMMAND_ACTIONS), and per role the policy
 * statements, each action with the reason it is there (ROLE_POLICIES). bootstrap/*.yaml are
 * generated from these declarations (scripts/bootstrap-templates.mjs), and
 * test/providers/aws/permissions.test.ts runs the aws target against the fakes, recording every
 * command with the credentials that sent it, and fails when a command needs an action its role
 * lacks or when a role grants an action that nothing sends and that is no documented exception.
 *
 * Resources are CloudFormation `!Sub` strings over the templates' parameters (`${SnapshotBucket}`,
 * `${DataPrefix}`, …) and pseudo parameters (`${AWS::Partition}`, `${AWS::AccountId}`).
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: resources are CloudFormation !Sub strings, `${Parameter}` kept as written
import type { TargetMode } from '../../model/config.js';

/** A role of the set-up: the five config/org.yaml names, and the three GitHub entry roles. */
export type PolicyRole =
  | 'management-read'
  | 'management-write'
  | 'data-read'
  | 'data-write'
  | 'data-compact'
  | 'github-plan'
  | 'github-nightly'
  | 'github-apply';

/** Which clients a credential source serves (clients.ts: AwsCredentialSources). */
export type CredentialGroup = 'management' | 'data';

/**
 * The role config/org.yaml names for a group of clients in a mode. Compaction has a data role
 * only (credentials.ts gives its management clients no credentials): asking for its management
 * role throws.
 */
export function roleOf(group: CredentialGroup, mode: TargetMode): PolicyRole {
  if (mode !== 'compact') return `${group}-${mode}`;
  if (group === 'data') return 'data-compact';
  throw new Error(
    'compact has no management role: it sends nothing to Organizations or Config (roles.data.compact is its only role)',
  );
}

/**
 * One action in a statement. `sent`: an SDK command of ours needs it. `onBehalf`: a documented
 * exception, an action AWS checks on the caller's behalf that no command of ours names (Athena
 * reading the tables' objects, PutOrganizationConfigRule creating its service-linked role, …).
 */
export type Grant = { action: string; sent: string } | { action: string; onBehalf: string };

/** A template condition a statement depends on (the statement is left out when it is false). */
export type StatementCondition = 'HasSnapshotKmsKey' | 'HasSesIdentity';

export interface PolicyStatement {
  sid: string;
  grants: readonly Grant[];
  /** `!Sub` strings; `*` where the actions take no resource. */
  resources: readonly string[];
  /** An IAM Condition block, verbatim (values are `!Sub` strings). */
  condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  /** Only when this template condition holds. */
  when?: StatementCondition;
}

/** The SDK client class → its package (an observer sees the client's name). */
export const CLIENT_PACKAGES: Readonly<Record<string, string>> = {
  OrganizationsClient: '@aws-sdk/client-organizations',
  ConfigServiceClient: '@aws-sdk/client-config-service',
  GlueClient: '@aws-sdk/client-glue',
  AthenaClient: '@aws-sdk/client-athena',
  QuickSightClient: '@aws-sdk/client-quicksight',
  S3Client: '@aws-sdk/client-s3',
  STSClient: '@aws-sdk/client-sts',
  SESv2Client: '@aws-sdk/client-sesv2',
};

const qs = (...names: string[]) => Object.fromEntries(names.map((n) => [`${n}Command`, [`quicksight:${n}`]]));

/**
 * Every command class the code imports from `@aws-sdk/*`, per package, with the IAM actions it
 * needs (the Service Authorization Reference's action for the operation; an S3 list is
 * s3:ListBucket, a conditional put is still s3:PutObject). An empty list: no permission needed.
 */
export const COMMAND_ACTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '@aws-sdk/client-organizations': {
    DescribeOrganizationCommand: ['organizations:DescribeOrganization'],
    ListRootsCommand: ['organizations:ListRoots'],
    ListOrganizationalUnitsForParentCommand: ['organizations:ListOrganizationalUnitsForParent'],
    ListAccountsForParentCommand: ['organizations:ListAccountsForParent'],
    ListDelegatedAdministratorsCommand: ['organizations:ListDelegatedAdministrators'],
  },
  '@aws-sdk/client-config-service': {
    DescribeOrganizationConfigRulesCommand: ['config:DescribeOrganizationConfigRules'],
    DescribeOrganizationConfigRuleStatusesCommand: ['config:DescribeOrganizationConfigRuleStatuses'],
    GetOrganizationConfigRuleDetailedStatusCommand: ['config:GetOrganizationConfigRuleDetailedStatus'],
    PutOrganizationConfigRuleCommand: ['config:PutOrganizationConfigRule'],
    DeleteOrganizationConfigRuleCommand: ['config:DeleteOrganizationConfigRule'],
  },
  '@aws-sdk/client-glue': {
    GetDatabaseCommand: ['glue:GetDatabase'],
    CreateDatabaseCommand: ['glue:CreateDatabase'],
    GetTableCommand: ['glue:GetTable'],
    GetTablesCommand: ['glue:GetTables'],
    CreateTableCommand: ['glue:CreateTable'],
    UpdateTableCommand: ['glue:UpdateTable'],
  },
  '@aws-sdk/client-athena': {
    GetWorkGroupCommand: ['athena:GetWorkGroup'],
    StartQueryExecutionCommand: ['athena:StartQueryExecution'],
    GetQueryExecutionCommand: ['athena:GetQueryExecution'],
    GetQueryResultsCommand: ['athena:GetQueryResults'],
    StopQueryExecutionCommand: ['athena:StopQueryExecution'],
  },
  '@aws-sdk/client-s3': {
    GetObjectCommand: ['s3:GetObject'],
    PutObjectCommand: ['s3:PutObject'],
    DeleteObjectCommand: ['s3:DeleteObject'],
    ListObjectsV2Command: ['s3:ListBucket'],
  },
  '@aws-sdk/client-sts': {
    // Allowed to every principal; no policy can deny it.
    GetCallerIdentityCommand: [],
  },
  '@aws-sdk/client-sesv2': {
    SendEmailCommand: ['ses:SendEmail'],
    GetEmailIdentityCommand: ['ses:GetEmailIdentity'],
    GetAccountCommand: ['ses:GetAccount'],
  },
  '@aws-sdk/client-quicksight': {
    ...qs(
      'ListDataSources',
      'DescribeDataSource',
      'DescribeDataSourcePermissions',
      'CreateDataSource',
      'UpdateDataSource',
      'UpdateDataSourcePermissions',
      'DeleteDataSource',
      'ListDataSets',
      'DescribeDataSet',
      'DescribeDataSetPermissions',
      'CreateDataSet',
      'UpdateDataSet',
      'UpdateDataSetPermissions',
      'DeleteDataSet',
      'ListRefreshSchedules',
      'CreateRefreshSchedule',
      'UpdateRefreshSchedule',
      'DeleteRefreshSchedule',
      'ListAnalyses',
      'DescribeAnalysis',
      'DescribeAnalysisPermissions',
      'CreateAnalysis',
      'UpdateAnalysis',
      'UpdateAnalysisPermissions',
      'DeleteAnalysis',
      'ListDashboards',
      'DescribeDashboard',
      'DescribeDashboardPermissions',
      'CreateDashboard',
      'UpdateDashboard',
      'UpdateDashboardPermissions',
      'UpdateDashboardPublishedVersion',
      'DeleteDashboard',
      'ListTagsForResource',
      'DescribeAccountSubscription',
      'DescribeUser',
      'DescribeGroup',
    ),
    // The Service Authorization Reference has no Describe*Definition actions (cfn-lint's W3037
    // knows none either): reading a definition is authorized as reading the asset.
    DescribeAnalysisDefinitionCommand: ['quicksight:DescribeAnalysis'],
    DescribeDashboardDefinitionCommand: ['quicksight:DescribeDashboard'],
  },
};

/** The IAM actions a command needs; throws, naming the table to extend, for one not in it. */
export function actionsOf(clientName: string, commandName: string): readonly string[] {
  const pkg = CLIENT_PACKAGES[clientName];
  const actions = pkg === undefined ? undefined : COMMAND_ACTIONS[pkg]?.[commandName];
  if (actions === undefined) {
    throw new Error(
      `${commandName} of ${clientName} is not in COMMAND_ACTIONS (src/providers/aws/permissions.ts): add it with the IAM actions it needs, and grant them to the role that sends it`,
    );
  }
  return actions;
}

// ARNs, as !Sub strings over the templates' parameters.
const S3 = 'arn:${AWS::Partition}:s3:::';
const DATA_OBJECTS = `${S3}\${DataBucket}/\${DataPrefix}`;
const GLUE = 'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}';
const GLUE_CATALOG = [
  `${GLUE}:catalog`,
  `${GLUE}:database/\${GlueDatabase}`,
  `${GLUE}:table/\${GlueDatabase}/*`,
];
const WORKGROUP =
  'arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AthenaWorkGroup}';
const RESULTS = [`${S3}\${AthenaResultsBucket}`, `${S3}\${AthenaResultsBucket}/\${AthenaResultsPrefix}/*`];
const QS = 'arn:${AWS::Partition}:quicksight:${QuickSightRegion}:${AWS::AccountId}';
const QS_IDENTITY = 'arn:${AWS::Partition}:quicksight:${QuickSightIdentityRegion}:${AWS::AccountId}';
const QS_ASSETS = ['datasource', 'dataset', 'analysis', 'dashboard'].map(
  (type) => `${QS}:${type}/\${QuickSightIdPattern}`,
);
const CONFIG_SLR =
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config-multiaccountsetup.amazonaws.com/AWSServiceRoleForConfigMultiAccountSetup';

const sent = (why: string, ...actions: string[]): Grant[] => actions.map((action) => ({ action, sent: why }));
const onBehalf = (why: string, ...actions: string[]): Grant[] =>
  actions.map((action) => ({ action, onBehalf: why }));

const MANAGEMENT_READ: PolicyStatement[] = [
  {
    sid: 'Accounts',
    grants: [
      ...sent('discover and plan read the Organization: its id', 'organizations:DescribeOrganization'),
      ...sent(
        'discover walks the OU tree for each account and its OU path',
        'organizations:ListRoots',
        'organizations:ListOrganizationalUnitsForParent',
        'organizations:ListAccountsForParent',
      ),
      ...sent(
        'doctor checks that the account is the management account or the Config delegated administrator; Config checks it too when a delegated administrator puts or deletes an organization rule',
        'organizations:ListDelegatedAdministrators',
      ),
    ],
    resources: ['*'],
  },
  {
    sid: 'OrganizationConfigRules',
    grants: [
      ...sent('plan reads the deployed organization rules', 'config:DescribeOrganizationConfigRules'),
      ...sent(
        'plan reads each rule’s deployment status and the member accounts where it failed',
        'config:DescribeOrganizationConfigRuleStatuses',
        'config:GetOrganizationConfigRuleDetailedStatus',
      ),
    ],
    resources: ['*'],
  },
];

const MANAGEMENT_WRITE: PolicyStatement[] = [
  ...MANAGEMENT_READ,
  {
    sid: 'WriteOrganizationConfigRules',
    grants: [
      ...sent(
        'apply creates, updates and deletes the organization rules it owns',
        'config:PutOrganizationConfigRule',
        'config:DeleteOrganizationConfigRule',
      ),
    ],
    resources: ['*'],
  },
  {
    sid: 'FirstPutEnablesServiceAccess',
    grants: onBehalf(
      'the first PutOrganizationConfigRule enables trusted access for config-multiaccountsetup.amazonaws.com',
      'organizations:EnableAWSServiceAccess',
    ),
    resources: ['*'],
    condition: {
      StringEquals: { 'organizations:ServicePrincipal': 'config-multiaccountsetup.amazonaws.com' },
    },
  },
  {
    sid: 'ConfigMultiAccountSetupRole',
    grants: onBehalf(
      'PutOrganizationConfigRule checks (GetRole) and, the first time, creates the service-linked role AWSServiceRoleForConfigMultiAccountSetup',
      'iam:GetRole',
      'iam:CreateServiceLinkedRole',
    ),
    resources: [CONFIG_SLR],
  },
];

/** Reading the snapshot files of a Log Archive bucket (Control Tower) needs its KMS key. */
const SNAPSHOT_KEY: PolicyStatement = {
  sid: 'SnapshotKey',
  grants: onBehalf(
    'S3 decrypts the KMS-encrypted snapshot files for GetObject (doctor, compact), as the caller',
    'kms:Decrypt',
  ),
  resources: ['${SnapshotKmsKeyArn}'],
  condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
  when: 'HasSnapshotKmsKey',
};

/** What both data roles have: the catalog, the queries, the reference data and QuickSight reads. */
const DATA_READ: PolicyStatement[] = [
  {
    sid: 'Catalog',
    grants: [
      ...sent(
        'plan reads the database, the tables and the views (their ownership marks)',
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
      ),
    ],
    resources: GLUE_CATALOG,
  },
  {
    sid: 'Queries',
    grants: [
      ...sent(
        'the workgroup is read once before the first query (its result location)',
        'athena:GetWorkGroup',
      ),
      ...sent(
        'the report’s queries, the plan’s impact query (and apply’s view statements) run in the workgroup and are polled',
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
      ),
      ...sent('a query that outlives its bound is stopped', 'athena:StopQueryExecution'),
    ],
    resources: [WORKGROUP],
  },
  {
    sid: 'QueryResults',
    grants: [
      ...onBehalf(
        'Athena writes each query’s results to the workgroup’s result location as the caller',
        's3:PutObject',
        's3:AbortMultipartUpload',
      ),
      ...onBehalf(
        'Athena reads the results back for GetQueryResults, as the caller',
        's3:GetObject',
        's3:ListBucket',
        's3:GetBucketLocation',
      ),
    ],
    resources: RESULTS,
  },
  {
    sid: 'ToolDataBucket',
    grants: onBehalf(
      'Athena lists the locations of the compacted and reference tables under the data prefix, as the caller',
      's3:ListBucket',
      's3:GetBucketLocation',
    ),
    resources: [`${S3}\${DataBucket}`],
  },
  {
    sid: 'ToolDataRead',
    grants: [
      ...sent('plan reads the reference tables’ objects (their rows and ownership mark)', 's3:GetObject'),
    ],
    resources: [`${DATA_OBJECTS}/*`],
  },
  {
    sid: 'Snapshots',
    grants: [
      ...sent(
        'doctor looks for recent snapshot files of a sample; compact (with the write role when roles.data.compact is not set) lists each projected account/region/day prefix',
        's3:ListBucket',
      ),
      ...sent(
        'doctor reads one byte of a snapshot file; compact (with the write role when roles.data.compact is not set) downloads the newest file of each account, region and day',
        's3:GetObject',
      ),
    ],
    resources: [`${S3}\${SnapshotBucket}`, `${S3}\${SnapshotBucket}/*`],
  },
  SNAPSHOT_KEY,
  {
    sid: 'QuickSightList',
    grants: [
      ...sent(
        'plan lists the account’s QuickSight assets (List* take no resource)',
        'quicksight:ListDataSources',
        'quicksight:ListDataSets',
        'quicksight:ListAnalyses',
        'quicksight:ListDashboards',
      ),
      ...sent(
        'doctor reads the QuickSight subscription and its edition',
        'quicksight:DescribeAccountSubscription',
      ),
    ],
    resources: ['*'],
  },
  {
    sid: 'QuickSightPrincipals',
    grants: sent(
      'doctor checks that quicksight.owners and quicksight.viewers exist',
      'quicksight:DescribeUser',
      'quicksight:DescribeGroup',
    ),
    resources: [
      `${QS_IDENTITY}:user/\${QuickSightNamespace}/*`,
      `${QS_IDENTITY}:group/\${QuickSightNamespace}/*`,
    ],
  },
  {
    sid: 'QuickSightRead',
    grants: sent(
      'plan reads the QuickSight assets the tool could own: tags, definitions (DescribeAnalysisDefinition is authorized as DescribeAnalysis, DescribeDashboardDefinition as DescribeDashboard; apply also polls them), permissions, schedules',
      'quicksight:ListTagsForResource',
      'quicksight:DescribeDataSourcePermissions',
      'quicksight:DescribeDataSet',
      'quicksight:DescribeDataSetPermissions',
      'quicksight:ListRefreshSchedules',
      'quicksight:DescribeAnalysis',
      'quicksight:DescribeAnalysisPermissions',
      'quicksight:DescribeDashboard',
      'quicksight:DescribeDashboardPermissions',
    ),
    resources: QS_ASSETS,
  },
];

const DATA_WRITE: PolicyStatement[] = [
  ...DATA_READ,
  {
    sid: 'CatalogWrite',
    grants: [
      ...sent(
        'apply creates the database and the tables, updates the tables and marks the views as its own',
        'glue:CreateDatabase',
        'glue:CreateTable',
        'glue:UpdateTable',
      ),
      ...onBehalf(
        'Athena deletes the view’s Glue table for DROP VIEW of a view the tool owns',
        'glue:DeleteTable',
      ),
    ],
    resources: GLUE_CATALOG,
  },
  {
    sid: 'ToolDataWrite',
    grants: [
      ...sent(
        'apply writes the reference tables’ objects; compact, when roles.data.compact is not set, writes one Parquet object per day and table',
        's3:PutObject',
      ),
    ],
    resources: [`${DATA_OBJECTS}/reference/*`, `${DATA_OBJECTS}/compacted/*`],
  },
  {
    sid: 'ToolDataList',
    grants: sent(
      'compact, when roles.data.compact is not set, lists the compacted files table’s days',
      's3:ListBucket',
    ),
    resources: [`${S3}\${DataBucket}`],
    condition: { StringLike: { 's3:prefix': '${DataPrefix}/compacted/*' } },
  },
  {
    sid: 'ApplyLock',
    grants: [
      ...sent('apply takes the lease: a put conditional on the object’s absence or its ETag', 's3:PutObject'),
      ...sent('apply releases the lease; --force-unlock removes it', 's3:DeleteObject'),
    ],
    resources: [`${DATA_OBJECTS}/locks/apply.json`],
  },
  {
    sid: 'QuickSightWrite',
    grants: [
      ...sent(
        'apply creates, updates, shares and deletes the QuickSight assets it owns',
        'quicksight:CreateDataSource',
        'quicksight:UpdateDataSource',
        'quicksight:UpdateDataSourcePermissions',
        'quicksight:DeleteDataSource',
        'quicksight:CreateDataSet',
        'quicksight:UpdateDataSet',
        'quicksight:UpdateDataSetPermissions',
        'quicksight:DeleteDataSet',
        'quicksight:CreateRefreshSchedule',
        'quicksight:UpdateRefreshSchedule',
        'quicksight:DeleteRefreshSchedule',
        'quicksight:CreateAnalysis',
        'quicksight:UpdateAnalysis',
        'quicksight:UpdateAnalysisPermissions',
        'quicksight:DeleteAnalysis',
        'quicksight:CreateDashboard',
        'quicksight:UpdateDashboard',
        'quicksight:UpdateDashboardPermissions',
        'quicksight:UpdateDashboardPublishedVersion',
        'quicksight:DeleteDashboard',
      ),
      ...sent(
        'apply waits for QuickSight’s asynchronous creates and updates of a data source to settle',
        'quicksight:DescribeDataSource',
      ),
      ...onBehalf(
        'every Create* carries the ownership tag: QuickSight checks TagResource',
        'quicksight:TagResource',
      ),
      ...onBehalf(
        'a data set names its data source: CreateDataSet and UpdateDataSet need PassDataSource on it',
        'quicksight:PassDataSource',
      ),
      ...onBehalf(
        'analyses and dashboards name their data sets: their Create*/Update* need PassDataSet on them',
        'quicksight:PassDataSet',
      ),
    ],
    resources: QS_ASSETS,
  },
];

/**
 * Compaction's own role (roles.data.compact; the nightly report job assumes it): the deployed
 * snapshot table read for its projection, the snapshot files read, the compacted tables listed,
 * read back and written. No Glue, Athena or QuickSight write, nothing else under data.prefix, and
 * no delete: the compacted days are put over, never removed.
 */
const DATA_COMPACT: PolicyStatement[] = [
  {
    sid: 'SnapshotTable',
    grants: sent(
      'compact reads the deployed snapshot table: its partition projection says which prefixes to list',
      'glue:GetTable',
    ),
    resources: GLUE_CATALOG,
  },
  {
    sid: 'Snapshots',
    grants: [
      ...sent('compact lists each projected account/region/day prefix', 's3:ListBucket'),
      ...sent('compact downloads the newest file of each account, region and day', 's3:GetObject'),
    ],
    resources: [`${S3}\${SnapshotBucket}`, `${S3}\${SnapshotBucket}/*`],
  },
  SNAPSHOT_KEY,
  {
    sid: 'CompactedList',
    grants: sent('compact lists the compacted files table’s days', 's3:ListBucket'),
    resources: [`${S3}\${DataBucket}`],
    condition: { StringLike: { 's3:prefix': '${DataPrefix}/compacted/*' } },
  },
  {
    sid: 'CompactedObjects',
    grants: [
      ...sent('compact reads back the files table of each day it lists again', 's3:GetObject'),
      ...sent('compact writes one Parquet object per day and table', 's3:PutObject'),
    ],
    resources: [`${DATA_OBJECTS}/compacted/*`],
  },
];

const assume = (why: string, ...roles: string[]): PolicyStatement => ({
  sid: 'AssumeToolRoles',
  grants: onBehalf(why, 'sts:AssumeRole'),
  resources: roles,
});
const MANAGEMENT_ROLE = (name: string) => `arn:\${AWS::Partition}:iam::\${ManagementAccountId}:role/${name}`;
const DATA_ROLE = (name: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}`;

/** The role names the templates create (and docs/setup.md and config/org.yaml use). */
export const ROLE_NAMES: Readonly<Record<PolicyRole, string>> = {
  'management-read': 'org-compliance-read',
  'management-write': 'org-compliance-write',
  'data-read': 'org-compliance-data-read',
  'data-write': 'org-compliance-data-write',
  'data-compact': 'org-compliance-data-compact',
  'github-plan': 'org-compliance-github-plan',
  'github-nightly': 'org-compliance-github-nightly',
  'github-apply': 'org-compliance-github-apply',
};

const READ_ROLES = [MANAGEMENT_ROLE(ROLE_NAMES['management-read']), DATA_ROLE(ROLE_NAMES['data-read'])];
const CREDENTIALS_CHAIN =
  'credentials.ts assumes the roles config/org.yaml names with the SDK’s fromTemporaryCredentials (STS AssumeRole)';

/** Every role's permissions: the single source of bootstrap/*.yaml's policies. */
export const ROLE_POLICIES: Readonly<Record<PolicyRole, readonly PolicyStatement[]>> = {
  'management-read': MANAGEMENT_READ,
  'management-write': MANAGEMENT_WRITE,
  'data-read': DATA_READ,
  'data-write': DATA_WRITE,
  'data-compact': DATA_COMPACT,
  'github-plan': [assume(`${CREDENTIALS_CHAIN}: plan, the read roles`, ...READ_ROLES)],
  'github-nightly': [
    assume(
      `${CREDENTIALS_CHAIN}: discover, drift and report the read roles; compact (in the report job) the data compact role, which writes the compacted tables only`,
      ...READ_ROLES,
      DATA_ROLE(ROLE_NAMES['data-compact']),
    ),
    {
      sid: 'ReportEmail',
      grants: [
        ...sent('the report action sends the report through SES (SESv2 SendEmail)', 'ses:SendEmail'),
        ...sent('doctor checks that the sender identity is verified', 'ses:GetEmailIdentity'),
      ],
      resources: ['arn:${AWS::Partition}:ses:${SesRegion}:${AWS::AccountId}:identity/${SesIdentity}'],
      when: 'HasSesIdentity',
    },
    {
      sid: 'ReportEmailAccount',
      grants: sent(
        'doctor checks whether SES is out of the sandbox (GetAccount takes no resource)',
        'ses:GetAccount',
      ),
      resources: ['*'],
      when: 'HasSesIdentity',
    },
  ],
  'github-apply': [
    assume(
      `${CREDENTIALS_CHAIN}: apply and reconcile, the write roles`,
      MANAGEMENT_ROLE(ROLE_NAMES['management-write']),
      DATA_ROLE(ROLE_NAMES['data-write']),
    ),
  ],
};

/** The actions a role's statements grant, sorted: those some command of ours sends, and the exceptions. */
export function grantedActions(role: PolicyRole): { sent: string[]; onBehalf: string[] } {
  const sentActions = new Set<string>();
  const behalf = new Set<string>();
  for (const statement of ROLE_POLICIES[role]) {
    for (const grant of statement.grants) {
      if ('sent' in grant) sentActions.add(grant.action);
      else behalf.add(grant.action);
    }
  }
  return { sent: [...sentActions].sort(), onBehalf: [...behalf].filter((a) => !sentActions.has(a)).sort() };
}

/** A statement's actions, sorted and without repeats (as the templates list them). */
export function statementActions(statement: PolicyStatement): string[] {
  return [...new Set(statement.grants.map((g) => g.action))].sort();
}
