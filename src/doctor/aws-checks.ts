/**
 * The checks of `doctor --target aws`, in order: credentials, the roles of config/org.yaml,
 * Organizations, Organization Config Rules and the member accounts without a configuration
 * recorder, the snapshot bucket, Glue, Athena, QuickSight, SES. Each asks the probes (read-only
 * AWS calls) and judges the answer; a check whose prerequisite did not pass is skipped, saying
 * which. The calls are bounded (see the constants). Pure apart from the probes it is given.
 */
import type { AccessMode, Account, OrgConfig, RuleSpec, TargetMode } from '../model/config.js';
import { addDays, toProjectionDate } from '../model/dates.js';
import { deployRegions } from '../model/rule-regions.js';
import {
  accountOfArn,
  blockedBy,
  type CheckResult,
  errorNameOf,
  fail,
  isAccessDenied,
  isCredentialsProblem,
  oneLine,
  pass,
  principalOf,
  SETUP_DOCS,
  share,
  skip,
  someOf,
  spread,
  warn,
} from './checks.js';
import type { CallerIdentity, DoctorProbes, QuickSightPrincipal, RoleGroup } from './probes.js';

/** Accounts and regions whose recent snapshot deliveries are looked for. */
export const SNAPSHOT_SAMPLE_ACCOUNTS = 3;
export const SNAPSHOT_SAMPLE_REGIONS = 3;
/** ListObjectsV2 calls the snapshot check makes at most (the bucket's own listing included). */
export const SNAPSHOT_LIST_BUDGET = 30;
/** Failed catalog rules per region whose member accounts are read (first page, 100 accounts). */
export const RECORDER_RULES_PER_REGION = 2;
/** A region where more than this share of member accounts lack a recorder is a warning. */
export const RECORDER_WARN_SHARE = 0.05;
export const CONFIG_SERVICE_PRINCIPAL = 'config-multiaccountsetup.amazonaws.com';

export interface AwsDoctorInput {
  org: OrgConfig;
  accounts: Account[];
  rules: RuleSpec[];
  /** quicksight/ holds definitions (otherwise the tool never calls QuickSight). */
  usesQuickSight: boolean;
  mode: AccessMode;
  /** `YYYY-MM-DD`, UTC. */
  today: string;
  /** How the report is e-mailed: the sender (report.from or the ses-from input), the recipients' count, SES's region. */
  email: { from?: string; recipients: number; region: string };
}

const GROUPS: RoleGroup[] = ['management', 'data'];
const MODES: AccessMode[] = ['read', 'write'];

/** Runs every check in order; never throws for what AWS answers. */
export async function runAwsDoctor(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const identity = await checkCredentials(probes);
  results.push(identity.result);
  const roles = await checkRoles(input, probes, identity.result);
  results.push(...roles);
  const roleOf = (group: RoleGroup) => roles.find((r) => r.id === `role:${group}:${input.mode}`);
  const management = [identity.result, roleOf('management')];
  const data = [identity.result, roleOf('data')];
  const organization = await gated(management, 'organizations', 'organizations', () =>
    checkOrganization(input, probes, identity.caller),
  );
  results.push(organization);
  const rules = await gated([organization], 'config-rules', 'organization config rules', () =>
    checkConfigRules(input, probes),
  );
  results.push(rules);
  results.push(
    await gated([rules], 'recorders', 'configuration recorders', () => checkRecorders(input, probes)),
  );
  results.push(await gated(data, 'snapshots', 'snapshot bucket', () => checkSnapshots(input, probes)));
  results.push(await gated(data, 'glue', 'glue database and table', () => checkGlue(input, probes)));
  results.push(await gated(data, 'athena', 'athena workgroup', () => checkAthena(input, probes)));
  results.push(...(await checkQuickSight(input, probes, data)));
  results.push(await gated([identity.result], 'ses', 'ses sender', () => checkSes(input, probes)));
  return results;
}

/** Runs `check` unless a needed result did not pass; a throw becomes a failure naming the call. */
async function gated(
  needed: readonly (CheckResult | undefined)[],
  id: string,
  title: string,
  check: () => Promise<CheckResult>,
): Promise<CheckResult> {
  const blocked = blockedBy(needed);
  if (blocked) return skip(id, title, blocked);
  try {
    return await check();
  } catch (error) {
    return fail(id, title, oneLine(error), accessRemedy(error, id));
  }
}

/** The checks whose calls the management role makes (the others: the data role; SES: the default credentials). */
const MANAGEMENT_CHECKS = new Set(['organizations', 'config-rules', 'recorders']);

/** The remedy of an unexpected failure: a missing permission, or what the message says. */
function accessRemedy(error: unknown, id: string): string {
  if (isAccessDenied(error)) {
    const docs = MANAGEMENT_CHECKS.has(id)
      ? SETUP_DOCS.managementRead
      : id === 'ses'
        ? SETUP_DOCS.nightlyRole
        : SETUP_DOCS.dataRead;
    return `grant the permission the message names to the role that makes this call (${docs})`;
  }
  return `fix what the message says, then run doctor again (${SETUP_DOCS.doctor})`;
}

async function checkCredentials(
  probes: DoctorProbes,
): Promise<{ result: CheckResult; caller?: CallerIdentity }> {
  const title = 'credentials';
  try {
    const caller = await probes.callerIdentity();
    return {
      caller,
      result: pass('credentials', title, `account ${caller.account}, ${principalOf(caller.arn)}`),
    };
  } catch (error) {
    const remedy = isCredentialsProblem(error)
      ? 'give the process AWS credentials: in a workflow, aws-actions/configure-aws-credentials with the entry role ' +
        `(${SETUP_DOCS.entryRoles}); on a workstation, AWS_PROFILE or \`aws sso login\` (${SETUP_DOCS.credentials})`
      : `fix what the message says (${SETUP_DOCS.credentials})`;
    return { result: fail('credentials', title, oneLine(error), remedy) };
  }
}

async function checkRoles(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  credentials: CheckResult,
): Promise<CheckResult[]> {
  const configured = GROUPS.filter((group) => input.org.roles[group] !== undefined);
  if (configured.length === 0) {
    return [
      pass(
        'roles',
        'roles',
        'config/org.yaml names no roles: the credentials above serve Organizations, Config and the data services',
      ),
    ];
  }
  const results: CheckResult[] = [];
  for (const group of configured) {
    for (const mode of MODES) {
      const arn = input.org.roles[group]?.[mode] ?? '';
      const id = `role:${group}:${mode}`;
      const title = `roles.${group}.${mode}`;
      if (mode !== input.mode) {
        results.push(
          skip(
            id,
            title,
            `not checked: doctor runs in ${input.mode} mode; run \`doctor --mode ${mode}\` where ${mode === 'write' ? 'apply runs (the production environment)' : 'plans run'}`,
          ),
        );
        continue;
      }
      results.push(
        await gated([credentials], id, title, () => assumeOne(probes, group, mode, arn, id, title)),
      );
    }
  }
  const data = input.org.roles.data;
  if (data) results.push(await compactRole(input, probes, credentials, data.compact));
  return results;
}

/**
 * roles.data.compact: compact assumes it in the nightly report job, whose nightly entry role runs
 * doctor in read mode; without it compact assumes roles.data.write, which that role should not reach.
 */
async function compactRole(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  credentials: CheckResult,
  arn: string | undefined,
): Promise<CheckResult> {
  const id = 'role:data:compact';
  const title = 'roles.data.compact';
  if (arn === undefined) {
    return warn(
      id,
      title,
      'not set: compact assumes roles.data.write, which the nightly entry role should not reach',
      `set roles.data.compact in config/org.yaml to the compact role (DataCompactRoleArn of bootstrap/data-account.yaml; ${SETUP_DOCS.roles})`,
    );
  }
  if (input.mode !== 'read') {
    return skip(
      id,
      title,
      'not checked: compact assumes it in the nightly report job; run `doctor` (read mode) there',
    );
  }
  return gated([credentials], id, title, () => assumeOne(probes, 'data', 'compact', arn, id, title));
}

async function assumeOne(
  probes: DoctorProbes,
  group: RoleGroup,
  mode: TargetMode,
  arn: string,
  id: string,
  title: string,
): Promise<CheckResult> {
  try {
    await probes.assumeRole(group, mode, arn);
    return pass(id, title, `assumed ${arn}`);
  } catch (error) {
    return fail(
      id,
      title,
      `cannot assume ${arn}: ${oneLine(error)}`,
      isAccessDenied(error)
        ? `the trust policy of ${arn} must allow the credentials above (sts:AssumeRole), and their own policy must allow assuming it (${SETUP_DOCS.roles})`
        : `check roles.${group}.${mode} in config/org.yaml names an existing role (${SETUP_DOCS.roles})`,
    );
  }
}

async function checkOrganization(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  caller: CallerIdentity | undefined,
): Promise<CheckResult> {
  const id = 'organizations';
  const role = input.org.roles.management?.[input.mode];
  const account = role ? accountOfArn(role) : (caller?.account ?? '');
  let organization: Awaited<ReturnType<DoctorProbes['organization']>>;
  try {
    organization = await probes.organization();
  } catch (error) {
    if (errorNameOf(error) === 'AWSOrganizationsNotInUseException') {
      return fail(
        id,
        id,
        `account ${account} is not in an AWS Organization`,
        `set roles.management in config/org.yaml to a role in the management account or the Config delegated administrator (${SETUP_DOCS.roles})`,
      );
    }
    return fail(id, id, oneLine(error), accessRemedy(error, id));
  }
  if (organization.id !== input.org.organizationId) {
    return fail(
      id,
      id,
      `the credentials reach organization ${organization.id}, config/org.yaml says ${input.org.organizationId}`,
      `correct organizationId in config/org.yaml, or use a management role of ${input.org.organizationId} (${SETUP_DOCS.roles})`,
    );
  }
  if (account === organization.managementAccountId) {
    return pass(id, id, `${organization.id}, reached from its management account ${account}`);
  }
  const delegated = await probes.delegatedAdministrators(CONFIG_SERVICE_PRINCIPAL);
  if (delegated.includes(account)) {
    return pass(
      id,
      id,
      `${organization.id}, reached from account ${account}, a delegated administrator for ${CONFIG_SERVICE_PRINCIPAL} (management account ${organization.managementAccountId})`,
    );
  }
  return fail(
    id,
    id,
    `account ${account} is neither the management account (${organization.managementAccountId}) nor a delegated administrator for ${CONFIG_SERVICE_PRINCIPAL}`,
    `from the management account run \`aws organizations register-delegated-administrator --service-principal ${CONFIG_SERVICE_PRINCIPAL} --account-id ${account}\`, or point roles.management at the management account (${SETUP_DOCS.managementRead})`,
  );
}

/** The catalog's rule names deployed to `region`. */
function catalogIn(input: AwsDoctorInput, region: string): string[] {
  return input.rules
    .filter((rule) => deployRegions(rule.regions, input.org).includes(region))
    .map((rule) => rule.name);
}

async function checkConfigRules(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'config-rules';
  const title = 'organization config rules';
  const parts: string[] = [];
  for (const region of input.org.regions) {
    let names: string[];
    try {
      names = await probes.organizationRuleNames(region);
    } catch (error) {
      const name = errorNameOf(error);
      const remedy =
        name === 'NoAvailableOrganizationException' || name === 'OrganizationAccessDeniedException'
          ? `the management role must be in the management account or the delegated administrator for ${CONFIG_SERVICE_PRINCIPAL}, with trusted access for that service enabled (${SETUP_DOCS.managementRead})`
          : accessRemedy(error, id);
      return fail(id, title, `not readable in ${region}: ${oneLine(error)}`, remedy);
    }
    const have = new Set(names);
    const catalog = catalogIn(input, region);
    const deployed = catalog.filter((name) => have.has(name)).length;
    parts.push(`${region} ${deployed} of ${catalog.length}`);
  }
  return pass(id, title, `readable; catalog rules deployed: ${parts.join(', ')}`);
}

/** An organization rule's status when it failed to deploy in one or more member accounts. */
const DEPLOY_FAILED = new Set(['CREATE_FAILED', 'UPDATE_FAILED']);
const RECORDER_MISSING = /NoAvailableConfigurationRecorder|configuration recorder/i;

interface RegionRecorders {
  region: string;
  members: Set<string>;
  recorderless: Set<string>;
  failedRules: number;
  otherFailures: number;
  more: boolean;
}

async function recordersIn(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  region: string,
): Promise<RegionRecorders> {
  const statuses = await probes.organizationRuleStatuses(region);
  const failed = catalogIn(input, region)
    .filter((name) => DEPLOY_FAILED.has(statuses.get(name) ?? ''))
    .sort();
  const found: RegionRecorders = {
    region,
    members: new Set(),
    recorderless: new Set(),
    failedRules: failed.length,
    otherFailures: 0,
    more: false,
  };
  for (const rule of failed.slice(0, RECORDER_RULES_PER_REGION)) {
    const page = await probes.memberDeployments(region, rule);
    found.more ||= page.more;
    for (const member of page.members) {
      found.members.add(member.accountId);
      if (!member.status.endsWith('_FAILED')) continue;
      if (RECORDER_MISSING.test(`${member.errorCode ?? ''} ${member.errorMessage ?? ''}`))
        found.recorderless.add(member.accountId);
      else found.otherFailures += 1;
    }
  }
  return found;
}

async function checkRecorders(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'recorders';
  const title = 'configuration recorders';
  const regions: RegionRecorders[] = [];
  for (const region of input.org.regions) regions.push(await recordersIn(input, probes, region));
  const failedRules = regions.reduce((n, r) => n + r.failedRules, 0);
  if (failedRules === 0) {
    return pass(id, title, `no catalog rule failed in a member account (${regions.length} regions)`);
  }
  const shares = regions
    .filter((r) => r.recorderless.size > 0)
    .map((r) => ({ ...r, ratio: r.recorderless.size / Math.max(r.members.size, 1) }))
    .sort((a, b) => b.ratio - a.ratio);
  const words = shares.map(
    (r) =>
      `${r.region}: ${r.recorderless.size} of ${r.members.size}${r.more ? '+' : ''} member accounts (${share(r.recorderless.size, r.members.size)}), e.g. ${someOf([...r.recorderless].sort(), 3)}`,
  );
  const worst = shares[0];
  if (worst && worst.ratio > RECORDER_WARN_SHARE) {
    return warn(
      id,
      title,
      `catalog rules failed to deploy for want of a configuration recorder in ${words.join('; ')}`,
      `turn AWS Config on (a configuration recorder and a delivery channel with a snapshot frequency) in those accounts and regions, e.g. with a StackSet or Control Tower (${SETUP_DOCS.snapshots}); \`org-compliance plan --target aws\` lists every failed member`,
    );
  }
  const others = regions.reduce((n, r) => n + r.otherFailures, 0);
  const recorderWords =
    words.length > 0
      ? `; without a recorder (at most ${share(RECORDER_WARN_SHARE, 1)}): ${words.join('; ')}`
      : '';
  if (others > 0) {
    return warn(
      id,
      title,
      `${failedRules} catalog rule deployment(s) failed in member accounts for reasons other than a recorder${recorderWords}`,
      '`org-compliance plan --target aws` lists each failed member account with its error',
    );
  }
  return pass(id, title, `${failedRules} catalog rule deployment(s) failed${recorderWords}`);
}

/** `[<prefix>/][<org-id>/]AWSLogs/`: where every account's Config files start in the bucket. */
export function awsLogsPrefix(org: OrgConfig): string {
  const parts: string[] = [];
  const prefix = org.snapshots.prefix.replace(/^\/+|\/+$/g, '');
  if (prefix !== '') parts.push(prefix);
  if (org.snapshots.orgIdInPath) parts.push(org.organizationId);
  parts.push('AWSLogs');
  return `${parts.join('/')}/`;
}

/** The snapshot prefix of one account, region and day: `…/AWSLogs/<a>/Config/<r>/<y>/<m>/<d>/ConfigSnapshot/`. */
export function snapshotDayPrefix(org: OrgConfig, account: string, region: string, day: string): string {
  return `${awsLogsPrefix(org)}${account}/Config/${region}/${toProjectionDate(day)}/ConfigSnapshot/`;
}

/** The accounts × regions sampled: active accounts that joined before the freshness window, spread by id. */
export function snapshotSample(input: AwsDoctorInput): { account: string; region: string }[] {
  const windowStart = addDays(input.today, -input.org.compliance.staleAfterDays);
  const accounts = input.accounts
    .filter((a) => a.state === 'ACTIVE' && a.joined < windowStart)
    .map((a) => a.id)
    .sort();
  const regions = [
    input.org.homeRegion,
    ...input.org.regions.filter((r) => r !== input.org.homeRegion),
  ].slice(0, SNAPSHOT_SAMPLE_REGIONS);
  return spread(accounts, SNAPSHOT_SAMPLE_ACCOUNTS).flatMap((account) =>
    regions.map((region) => ({ account, region })),
  );
}

async function checkSnapshots(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'snapshots';
  const title = 'snapshot bucket';
  const { org } = input;
  const base = `s3://${org.snapshots.bucket}/${awsLogsPrefix(org)}`;
  let calls = 1;
  try {
    if ((await probes.firstKey(awsLogsPrefix(org))) === undefined) {
      return fail(
        id,
        title,
        `readable, but nothing under ${base}`,
        `check snapshots.bucket, .prefix and .orgIdInPath in config/org.yaml against where Config delivers (${SETUP_DOCS.snapshots})`,
      );
    }
  } catch (error) {
    const missing = errorNameOf(error) === 'NoSuchBucket';
    return fail(
      id,
      title,
      `cannot list ${base}: ${oneLine(error)}`,
      missing
        ? 'correct snapshots.bucket in config/org.yaml'
        : `grant s3:ListBucket on the bucket to the data role, and allow it in the bucket policy when the bucket is in another account (${SETUP_DOCS.dataRead})`,
    );
  }
  const sample = snapshotSample(input);
  if (sample.length === 0) {
    return pass(
      id,
      title,
      `${base} is readable; no active account in config/accounts.yaml old enough to sample`,
    );
  }
  const days = Array.from({ length: org.compliance.staleAfterDays + 1 }, (_, k) => addDays(input.today, -k));
  const missing: string[] = [];
  const unchecked: string[] = [];
  let newest: string | undefined;
  for (const { account, region } of sample) {
    let found: string | undefined;
    for (const day of days) {
      if (calls >= SNAPSHOT_LIST_BUDGET) break;
      calls += 1;
      found = await probes.firstKey(snapshotDayPrefix(org, account, region, day));
      if (found) break;
    }
    if (found) newest ??= found;
    else if (calls >= SNAPSHOT_LIST_BUDGET) unchecked.push(`${account} ${region}`);
    else missing.push(`${account} ${region}`);
  }
  return judgeSnapshots(input, probes, { base, sample: sample.length, calls, missing, unchecked, newest });
}

async function judgeSnapshots(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  seen: {
    base: string;
    sample: number;
    calls: number;
    missing: string[];
    unchecked: string[];
    newest?: string | undefined;
  },
): Promise<CheckResult> {
  const id = 'snapshots';
  const title = 'snapshot bucket';
  const days = input.org.compliance.staleAfterDays;
  let reads = '';
  if (seen.newest) {
    try {
      await probes.readFirstByte(seen.newest);
      reads = ' and 1 GetObject';
    } catch (error) {
      return fail(
        id,
        title,
        `snapshot files are listed but cannot be read: ${oneLine(error)}`,
        `grant s3:GetObject on the bucket's objects, and kms:Decrypt on its KMS key when it has one (cross-account: in the key policy too) (${SETUP_DOCS.dataRead})`,
      );
    }
  }
  const checked = seen.sample - seen.unchecked.length;
  const calls = `${seen.calls} ListObjectsV2${reads}`;
  const notChecked =
    seen.unchecked.length > 0 ? `; not checked (call budget): ${someOf(seen.unchecked)}` : '';
  const delivered = checked - seen.missing.length;
  const summary = `${delivered} of ${checked} sampled account/region pairs have a snapshot within staleAfterDays (${days} days)`;
  if (seen.missing.length === 0)
    return pass(id, title, `${seen.base} readable; ${summary} (${calls})${notChecked}`);
  const detail = `${summary}; none in ${someOf(seen.missing)} (${calls})${notChecked}`;
  const remedy = `in those accounts and regions, check the Config delivery channel delivers to this bucket and sets a snapshot delivery frequency (${SETUP_DOCS.snapshots})`;
  return delivered === 0
    ? fail(id, title, detail, `${remedy}; check snapshots.prefix and .orgIdInPath in config/org.yaml`)
    : warn(id, title, detail, remedy);
}

async function checkGlue(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'glue';
  const title = 'glue database and table';
  const { database, table, region } = input.org.glue;
  const apply = `run apply (\`org-compliance apply --target aws\`, or merge to main): it creates them`;
  if (!(await probes.glueDatabase())) {
    return warn(id, title, `database ${database} does not exist in ${region} yet`, apply);
  }
  if (!(await probes.glueTable())) {
    return warn(id, title, `database ${database} exists in ${region}; table ${table} does not yet`, apply);
  }
  return pass(id, title, `${database}.${table} in ${region}`);
}

async function checkAthena(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'athena';
  const title = 'athena workgroup';
  const { workgroup } = input.org.athena;
  const { region } = input.org.glue;
  try {
    const placement = await probes.athenaResultPlacement();
    return pass(id, title, `${workgroup} in ${region}, enabled; query results go to ${placement}`);
  } catch (error) {
    if (errorNameOf(error) === 'AthenaWorkGroupError') {
      return fail(
        id,
        title,
        oneLine(error),
        `change the workgroup or config/org.yaml as the message says (${SETUP_DOCS.dataRead})`,
      );
    }
    return fail(id, title, oneLine(error), accessRemedy(error, id));
  }
}

/** A principal of org.yaml (`group/<name>`, `user/<name>` or an ARN) resolved to where it lives. */
export function quickSightPrincipal(written: string, org: OrgConfig, accountId: string): QuickSightPrincipal {
  const settings = org.quicksight;
  if (written.startsWith('arn:')) {
    const [, , , region = '', account = '', resource = ''] = written.split(':');
    const [type, namespace = '', ...name] = resource.split('/');
    return {
      written,
      type: type === 'group' ? 'group' : 'user',
      accountId: account,
      region,
      namespace,
      name: name.join('/'),
    };
  }
  const slash = written.indexOf('/');
  return {
    written,
    type: written.slice(0, slash) === 'group' ? 'group' : 'user',
    accountId,
    region: settings.identityRegion,
    namespace: settings.namespace,
    name: written.slice(slash + 1),
  };
}

async function checkQuickSight(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  data: readonly (CheckResult | undefined)[],
): Promise<CheckResult[]> {
  const title = 'quicksight subscription';
  if (!input.usesQuickSight) {
    return [skip('quicksight', title, 'quicksight/ holds no definitions: the tool makes no QuickSight call')];
  }
  let accountId = input.org.quicksight.accountId;
  const subscription = await gated(data, 'quicksight', title, async () => {
    accountId ??= await probes.dataAccount();
    try {
      const found = await probes.quickSightSubscription(accountId, input.org.quicksight.identityRegion);
      return judgeSubscription(input, accountId, found);
    } catch (error) {
      return wrongIdentityRegion('quicksight', title, input.org, error);
    }
  });
  const principals = await gated(
    [subscription],
    'quicksight-principals',
    'quicksight owners and viewers',
    () => checkPrincipals(input, probes, accountId ?? ''),
  );
  return [subscription, principals];
}

/**
 * QuickSight answers account-level and user and group calls in its identity region only, and
 * elsewhere says which region that is: the fix is quicksight.identityRegion. Other errors are rethrown.
 */
function wrongIdentityRegion(id: string, title: string, org: OrgConfig, error: unknown): CheckResult {
  const region = identityRegionOf(error);
  if (!region) throw error;
  return fail(
    id,
    title,
    oneLine(error),
    `set quicksight.identityRegion in config/org.yaml to ${region} (it is ${org.quicksight.identityRegion})`,
  );
}

/** The identity region QuickSight names when a call went to another region, else undefined. */
function identityRegionOf(error: unknown): string | undefined {
  return /identity region is ([a-z0-9-]+)/.exec(oneLine(error))?.[1];
}

/** Groups and namespaces other than `default` exist in QuickSight Enterprise only. */
function needsEnterprise(org: OrgConfig): boolean {
  const principals = [...org.quicksight.owners, ...org.quicksight.viewers];
  return org.quicksight.namespace !== 'default' || principals.some((p) => /(^|:)group\//.test(p));
}

function judgeSubscription(
  input: AwsDoctorInput,
  accountId: string,
  found: { status: string; edition: string } | undefined,
): CheckResult {
  const id = 'quicksight';
  const title = 'quicksight subscription';
  const region = input.org.quicksight.identityRegion;
  const signUp = `sign account ${accountId} up for QuickSight Enterprise (identity region ${region}), or set quicksight.accountId and quicksight.identityRegion in config/org.yaml to where it is`;
  if (!found)
    return fail(
      id,
      title,
      `account ${accountId} has no QuickSight subscription (looked in ${region})`,
      signUp,
    );
  if (found.status !== 'ACCOUNT_CREATED') {
    return fail(id, title, `account ${accountId}: subscription status ${found.status}`, signUp);
  }
  if (found.edition === 'STANDARD' && needsEnterprise(input.org)) {
    return fail(
      id,
      title,
      `account ${accountId} has QuickSight STANDARD, which has no groups or namespaces; quicksight.owners/viewers use them`,
      'upgrade the subscription to Enterprise, or name users (user/<name>) in the default namespace in config/org.yaml',
    );
  }
  return pass(id, title, `account ${accountId}, ${found.edition} edition, identity region ${region}`);
}

async function checkPrincipals(
  input: AwsDoctorInput,
  probes: DoctorProbes,
  accountId: string,
): Promise<CheckResult> {
  const id = 'quicksight-principals';
  const title = 'quicksight owners and viewers';
  const { owners, viewers } = input.org.quicksight;
  const written = [...new Set([...owners, ...viewers])];
  const missing: string[] = [];
  for (const principal of written.map((p) => quickSightPrincipal(p, input.org, accountId))) {
    try {
      if (!(await probes.quickSightPrincipalExists(principal))) missing.push(principal.written);
    } catch (error) {
      // An ARN naming another region than the identity region org.yaml rightly gives: the ARN is wrong.
      const arnWrong =
        principal.written.startsWith('arn:') &&
        identityRegionOf(error) === input.org.quicksight.identityRegion;
      if (!arnWrong) return wrongIdentityRegion(id, title, input.org, error);
      return fail(
        id,
        title,
        oneLine(error),
        `write ${principal.written} with region ${input.org.quicksight.identityRegion}, QuickSight's identity region, or as ${principal.type}/${principal.name}`,
      );
    }
  }
  if (missing.length === 0) {
    return pass(id, title, `${written.length} found (owners: ${owners.length}, viewers: ${viewers.length})`);
  }
  const { namespace, identityRegion } = input.org.quicksight;
  return fail(
    id,
    title,
    `${missing.length} of ${written.length} not found in QuickSight: ${someOf(missing)} (namespace ${namespace}, ${identityRegion})`,
    `create them in QuickSight (e.g. \`aws quicksight create-group --aws-account-id ${accountId} --namespace ${namespace} --group-name <name> --region ${identityRegion}\`) or correct quicksight.owners/viewers in config/org.yaml`,
  );
}

async function checkSes(input: AwsDoctorInput, probes: DoctorProbes): Promise<CheckResult> {
  const id = 'ses';
  const title = 'ses sender';
  const { from, recipients, region } = input.email;
  if (!from) {
    return recipients === 0
      ? skip(id, title, 'no e-mail configured (report.recipients): the report is not e-mailed')
      : fail(
          id,
          title,
          `${recipients} recipient(s) configured but no sender`,
          'set report.from in config/org.yaml (or the report action input ses-from) to an address verified in SES',
        );
  }
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const byAddress = await probes.sesIdentity(from, region);
  const verified = byAddress?.verifiedForSending ? 'the sender address' : undefined;
  const byDomain = verified ? undefined : await probes.sesIdentity(domain, region);
  const how = verified ?? (byDomain?.verifiedForSending ? `its domain ${domain}` : undefined);
  if (!how) {
    return fail(
      id,
      title,
      `the sender (report.from or ses-from) is not verified in SES in ${region}, nor is its domain`,
      `verify the address or its domain in SES in ${region} (\`aws sesv2 create-email-identity\`), or send from the region where it is verified (the report action's ses-region input, doctor --ses-region)`,
    );
  }
  let production: boolean;
  try {
    production = await probes.sesProductionAccess(region);
  } catch (error) {
    return warn(
      id,
      title,
      `verified in ${region} through ${how}; could not tell whether SES is in the sandbox: ${oneLine(error)}`,
      'grant ses:GetAccount to check it, or look at the SES console: in the sandbox every recipient must be verified too',
    );
  }
  if (!production) {
    return warn(
      id,
      title,
      `verified in ${region} through ${how}, but SES in ${region} is in the sandbox: it sends only to verified addresses`,
      `request production access for SES in ${region}, or verify each recipient (${SETUP_DOCS.nightlyRole})`,
    );
  }
  return pass(id, title, `verified in ${region} through ${how}; ${recipients} recipient(s)`);
}
