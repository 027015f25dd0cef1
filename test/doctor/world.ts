/**
 * A set-up for doctor's tests on the in-process fake AWS (DoctorFakeAws): one organization whose
 * management account also holds the data (no roles), the catalog deployed, the snapshot files of
 * the last days in the bucket, the Glue database and table, an Athena result location, QuickSight
 * Enterprise with the configured groups, and SES out of the sandbox with a verified sender. Each
 * test breaks one thing of it.
 */
import { Readable } from 'node:stream';
import { DoctorFakeAws } from '../../src/bench/fake-aws-doctor.js';
import { type AwsDoctorInput, snapshotDayPrefix } from '../../src/doctor/aws-checks.js';
import type { Account, OrgConfig, RuleSpec } from '../../src/model/config.js';
import { addDays } from '../../src/model/dates.js';
import type { AwsClients, AwsCredentialSources } from '../../src/providers/aws/clients.js';
import { createDoctorProbes } from '../../src/providers/aws/doctor.js';
import { createSend } from '../../src/providers/aws/retry.js';
import { ORG } from '../providers/aws/fakes.js';

export const TODAY = '2026-12-02';
export const MANAGEMENT = '111111111111';
export const ACCOUNTS = ['210000000001', '210000000002', '210000000003', '210000000004'];

export function org(overrides: Partial<OrgConfig> = {}): OrgConfig {
  return {
    ...ORG,
    athena: { workgroup: 'primary', outputLocation: 's3://acme-athena-results/org-compliance/' },
    ...overrides,
  };
}

function account(id: string, joined = '2025-03-01'): Account {
  return {
    id,
    name: `account-${id.slice(-2)}`,
    state: 'ACTIVE',
    ouPath: '/Root/Workloads',
    joined,
    extra: {},
  };
}

function rule(name: string, regions: RuleSpec['regions']): RuleSpec {
  return {
    name,
    category: 'security',
    identifier: 'S3_BUCKET_VERSIONING_ENABLED',
    description: `${name} [managed by org-compliance]`,
    parameters: {},
    resourceTypesScope: [],
    excludedAccounts: [],
    regions,
  };
}

export const RULES: RuleSpec[] = [
  rule('security-root-mfa', 'home'),
  rule('security-s3-versioning', 'all'),
  rule('backup-s3-versioning', 'all'),
];

export function input(overrides: Partial<AwsDoctorInput> = {}): AwsDoctorInput {
  return {
    org: org(),
    accounts: [...ACCOUNTS.map((id) => account(id)), account('210000000005', '2026-12-01')],
    rules: RULES,
    usesQuickSight: true,
    mode: 'read',
    today: TODAY,
    email: { recipients: 0, region: 'eu-west-1' },
    ...overrides,
  };
}

/** The fake with everything in place for `o`. */
export function healthyFake(
  o: OrgConfig = org(),
  options: { accountId?: string; managementAccountId?: string } = {},
) {
  const fake = new DoctorFakeAws(
    {
      organizationId: o.organizationId,
      accounts: ACCOUNTS.map((id) => ({
        id,
        name: id,
        state: 'ACTIVE',
        ouPath: '/Root/Workloads',
        joined: '2025-03-01',
      })),
    },
    {
      accountId: options.accountId ?? MANAGEMENT,
      managementAccountId: options.managementAccountId ?? MANAGEMENT,
    },
  );
  for (const region of o.regions) {
    const names = RULES.filter((r) => r.regions === 'all' || region === o.homeRegion).map((r) => r.name);
    fake.rules.set(region, new Map(names.map((name) => [name, { OrganizationConfigRuleName: name }])));
  }
  // Yesterday's snapshot of every account and region.
  for (const id of ACCOUNTS)
    for (const region of o.regions) {
      const prefix = snapshotDayPrefix(o, id, region, addDays(TODAY, -1));
      fake.putObject(
        o.snapshots.bucket,
        `${prefix}${id}_Config_${region}_ConfigSnapshot_20261201T000000Z_a.json.gz`,
      );
    }
  fake.databases.set(o.glue.region, new Set([o.glue.database]));
  fake.tables.set(o.glue.region, new Map([[`${o.glue.database}.${o.glue.table}`, { Name: o.glue.table }]]));
  fake.quickSightSubscription = {
    edition: 'ENTERPRISE',
    status: 'ACCOUNT_CREATED',
    identityRegion: 'us-east-1',
  };
  for (const p of [...o.quicksight.owners, ...o.quicksight.viewers]) {
    const [type, name] = p.split('/');
    fake.quickSightPrincipals.add(`${type}/default/${name}`);
  }
  fake.sesIdentities.set('eu-west-1/example.com', true);
  fake.sesProduction.set('eu-west-1', true);
  return fake;
}

export function probesOf(
  fake: DoctorFakeAws,
  o: OrgConfig = org(),
  credentials: AwsCredentialSources = {},
  base: AwsClients = fake.clients(),
  compactCredentials?: AwsCredentialSources['data'],
) {
  return createDoctorProbes({
    org: o,
    base,
    clients: fake.clients(),
    credentials,
    ...(compactCredentials ? { compactCredentials } : {}),
    ses: (region) => fake.ses(region),
    send: createSend({ retry: { maxAttempts: 1 } }),
  });
}

/**
 * STS answering AssumeRole in process (as the SDK's request handler), the way STS answers: the
 * roles in `trusted` get credentials; any other is refused with STS's AccessDenied error document.
 */
export function fakeStsHandler(caller: string, trusted: readonly string[]) {
  const requests: string[] = [];
  const requestHandler = {
    handle: async (request: { body: string }) => {
      const body = new URLSearchParams(request.body);
      const role = body.get('RoleArn') ?? '';
      requests.push(role);
      const ok = trusted.includes(role);
      const xml = ok
        ? `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
  <AssumedRoleUser><Arn>arn:aws:sts::${role.split(':')[4]}:assumed-role/r/${body.get('RoleSessionName')}</Arn><AssumedRoleId>AROAEXAMPLE:x</AssumedRoleId></AssumedRoleUser>
  <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>not-a-secret</SecretAccessKey><SessionToken>not-a-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>`
        : `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>
<Message>User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}</Message></Error>
<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c8</RequestId></ErrorResponse>`;
      return {
        response: {
          statusCode: ok ? 200 : 403,
          headers: { 'content-type': 'text/xml' },
          body: Readable.from([Buffer.from(xml)]),
        },
      };
    },
  };
  return { requests, requestHandler };
}
