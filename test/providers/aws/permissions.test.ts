/**
 * The roles' policies (src/providers/aws/permissions.ts) against what the code sends. Every command
 * of a whole run of the aws target — plan, apply (creates, updates, deletes, the apply lock),
 * compaction (with its own role, and with the data write role of a set-up without one), the report's
 * queries, a query stopped at its bound, discover, the QuickSight export, the report e-mail — is
 * recorded with the role whose credentials the client that sent it carries, through
 * the clients createAwsClients builds (answered by the in-process fake AWS). The test fails when a
 * command needs an action its role does not grant, when a role grants an action that nothing sends
 * and that is not a documented exception, or when the code imports a command the mapping lacks.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { InitializeMiddleware } from '@smithy/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { sendReportEmail } from '../../../src/actions/report/deliver.js';
import { apply } from '../../../src/apply/apply.js';
import { withApplyLock } from '../../../src/apply/lock.js';
import { FAKE_ACCOUNT_ID, FakeAws, type FakeService } from '../../../src/bench/fake-aws.js';
import type { Json } from '../../../src/bench/fake-service.js';
import { DEMO_ORG } from '../../../src/demo/run.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import { runAwsDoctor } from '../../../src/doctor/aws-checks.js';
import { projectionOf, snapshotPrefixes } from '../../../src/engines/duckdb/partitions.js';
import { loadRepository } from '../../../src/load/index.js';
import type { AccessMode, OrgConfig, Repository, TargetMode } from '../../../src/model/config.js';
import { parseS3Uri } from '../../../src/model/table-data.js';
import { runPlan } from '../../../src/pipeline/plan.js';
import { AthenaQueryRunner } from '../../../src/providers/aws/athena.js';
import { type AwsClients, createAwsClients } from '../../../src/providers/aws/clients.js';
import { createDoctorProbes } from '../../../src/providers/aws/doctor.js';
import { CLIENT_GROUPS, observeCommands, type SentCommand } from '../../../src/providers/aws/observe.js';
import {
  actionsOf,
  CLIENT_PACKAGES,
  COMMAND_ACTIONS,
  type CredentialGroup,
  grantedActions,
  type PolicyRole,
  ROLE_POLICIES,
  roleOf,
} from '../../../src/providers/aws/permissions.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { REPO_ROOT } from '../../helpers/repo.js';

const TODAY = '2026-11-28';
const NOW = Date.parse(`${TODAY}T12:00:00Z`);

/** A command as sent, with the role whose credentials sent it. */
interface Recorded extends SentCommand {
  role: PolicyRole;
}

const SERVICE_OF_CLIENT: Record<string, FakeService> = {
  OrganizationsClient: 'organizations',
  ConfigServiceClient: 'config',
  GlueClient: 'glue',
  AthenaClient: 'athena',
  QuickSightClient: 'quicksight',
  STSClient: 'sts',
  S3Client: 's3',
};

/**
 * Binary S3 objects (gzip snapshots, Parquet) and ListObjectsV2, which the fake's S3 (text objects,
 * Get/Put/Delete) does not serve; everything else goes to the fake.
 */
class BinaryObjects {
  readonly objects = new Map<string, { bytes: Uint8Array; metadata: Record<string, string> }>();

  constructor(private readonly fake: FakeAws) {}

  answer(operation: string, input: Json): unknown {
    const at = `${String(input.Bucket)}/${String(input.Key)}`;
    if (operation === 'ListObjectsV2') return this.#list(String(input.Bucket), String(input.Prefix ?? ''));
    if (operation === 'PutObject' && input.Body instanceof Uint8Array && input.IfNoneMatch === undefined) {
      this.objects.set(at, {
        bytes: new Uint8Array(input.Body),
        metadata: (input.Metadata ?? {}) as Record<string, string>,
      });
      return { ETag: '"binary"' };
    }
    const held = this.objects.get(at);
    if (operation === 'GetObject' && held) {
      return {
        Body: {
          transformToByteArray: async () => held.bytes,
          transformToString: async () => Buffer.from(held.bytes).toString('utf8'),
        },
        ETag: '"binary"',
        Metadata: { ...held.metadata },
      };
    }
    return undefined;
  }

  #list(bucket: string, prefix: string): unknown {
    const keys = [...this.objects.keys(), ...this.fake.objects.keys()]
      .filter((at) => at.startsWith(`${bucket}/${prefix}`))
      .map((at) => at.slice(bucket.length + 1))
      .sort();
    if (keys.length > 1000) throw new Error('the test lists at most 1000 keys a prefix');
    return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false, KeyCount: keys.length };
  }
}

/** Answers for one operation that replace the fake's (a query that never settles, for one). */
type Overrides = Partial<Record<string, (input: Json, region: string) => unknown>>;

/** Whose credentials a client of a group carries: the roles of a mode, or (a set-up's fallback) named. */
type RolesOf = TargetMode | ((group: CredentialGroup) => PolicyRole);

/**
 * The clients createAwsClients builds, with distinct credentials per group, observed, and answered
 * from the fake before anything would go on the wire. A command of a group that has no role in the
 * mode (compaction's management clients) throws: the run that sent it fails.
 */
function recordingClients(
  fake: FakeAws,
  binary: BinaryObjects,
  mode: RolesOf,
  log: Recorded[],
  overrides: Overrides = {},
): AwsClients {
  const roleFor = typeof mode === 'function' ? mode : (group: CredentialGroup) => roleOf(group, mode);
  const built = createAwsClients({
    credentials: {
      management: async () => ({ accessKeyId: 'AKIDMANAGEMENT', secretAccessKey: 'unused' }),
      data: async () => ({ accessKeyId: 'AKIDDATA', secretAccessKey: 'unused' }),
    },
  });
  const observed = observeCommands(built, (sent) => log.push({ ...sent, role: roleFor(sent.group) }));
  const answered = new WeakSet<object>();
  const answering =
    (region: string): InitializeMiddleware<object, object> =>
    (_next, context) =>
    async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const service = SERVICE_OF_CLIENT[context.clientName ?? ''];
      if (!service) throw new Error(`no fake service for ${context.clientName}`);
      const input = args.input as Json;
      const override = overrides[operation];
      let output: unknown;
      if (override) output = await override(input, region);
      else if (service === 's3') output = binary.answer(operation, input);
      output ??= await fake.answer(service, operation, region, input);
      return { response: undefined, output: { $metadata: {}, ...(output as object) } };
    };
  const answer = <
    C extends { middlewareStack: { add(m: InitializeMiddleware<object, object>, o: object): void } },
  >(
    client: C,
    region: string,
  ): C => {
    if (!answered.has(client)) {
      answered.add(client);
      client.middlewareStack.add(answering(region), {
        step: 'initialize',
        priority: 'high',
        name: 'answerFromFake',
      });
    }
    return client;
  };
  return {
    organizations: () => answer(observed.organizations(), 'us-east-1'),
    config: (r) => answer(observed.config(r), r),
    glue: (r) => answer(observed.glue(r), r),
    athena: (r) => answer(observed.athena(r), r),
    quicksight: (r) => answer(observed.quicksight(r), r),
    sts: (r) => answer(observed.sts(r), r),
    s3: (r) => answer(observed.s3(r), r),
  };
}

async function repository(): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(REPO_ROOT);
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

/** The repository changed so that apply updates every QuickSight kind and its permissions, and deletes a rule and a view. */
function changed(repo: Repository): Repository {
  const next = structuredClone(repo);
  for (const source of next.quicksight) {
    if (source.kind === 'quicksight-refresh-schedule') {
      (source.json.ScheduleFrequency as Record<string, unknown>).TimeOfTheDay = '07:00';
    } else source.json.Name = `${String(source.json.Name)} (renamed)`;
    source.text = JSON.stringify(source.json, null, 2);
  }
  next.org.quicksight.owners = ['group/org-compliance-owners'];
  next.rules = next.rules.slice(1);
  const unused = next.views.findIndex((v) => !next.views.some((w) => w !== v && w.text.includes(v.name)));
  next.views.splice(unused, 1);
  return next;
}

const sleep = async () => {};

/** One recorded run of everything the aws target does, in read and in write mode. */
async function recordEverything(): Promise<Recorded[]> {
  const log: Recorded[] = [];
  const repo = await repository();
  const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
  const binary = new BinaryObjects(fake);
  const target = (mode: AccessMode, r: Repository = repo, overrides: Overrides = {}) =>
    createAwsTarget(r.org, {
      mode,
      clients: recordingClients(fake, binary, mode, log, overrides),
      sleep,
      now: () => NOW,
    });
  const lockOptions = { holder: 'permissions test', now: () => new Date(NOW) };

  // plan (read) against an empty account, then apply (write) under the lock: everything created.
  await runPlan(repo, target('read'), { today: TODAY });
  const applyOnce = async (r: Repository, overrides: Overrides = {}) => {
    const t = target('write', r, overrides);
    await withApplyLock(t, lockOptions, async () => {
      const result = await apply((await runPlan(r, t, { today: TODAY })).plan, t, { maxDeletes: 1000 });
      if (!result.ok) throw new Error(`apply failed: ${JSON.stringify(result)}`);
    });
  };
  await applyOnce(repo);
  // Read mode over what is deployed: plan (some rules failed in member accounts for want of a
  // recorder, so their detailed status is read), the report's queries, discover, the QuickSight export.
  const failing = failedRules(fake);
  const reader = target('read', repo, failing);
  await runPlan(repo, reader, { today: TODAY });
  // A plan adding an exception measures its impact: one query over the deployed views.
  const measured = await runPlan(withNewException(repo), reader, { today: TODAY, impact: true });
  expect(measured.plan.impact?.status).toBe('computed');
  const session = await reader.openQuerySession();
  await session.query('SELECT 1', 'a report query');
  await reader.organization.readOrganization();
  expect(await (await reader.quickSightAnalyses()).describe('org-compliance')).toBeDefined();
  // Every kind updated, permissions changed, a rule and a view deleted; then QuickSight removed.
  const second = changed(repo);
  await applyOnce(second, failing);
  await applyOnce(onlyAnotherDataSource(second));
  // --force-unlock over a lock another apply left behind.
  fake.objects.set('acme-config-snapshots/org-compliance/locks/apply.json', {
    body: JSON.stringify({
      id: 'left-behind',
      holder: 'a killed apply',
      acquired: new Date(NOW - 60_000).toISOString(),
      expires: new Date(NOW + 3_600_000).toISOString(),
    }),
    etag: '"held"',
    metadata: {},
  });
  await withApplyLock(target('write'), { ...lockOptions, forceUnlock: true }, async () => {});

  for (const mode of ['read', 'write'] as const) await stoppedQuery(fake, binary, mode, log);
  for (const mode of ['read', 'write'] as const) await doctor(repo, mode, fake, binary, log);
  await reportEmail(log);

  // compact with its own role: one snapshot file delivered today for one account and region, over
  // 3 days; then, the compacted objects gone, as a set-up without roles.data.compact runs it.
  await compactOnce(repo, fake, binary, log, 'compact');
  for (const at of binary.objects.keys()) if (at.includes('/compacted/')) binary.objects.delete(at);
  await compactOnce(repo, fake, binary, log, compactingWith('data-write'));
  return log;
}

/** The repository with one more exception: a plan of it measures the impact on today's data. */
function withNewException(repo: Repository): Repository {
  const next = structuredClone(repo);
  next.exceptions.push({
    id: 'legacy-volumes',
    rules: ['backup-*'],
    accounts: [],
    tags: {},
    reason: 'Legacy volumes, moved off by the storage migration.',
    owner: 'team-storage',
    expires: '2099-12-31',
  });
  return next;
}

/** Compaction's roles when it runs with `role`: that data role, and no management role at all. */
function compactingWith(role: PolicyRole): (group: CredentialGroup) => PolicyRole {
  return (group) => {
    if (group === 'data') return role;
    throw new Error('compaction sent a command with the management credentials');
  };
}

/** The report action's e-mail, sent with the nightly entry role's own credentials. */
async function reportEmail(log: Recorded[]): Promise<void> {
  const sent = await sendReportEmail(
    {
      send: async (command: object) => {
        log.push({
          group: 'data',
          role: 'github-nightly',
          client: 'SESv2Client',
          command: command.constructor.name,
          region: 'eu-west-1',
          input: {},
        });
        return {} as never;
      },
    },
    { from: 'sender@example.invalid', recipients: ['one@example.invalid'], region: 'eu-west-1' },
    { subject: 's', html: '<p>h</p>', text: 't' },
  );
  expect(sent).toBe(1);
}

/** Statuses that say every rule failed to deploy somewhere. */
function failedRules(fake: FakeAws): Overrides {
  return {
    DescribeOrganizationConfigRuleStatuses: async (input, region) => {
      const answer = (await fake.answer(
        'config',
        'DescribeOrganizationConfigRuleStatuses',
        region,
        input,
      )) as {
        OrganizationConfigRuleStatuses: { OrganizationRuleStatus: string }[];
      };
      for (const s of answer.OrganizationConfigRuleStatuses) s.OrganizationRuleStatus = 'CREATE_FAILED';
      return answer;
    },
  };
}

/** quicksight/ with its data source only, under another id: everything QuickSight held before is deleted. */
function onlyAnotherDataSource(repo: Repository): Repository {
  const source = structuredClone(repo.quicksight.find((q) => q.kind === 'quicksight-data-source'));
  if (!source) throw new Error('quicksight/ has no data source');
  source.id = `${source.id}-v2`;
  source.json.DataSourceId = source.id;
  source.text = JSON.stringify(source.json, null, 2);
  return { ...repo, quicksight: [source] };
}

/** doctor in `mode`: its role clients, and the entry role for who runs it and SES. */
async function doctor(
  repo: Repository,
  mode: AccessMode,
  fake: FakeAws,
  binary: BinaryObjects,
  log: Recorded[],
) {
  const entry: PolicyRole = 'github-nightly';
  const ses: Record<string, unknown> = {
    GetEmailIdentityCommand: { VerifiedForSendingStatus: true, VerificationStatus: 'SUCCESS' },
    GetAccountCommand: { ProductionAccessEnabled: true, SendingEnabled: true },
  };
  const quickSight: Overrides = {
    DescribeAccountSubscription: () => ({
      AccountInfo: {
        AccountName: 'acme',
        Edition: 'ENTERPRISE',
        AccountSubscriptionStatus: 'ACCOUNT_CREATED',
      },
    }),
    DescribeGroup: (input) => ({ Group: { GroupName: input.GroupName } }),
    DescribeUser: (input) => ({ User: { UserName: input.UserName } }),
  };
  const probes = createDoctorProbes({
    org: repo.org,
    base: recordingClients(fake, binary, mode, []),
    clients: recordingClients(fake, binary, mode, log, quickSight),
    credentials: {},
    ses: (region) => ({
      send: async (command: object) => {
        const name = command.constructor.name;
        log.push({ group: 'data', role: entry, client: 'SESv2Client', command: name, region, input: {} });
        return (ses[name] ?? {}) as never;
      },
    }),
    send: createSend({ retry: { sleep, maxAttempts: 1 } }),
  });
  const results = await runAwsDoctor(
    {
      org: {
        ...repo.org,
        report: { ...repo.org.report, from: 'sender@example.invalid' },
        // A user beside the groups: doctor looks users up with DescribeUser.
        quicksight: { ...repo.org.quicksight, viewers: [...repo.org.quicksight.viewers, 'user/analyst'] },
      },
      accounts: repo.accounts,
      rules: repo.rules,
      usesQuickSight: true,
      mode,
      today: TODAY,
      email: { from: 'sender@example.invalid', recipients: 1, region: 'eu-west-1' },
    },
    probes,
  );
  expect(results.length).toBeGreaterThan(0);
}

/** A query that never settles, stopped at its bound (a report query, or a view statement of apply). */
async function stoppedQuery(
  fake: FakeAws,
  binary: BinaryObjects,
  mode: AccessMode,
  log: Recorded[],
): Promise<void> {
  let now = NOW;
  const clients = recordingClients(fake, binary, mode, log, {
    GetQueryExecution: (input) => ({
      QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'RUNNING' } },
    }),
    StopQueryExecution: () => ({}),
  });
  const runner = new AthenaQueryRunner({
    clients,
    send: createSend({ retry: { sleep } }),
    region: 'eu-west-1',
    workgroup: 'primary',
    outputLocation: 's3://acme-athena-results/org-compliance/',
    database: 'org_compliance',
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    timeoutMs: 10_000,
  });
  await expect(runner.run('SELECT 1', 'a query that never ends')).rejects.toThrow(/stop/i);
}

async function compactOnce(
  repo: Repository,
  fake: FakeAws,
  binary: BinaryObjects,
  log: Recorded[],
  roles: RolesOf,
) {
  const short = structuredClone(repo);
  short.org.compliance.trendDays = 2;
  const target = createAwsTarget(short.org, {
    mode: 'compact',
    clients: recordingClients(fake, binary, roles, log),
    sleep,
    now: () => NOW,
  });
  // The test's own look at the deployed table, not recorded.
  const reader = createAwsTarget(short.org, { clients: recordingClients(fake, binary, 'read', []), sleep });
  const [table] = await reader.providers['glue-table'].read([]);
  if (!table) throw new Error('the snapshot table was not deployed');
  const projection = projectionOf(table.properties, TODAY);
  const [prefix] = snapshotPrefixes(projection, [TODAY]);
  const account = [...projection.accounts].sort()[0] as string;
  const region = [...projection.regions].sort()[0] as string;
  const key = `${prefix}${account}_Config_${region}_ConfigSnapshot_20261128T060000Z_0f1e2d3c-0000-4000-8000-000000000001.json.gz`;
  binary.objects.set(`${projection.bucket}/${key}`, {
    bytes: gzipSync(JSON.stringify({ fileVersion: '1.0', configSnapshotId: 'x', configurationItems: [] })),
    metadata: {},
  });
  const first = await target.compact({ workers: 1 });
  expect(first.written.length).toBe(3);
  // A second run lists the recent days again and reads their files tables back.
  await target.compact({ workers: 1 });
}

/** Each role's actions as sent: role → action → the commands that needed it. */
function actionsSent(log: readonly Recorded[]): Map<PolicyRole, Map<string, Set<string>>> {
  const out = new Map<PolicyRole, Map<string, Set<string>>>();
  for (const sent of log) {
    const byAction = out.get(sent.role) ?? new Map<string, Set<string>>();
    out.set(sent.role, byAction);
    for (const action of actionsOf(sent.client, sent.command)) {
      const commands = byAction.get(action) ?? new Set<string>();
      commands.add(sent.command);
      byAction.set(action, commands);
    }
  }
  return out;
}

/** Commands needing actions their role's policy lacks: `role: action (Command)`. */
function missingGrants(log: readonly Recorded[]): string[] {
  const missing = new Set<string>();
  for (const [role, byAction] of actionsSent(log)) {
    const { sent, onBehalf } = grantedActions(role);
    for (const [action, commands] of byAction) {
      if (!sent.includes(action) && !onBehalf.includes(action))
        missing.add(`${role}: ${action} (${[...commands].join(', ')})`);
    }
  }
  return [...missing].sort();
}

/** Actions a role declares as sent by the code that no recorded command needed. */
function unusedGrants(log: readonly Recorded[], roles: readonly PolicyRole[]): string[] {
  const sentBy = actionsSent(log);
  const unused: string[] = [];
  for (const role of roles) {
    const used = sentBy.get(role) ?? new Map<string, Set<string>>();
    for (const action of grantedActions(role).sent) if (!used.has(action)) unused.push(`${role}: ${action}`);
  }
  return unused.sort();
}

/** The templates' parameters as config/org.yaml and the fake say, for matching what was sent. */
function parameters(org: OrgConfig): Record<string, string> {
  const results = parseS3Uri(org.athena.outputLocation ?? '');
  return {
    'AWS::Partition': 'aws',
    'AWS::Region': org.glue.region,
    'AWS::AccountId': FAKE_ACCOUNT_ID,
    SnapshotBucket: org.snapshots.bucket,
    DataBucket: org.data.bucket,
    DataPrefix: org.data.prefix,
    GlueDatabase: org.glue.database,
    AthenaWorkGroup: org.athena.workgroup,
    AthenaResultsBucket: results.bucket,
    AthenaResultsPrefix: results.key.replace(/\/$/, ''),
    QuickSightRegion: org.quicksight.region,
    QuickSightIdentityRegion: org.quicksight.identityRegion,
    QuickSightNamespace: org.quicksight.namespace,
    QuickSightIdPattern: 'org-compliance*',
  };
}

/** An IAM resource pattern (`*` and `?`) as a regular expression. */
function arnPattern(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** The resources IAM authorizes a recorded command on, `*` for none; undefined: not checked here. */
function resourcesOf(sent: Recorded, org: OrgConfig): { arns: string[]; prefix?: string } | undefined {
  const input = sent.input as Record<string, string | undefined>;
  const glue = `arn:aws:glue:${sent.region}:${FAKE_ACCOUNT_ID}`;
  const qs = (region: string) => `arn:aws:quicksight:${region}:${FAKE_ACCOUNT_ID}`;
  switch (sent.client) {
    case 'S3Client':
      if (sent.command === 'ListObjectsV2Command')
        return { arns: [`arn:aws:s3:::${input.Bucket}`], prefix: input.Prefix ?? '' };
      return { arns: [`arn:aws:s3:::${input.Bucket}/${input.Key}`] };
    case 'GlueClient': {
      const db = input.DatabaseName ?? input.Name ?? (sent.input.DatabaseInput as { Name: string }).Name;
      const table = input.DatabaseName
        ? (input.Name ?? (sent.input.TableInput as { Name?: string } | undefined)?.Name ?? '*')
        : undefined;
      return {
        arns: [
          `${glue}:catalog`,
          `${glue}:database/${db}`,
          ...(table ? [`${glue}:table/${db}/${table}`] : []),
        ],
      };
    }
    case 'AthenaClient':
      return {
        arns: [
          `arn:aws:athena:${sent.region}:${FAKE_ACCOUNT_ID}:workgroup/${input.WorkGroup ?? org.athena.workgroup}`,
        ],
      };
    case 'QuickSightClient': {
      if (input.ResourceArn) return { arns: [input.ResourceArn] };
      if (input.UserName) return { arns: [`${qs(sent.region)}:user/${input.Namespace}/${input.UserName}`] };
      if (input.GroupName)
        return { arns: [`${qs(sent.region)}:group/${input.Namespace}/${input.GroupName}`] };
      const [type, id] = input.DashboardId
        ? ['dashboard', input.DashboardId]
        : input.AnalysisId
          ? ['analysis', input.AnalysisId]
          : input.DataSetId
            ? ['dataset', input.DataSetId]
            : input.DataSourceId
              ? ['datasource', input.DataSourceId]
              : ['*', undefined];
      return { arns: id === undefined ? ['*'] : [`${qs(sent.region)}:${type}/${id}`] };
    }
    default:
      return undefined;
  }
}

/** Commands sent to a resource no statement of their role grants their action on. */
function outOfScope(log: readonly Recorded[], org: OrgConfig): string[] {
  const values = parameters(org);
  const sub = (text: string) =>
    text.replace(/\$\{([A-Za-z:]+)\}/g, (_, name: string) => values[name] ?? `<${name}>`);
  const out = new Set<string>();
  for (const sent of log) {
    const target = resourcesOf(sent, org);
    if (!target) continue;
    for (const action of actionsOf(sent.client, sent.command)) {
      const statements = ROLE_POLICIES[sent.role].filter((st) => st.grants.some((g) => g.action === action));
      for (const arn of target.arns) {
        const covered = statements.some((st) => {
          const prefix = st.condition?.StringLike?.['s3:prefix'];
          if (typeof prefix === 'string' && !arnPattern(sub(prefix)).test(target.prefix ?? '')) return false;
          return st.resources.some((r) => r === '*' || arnPattern(sub(r)).test(arn));
        });
        if (!covered)
          out.add(
            `${sent.role}: ${action} on ${arn}${target.prefix !== undefined ? ` (prefix ${target.prefix})` : ''}`,
          );
      }
    }
  }
  return [...out].sort();
}

const CONFIG_ROLES: PolicyRole[] = [
  'management-read',
  'management-write',
  'data-read',
  'data-write',
  'data-compact',
];
/** The roles whose every declared action some command needs (the entry roles' AssumeRole is the SDK's). */
const CHECKED_ROLES: PolicyRole[] = [...CONFIG_ROLES, 'github-nightly'];

describe('the roles’ policies against the commands the code sends', () => {
  let log: Recorded[];
  let org: OrgConfig;
  beforeAll(async () => {
    log = await recordEverything();
    org = (await repository()).org;
  }, 240_000);

  it('records commands of every role from the clients createAwsClients builds', () => {
    const perRole = Object.fromEntries(CONFIG_ROLES.map((r) => [r, log.filter((c) => c.role === r).length]));
    for (const role of CONFIG_ROLES) expect(perRole[role], role).toBeGreaterThan(0);
    // Organizations and Config only with the management credentials, everything else with the data ones.
    const groups = new Set(
      log.filter((c) => CONFIG_ROLES.includes(c.role)).map((c) => `${c.client} ${c.group}`),
    );
    expect([...groups].sort()).toEqual([
      'AthenaClient data',
      'ConfigServiceClient management',
      'GlueClient data',
      'OrganizationsClient management',
      'QuickSightClient data',
      'S3Client data',
      'STSClient data',
    ]);
  });

  it('sends no command whose action its role’s policy lacks', () => {
    expect(missingGrants(log)).toEqual([]);
  });

  it('sends every command to resources its role’s statements name (buckets, prefixes, Glue, the workgroup, QuickSight ids)', () => {
    expect(outOfScope(log, org)).toEqual([]);
    const outside: Recorded = {
      group: 'data',
      role: 'data-write',
      client: 'S3Client',
      command: 'PutObjectCommand',
      region: 'eu-west-1',
      input: { Bucket: org.data.bucket, Key: `${org.data.prefix}/elsewhere/x.json` },
    };
    expect(outOfScope([outside], org)).toEqual([
      `data-write: s3:PutObject on arn:aws:s3:::${org.data.bucket}/${org.data.prefix}/elsewhere/x.json`,
    ]);
  });

  it('the plan’s impact query runs once, with the data read role', () => {
    const impact = log.filter(
      (c) =>
        c.command === 'StartQueryExecutionCommand' &&
        String(c.input.QueryString).startsWith('WITH latest AS ('),
    );
    expect(impact.map((c) => `${c.role} ${c.client}`)).toEqual(['data-read AthenaClient']);
    expect(grantedActions('data-read').sent).toContain('athena:StartQueryExecution');
  });

  it('grants no action that nothing sends, documented exceptions apart', () => {
    expect(unusedGrants(log, CHECKED_ROLES)).toEqual([]);
    // The plan and apply entry roles send nothing themselves: they only assume the tool's roles.
    expect(grantedActions('github-plan').sent).toEqual([]);
    expect(grantedActions('github-apply').sent).toEqual([]);
  });

  it('compaction sends, with its own role, only the snapshot table read, the snapshot files read, and the compacted tables listed, read and written', () => {
    const compacting = log.filter((c) => c.role === 'data-compact');
    expect([...new Set(compacting.map((c) => `${c.client} ${c.command}`))].sort()).toEqual([
      'GlueClient GetTableCommand',
      'S3Client GetObjectCommand',
      'S3Client ListObjectsV2Command',
      'S3Client PutObjectCommand',
    ]);
    expect(grantedActions('data-compact')).toEqual({
      sent: ['glue:GetTable', 's3:GetObject', 's3:ListBucket', 's3:PutObject'],
      onBehalf: ['kms:Decrypt'],
    });
    const written = compacting.filter((c) => c.command === 'PutObjectCommand').map((c) => c.input.Key);
    expect(written.length).toBe(6);
    for (const key of written) expect(String(key)).toMatch(`${org.data.prefix}/compacted/`);
    // A set-up without roles.data.compact compacts with the write role, which still allows it.
    expect(
      log.filter((c) => c.role === 'data-write' && String(c.input.Key).includes('/compacted/')),
    ).not.toEqual([]);
  });

  it('would fail for a compaction command outside its role, and for one with the management credentials', () => {
    const compacting = (client: string, command: string, input: Record<string, unknown>): Recorded => ({
      group: 'data',
      role: 'data-compact',
      client,
      command,
      region: 'eu-west-1',
      input,
    });
    const reference = { Bucket: org.data.bucket, Key: `${org.data.prefix}/reference/accounts/accounts.json` };
    expect(
      missingGrants([
        compacting('GlueClient', 'UpdateTableCommand', { DatabaseName: org.glue.database }),
        compacting('S3Client', 'DeleteObjectCommand', reference),
        compacting('QuickSightClient', 'ListDataSetsCommand', {}),
      ]),
    ).toEqual([
      'data-compact: glue:UpdateTable (UpdateTableCommand)',
      'data-compact: quicksight:ListDataSets (ListDataSetsCommand)',
      'data-compact: s3:DeleteObject (DeleteObjectCommand)',
    ]);
    expect(outOfScope([compacting('S3Client', 'PutObjectCommand', reference)], org)).toEqual([
      `data-compact: s3:PutObject on arn:aws:s3:::${reference.Bucket}/${reference.Key}`,
    ]);
    expect(() => roleOf('management', 'compact')).toThrow(
      'compact has no management role: it sends nothing to Organizations or Config (roles.data.compact is its only role)',
    );
    expect(() => compactingWith('data-compact')('management')).toThrow(
      'compaction sent a command with the management credentials',
    );
  });

  it('would fail for a command its role lacks, and for a grant nothing sends', () => {
    const extra: Recorded = {
      group: 'management',
      role: 'management-read',
      client: 'ConfigServiceClient',
      command: 'PutOrganizationConfigRuleCommand',
      region: 'eu-west-1',
      input: {},
    };
    expect(missingGrants([...log, extra])).toEqual([
      'management-read: config:PutOrganizationConfigRule (PutOrganizationConfigRuleCommand)',
    ]);
    const withoutStop = log.filter((c) => c.command !== 'StopQueryExecutionCommand');
    expect(unusedGrants(withoutStop, CHECKED_ROLES)).toEqual([
      'data-read: athena:StopQueryExecution',
      'data-write: athena:StopQueryExecution',
    ]);
  });
});

describe('the entry roles', () => {
  it('each entry role may assume exactly the roles its jobs use, and only the write roles from apply', () => {
    const assumable = (role: PolicyRole) =>
      ROLE_POLICIES[role]
        .filter((s) => s.grants.some((g) => g.action === 'sts:AssumeRole'))
        .flatMap((s) => s.resources.map((r) => r.replace(/^.*:role\//, '')));
    expect(assumable('github-plan')).toEqual(['org-compliance-read', 'org-compliance-data-read']);
    // The nightly jobs reach no write role: compaction has a role of its own.
    expect(assumable('github-nightly')).toEqual([
      'org-compliance-read',
      'org-compliance-data-read',
      'org-compliance-data-compact',
    ]);
    expect(assumable('github-apply')).toEqual(['org-compliance-write', 'org-compliance-data-write']);
  });
});

/** Every `import { …Command … } from '@aws-sdk/<package>'` under src/ (type-only imports apart). */
async function importedCommands(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const walk = async (dir: string): Promise<string[]> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const files = await Promise.all(
      entries.map((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []),
      ),
    );
    return files.flat();
  };
  for (const file of await walk(join(REPO_ROOT, 'src'))) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(
      /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      if (m[1]) continue;
      for (const raw of (m[2] ?? '').split(',')) {
        const name = raw.trim();
        if (name.startsWith('type ') || !name.endsWith('Command')) continue;
        const pkg = m[3] as string;
        const names = out.get(pkg) ?? new Set<string>();
        names.add(`${name} (${relative(REPO_ROOT, file)})`);
        out.set(pkg, names);
      }
    }
  }
  return out;
}

describe('COMMAND_ACTIONS, the command → action table', () => {
  it('names every command the code imports from the AWS SDK, and nothing else', async () => {
    const imported = await importedCommands();
    const unmapped = [...imported].flatMap(([pkg, names]) =>
      [...names]
        .filter((n) => COMMAND_ACTIONS[pkg]?.[n.split(' ')[0] as string] === undefined)
        .map((n) => `${pkg} ${n}`),
    );
    expect(unmapped).toEqual([]);
    const importedNames = new Set(
      [...imported].flatMap(([pkg, names]) => [...names].map((n) => `${pkg} ${n.split(' ')[0]}`)),
    );
    const stale = Object.entries(COMMAND_ACTIONS).flatMap(([pkg, commands]) =>
      Object.keys(commands)
        .map((c) => `${pkg} ${c}`)
        .filter((c) => !importedNames.has(c)),
    );
    expect(stale).toEqual([]);
  });

  it('knows the package of every client, and says what to do about a command it lacks', () => {
    expect(Object.keys(CLIENT_GROUPS).length).toBe(7);
    expect(Object.values(CLIENT_PACKAGES)).toEqual(expect.arrayContaining(Object.keys(COMMAND_ACTIONS)));
    expect(actionsOf('S3Client', 'ListObjectsV2Command')).toEqual(['s3:ListBucket']);
    expect(() => actionsOf('S3Client', 'HeadObjectCommand')).toThrow(
      'HeadObjectCommand of S3Client is not in COMMAND_ACTIONS (src/providers/aws/permissions.ts): add it with the IAM actions it needs, and grant them to the role that sends it',
    );
  });
});
