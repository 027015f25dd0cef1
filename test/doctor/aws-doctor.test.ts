import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { runAwsDoctor, snapshotDayPrefix } from '../../src/doctor/aws-checks.js';
import { type CheckResult, exitCodeOf } from '../../src/doctor/checks.js';
import { renderDoctorJson, renderDoctorText } from '../../src/doctor/render.js';
import { addDays } from '../../src/model/dates.js';
import { credentialSources } from '../../src/providers/aws/credentials.js';
import { ACCOUNTS, fakeStsHandler, healthyFake, input, org, probesOf, TODAY } from './world.js';

const status = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));
const byId = (checks: CheckResult[], id: string) => {
  const found = checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((c) => c.id).join(', ')}`);
  return found;
};

describe('doctor --target aws on the fake, everything in place', () => {
  it('passes every check, one line each, and makes no write', async () => {
    const fake = healthyFake();
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(renderDoctorText({ target: 'aws', mode: 'read', checks })).toBe(
      [
        'PASS  credentials                    account 111111111111, role org-compliance-github-nightly',
        'PASS  roles                          config/org.yaml names no roles: the credentials above serve Organizations, Config and the data services',
        'PASS  organizations                  o-a1b2c3d4e5, reached from its management account 111111111111',
        'PASS  organization config rules      readable; catalog rules deployed: eu-west-1 3 of 3, eu-central-1 2 of 2, us-east-1 2 of 2',
        'PASS  configuration recorders        no catalog rule failed in a member account (3 regions)',
        'PASS  snapshot bucket                s3://acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/ readable; 9 of 9 sampled account/region pairs have a snapshot within staleAfterDays (2 days) (19 ListObjectsV2 and 1 GetObject)',
        'PASS  glue database and table        org_compliance.config_snapshots in eu-west-1',
        'PASS  athena workgroup               primary in eu-west-1, enabled; query results go to s3://acme-athena-results/org-compliance/ (athena.outputLocation)',
        'PASS  quicksight subscription        account 111111111111, ENTERPRISE edition, identity region us-east-1',
        'PASS  quicksight owners and viewers  2 found (owners: 1, viewers: 1)',
        'SKIP  ses sender                     no e-mail configured (report.recipients): the report is not e-mailed',
        'doctor (aws, read mode): 10 passed, 0 warnings, 0 failed, 1 skipped',
      ].join('\n'),
    );
    expect(exitCodeOf(checks)).toBe(0);
    expect(fake.writeCalls()).toEqual([]);
    // Read-only, and bounded: 19 listings for 3 accounts × 3 regions over 3 days (each found on its 2nd day).
    const operations = fake.calls.map((c) => `${c.service}:${c.operation}`);
    expect(operations.filter((o) => o === 's3:ListObjectsV2')).toHaveLength(19);
    expect(operations.filter((o) => o === 's3:GetObject')).toHaveLength(1);
    expect(new Set(operations)).toEqual(
      new Set([
        'sts:GetCallerIdentity',
        'organizations:DescribeOrganization',
        'organizations:ListRoots',
        'config:DescribeOrganizationConfigRules',
        'config:DescribeOrganizationConfigRuleStatuses',
        's3:ListObjectsV2',
        's3:GetObject',
        'glue:GetDatabase',
        'glue:GetTable',
        'athena:GetWorkGroup',
        'quicksight:DescribeAccountSubscription',
        'quicksight:DescribeGroup',
      ]),
    );
  });

  it('samples accounts that joined before the freshness window, spread by id, home region first', async () => {
    const fake = healthyFake();
    await runAwsDoctor(input(), probesOf(fake));
    const listed = fake.calls
      .filter((c) => c.operation === 'ListObjectsV2')
      .map((c) => String(c.input.Prefix))
      .slice(1)
      .filter((p) => p.endsWith('/2026/12/1/ConfigSnapshot/'))
      .map((p) =>
        p
          .split('/')
          .slice(2, 5)
          .filter((_, k) => k !== 1)
          .join(' '),
      );
    // 210000000005 joined yesterday: not sampled.
    expect(listed).toEqual([
      '210000000001 eu-west-1',
      '210000000001 eu-central-1',
      '210000000001 us-east-1',
      '210000000003 eu-west-1',
      '210000000003 eu-central-1',
      '210000000003 us-east-1',
      '210000000004 eu-west-1',
      '210000000004 eu-central-1',
      '210000000004 us-east-1',
    ]);
  });

  it('prints JSON with the exit code', async () => {
    const checks = await runAwsDoctor(input(), probesOf(healthyFake()));
    const json = JSON.parse(renderDoctorJson({ target: 'aws', mode: 'read', checks }));
    expect(json).toMatchObject({ target: 'aws', mode: 'read', ok: true, exitCode: 0 });
    expect(json.checks[0]).toEqual({
      id: 'credentials',
      title: 'credentials',
      status: 'pass',
      detail: 'account 111111111111, role org-compliance-github-nightly',
    });
  });
});

const ROLES = {
  management: {
    read: 'arn:aws:iam::111111111111:role/org-compliance-read',
    write: 'arn:aws:iam::111111111111:role/org-compliance-write',
  },
  data: {
    read: 'arn:aws:iam::111111111111:role/org-compliance-data-read',
    write: 'arn:aws:iam::111111111111:role/org-compliance-data-write',
    compact: 'arn:aws:iam::111111111111:role/org-compliance-data-compact',
  },
};
const CALLER = 'arn:aws:sts::111111111111:assumed-role/org-compliance-github-nightly/doctor';

describe('doctor --target aws: credentials and roles', () => {
  it('without credentials: fails naming the fix, and skips everything that needs them', async () => {
    const fake = healthyFake();
    const base = fake.clients();
    // The default chain found nothing: the SDK's own error, thrown before any request is sent.
    const sts = new STSClient({
      region: 'eu-west-1',
      credentials: async () => {
        // What @smithy/property-provider's CredentialsProviderError carries (it is not a dependency here).
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
          tryNextLink: false,
        });
      },
    });
    const checks = await runAwsDoctor(input(), probesOf(fake, org(), {}, { ...base, sts: () => sts }));
    expect(checks[0]).toEqual({
      id: 'credentials',
      title: 'credentials',
      status: 'fail',
      detail:
        'Could not find who the credentials are (STS GetCallerIdentity) (GetCallerIdentity in eu-west-1): Could not load credentials from any providers',
      remedy:
        'give the process AWS credentials: in a workflow, aws-actions/configure-aws-credentials with the entry role (docs/setup.md#2-the-entry-roles-data-account); on a workstation, AWS_PROFILE or `aws sso login` (docs/setup.md#how-the-credentials-flow)',
    });
    expect(status(checks)).toEqual({
      credentials: 'fail',
      roles: 'pass',
      organizations: 'skip',
      'config-rules': 'skip',
      recorders: 'skip',
      snapshots: 'skip',
      glue: 'skip',
      athena: 'skip',
      quicksight: 'skip',
      'quicksight-principals': 'skip',
      ses: 'skip',
    });
    expect(byId(checks, 'organizations').detail).toBe('skipped: needs credentials (failed)');
    expect(byId(checks, 'recorders').detail).toBe('skipped: needs organization config rules (not checked)');
    expect(exitCodeOf(checks)).toBe(1);
    expect(fake.calls).toEqual([]);
  });

  it("assumes the mode's roles; a refused one fails with its trust policy named, the other mode's are not checked", async () => {
    const fake = healthyFake();
    const o = org({ roles: ROLES });
    const sts = fakeStsHandler(CALLER, [ROLES.management.read, ROLES.data.compact]);
    const stsOptions = {
      stsClientConfig: {
        requestHandler: sts.requestHandler,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
      },
    };
    const credentials = credentialSources(o, 'read', stsOptions);
    const compact = credentialSources(o, 'compact', stsOptions).data;
    const checks = await runAwsDoctor(
      input({ org: o }),
      probesOf(fake, o, credentials, fake.clients(), compact),
    );
    const roles = checks.filter((c) => c.id.startsWith('role:'));
    expect(roles).toEqual([
      {
        id: 'role:management:read',
        title: 'roles.management.read',
        status: 'pass',
        detail: 'assumed arn:aws:iam::111111111111:role/org-compliance-read',
      },
      {
        id: 'role:management:write',
        title: 'roles.management.write',
        status: 'skip',
        detail:
          'not checked: doctor runs in read mode; run `doctor --mode write` where apply runs (the production environment)',
      },
      {
        id: 'role:data:read',
        title: 'roles.data.read',
        status: 'fail',
        detail:
          'cannot assume arn:aws:iam::111111111111:role/org-compliance-data-read: Could not assume arn:aws:iam::111111111111:role/org-compliance-data-read (AssumeRole in eu-west-1): User: arn:aws:sts::111111111111:assumed-role/org-compliance-github-nightly/doctor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111111111111:role/org-compliance-data-read',
        remedy:
          'the trust policy of arn:aws:iam::111111111111:role/org-compliance-data-read must allow the credentials above (sts:AssumeRole), and their own policy must allow assuming it (docs/setup.md#3-the-roles-configorgyaml-names)',
      },
      {
        id: 'role:data:write',
        title: 'roles.data.write',
        status: 'skip',
        detail:
          'not checked: doctor runs in read mode; run `doctor --mode write` where apply runs (the production environment)',
      },
      {
        id: 'role:data:compact',
        title: 'roles.data.compact',
        status: 'pass',
        detail: 'assumed arn:aws:iam::111111111111:role/org-compliance-data-compact',
      },
    ]);
    expect(sts.requests).toEqual([ROLES.management.read, ROLES.data.read, ROLES.data.compact]);
    // The management side runs; the data side waits for its role.
    expect(status(checks)).toMatchObject({
      organizations: 'pass',
      'config-rules': 'pass',
      snapshots: 'skip',
      glue: 'skip',
      athena: 'skip',
      quicksight: 'skip',
    });
    expect(byId(checks, 'snapshots').detail).toBe('skipped: needs roles.data.read (failed)');
    expect(exitCodeOf(checks)).toBe(1);
  });

  it('--mode write assumes the write roles and leaves the read roles unchecked', async () => {
    const o = org({ roles: ROLES });
    const sts = fakeStsHandler(CALLER, [ROLES.management.write, ROLES.data.write]);
    const credentials = credentialSources(o, 'write', {
      stsClientConfig: {
        requestHandler: sts.requestHandler,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      },
    });
    const checks = await runAwsDoctor(
      input({ org: o, mode: 'write' }),
      probesOf(healthyFake(), o, credentials),
    );
    expect(checks.filter((c) => c.id.startsWith('role:')).map((c) => [c.id, c.status])).toEqual([
      ['role:management:read', 'skip'],
      ['role:management:write', 'pass'],
      ['role:data:read', 'skip'],
      ['role:data:write', 'pass'],
      ['role:data:compact', 'skip'],
    ]);
    expect(byId(checks, 'role:data:compact').detail).toBe(
      'not checked: compact assumes it in the nightly report job; run `doctor` (read mode) there',
    );
    expect(byId(checks, 'role:data:read').detail).toBe(
      'not checked: doctor runs in write mode; run `doctor --mode read` where plans run',
    );
    expect(sts.requests).toEqual([ROLES.management.write, ROLES.data.write]);
    expect(exitCodeOf(checks)).toBe(0);
  });
});

describe('doctor --target aws: the compact role', () => {
  it('warns when roles.data is set without compact: compact would assume the write role', async () => {
    const o = org({ roles: { data: { read: ROLES.data.read, write: ROLES.data.write } } });
    const sts = fakeStsHandler(CALLER, [ROLES.data.read]);
    const credentials = credentialSources(o, 'read', {
      stsClientConfig: {
        requestHandler: sts.requestHandler,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      },
    });
    const checks = await runAwsDoctor(input({ org: o }), probesOf(healthyFake(), o, credentials));
    expect(byId(checks, 'role:data:compact')).toEqual({
      id: 'role:data:compact',
      title: 'roles.data.compact',
      status: 'warn',
      detail: 'not set: compact assumes roles.data.write, which the nightly entry role should not reach',
      remedy:
        'set roles.data.compact in config/org.yaml to the compact role (DataCompactRoleArn of bootstrap/data-account.yaml; docs/setup.md#3-the-roles-configorgyaml-names)',
    });
    expect(sts.requests).toEqual([ROLES.data.read]);
    expect(exitCodeOf(checks)).toBe(0);
  });
});

describe('doctor --target aws: Organizations', () => {
  it('refuses credentials that reach another organization', async () => {
    const checks = await runAwsDoctor(
      input({ org: org({ organizationId: 'o-zzzzzzzzzz' }) }),
      probesOf(healthyFake()),
    );
    expect(byId(checks, 'organizations')).toEqual({
      id: 'organizations',
      title: 'organizations',
      status: 'fail',
      detail: 'the credentials reach organization o-a1b2c3d4e5, config/org.yaml says o-zzzzzzzzzz',
      remedy:
        'correct organizationId in config/org.yaml, or use a management role of o-zzzzzzzzzz (docs/setup.md#3-the-roles-configorgyaml-names)',
    });
    expect(byId(checks, 'config-rules').detail).toBe('skipped: needs organizations (failed)');
  });

  it('a delegated administrator for Config (and Organizations) passes, naming the management account', async () => {
    const fake = healthyFake(org(), { accountId: '333333333333' });
    fake.delegatedAdministrators.set('organizations.amazonaws.com', ['333333333333']);
    fake.delegatedAdministrators.set('config-multiaccountsetup.amazonaws.com', ['333333333333']);
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'organizations').detail).toBe(
      'o-a1b2c3d4e5, reached from account 333333333333, a delegated administrator for config-multiaccountsetup.amazonaws.com (management account 111111111111)',
    );
    expect(status(checks)).toMatchObject({
      organizations: 'pass',
      'config-rules': 'pass',
      recorders: 'pass',
    });
  });

  it('an account that may walk the organization but is not Config delegated administrator fails with the command that fixes it', async () => {
    const fake = healthyFake(org(), { accountId: '333333333333' });
    fake.delegatedAdministrators.set('organizations.amazonaws.com', ['333333333333']);
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'organizations')).toMatchObject({
      status: 'fail',
      detail:
        'account 333333333333 is neither the management account (111111111111) nor a delegated administrator for config-multiaccountsetup.amazonaws.com',
      remedy:
        'from the management account run `aws organizations register-delegated-administrator --service-principal config-multiaccountsetup.amazonaws.com --account-id 333333333333`, or point roles.management at the management account (docs/setup.md#org-compliance-read-management-account-rolesmanagementread)',
    });
  });

  it('a member account cannot list the roots: the walk discover makes would fail too', async () => {
    const fake = healthyFake(org(), { accountId: '333333333333' });
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'organizations')).toMatchObject({
      status: 'fail',
      detail:
        "Could not list the organization's roots (ListRoots in us-east-1): You don't have permissions to access this resource.",
      remedy:
        'grant the permission the message names to the role that makes this call (docs/setup.md#org-compliance-read-management-account-rolesmanagementread)',
    });
  });
});

describe('doctor --target aws: Organization Config Rules and recorders', () => {
  it('a missing permission fails naming the region and the call', async () => {
    const fake = healthyFake();
    fake.deny('config', 'DescribeOrganizationConfigRules');
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'config-rules')).toMatchObject({
      status: 'fail',
      detail: `not readable in eu-west-1: Could not list Organization Config Rules (DescribeOrganizationConfigRules in eu-west-1): User: arn:aws:sts::111111111111:assumed-role/org-compliance-github-nightly/doctor is not authorized to perform: config:DescribeOrganizationConfigRules because no identity-based policy allows the config:DescribeOrganizationConfigRules action`,
      remedy:
        'grant the permission the message names to the role that makes this call (docs/setup.md#org-compliance-read-management-account-rolesmanagementread)',
    });
    expect(byId(checks, 'recorders').detail).toBe('skipped: needs organization config rules (failed)');
  });

  it('warns when member accounts lack a recorder, naming the region, the share and a few accounts', async () => {
    const fake = healthyFake();
    const noRecorder = {
      MemberAccountRuleStatus: 'CREATE_FAILED',
      ErrorCode: 'NoAvailableConfigurationRecorder',
      ErrorMessage: 'No configuration recorder is available in the account.',
    };
    const ok = { MemberAccountRuleStatus: 'CREATE_SUCCESSFUL' };
    for (const rule of ['security-s3-versioning', 'backup-s3-versioning']) {
      fake.memberStatuses.set(`eu-central-1/${rule}`, [
        ...ACCOUNTS.slice(0, 3).map((id) => ({
          AccountId: id,
          ConfigRuleName: `OrgConfigRule-${rule}-abc`,
          ...noRecorder,
        })),
        { AccountId: ACCOUNTS[3] ?? '', ConfigRuleName: `OrgConfigRule-${rule}-abc`, ...ok },
      ]);
    }
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'recorders')).toEqual({
      id: 'recorders',
      title: 'configuration recorders',
      status: 'warn',
      detail:
        'catalog rules failed to deploy for want of a configuration recorder in eu-central-1: 3 of 4 member accounts (75%), e.g. 210000000001, 210000000002 and 210000000003',
      remedy:
        'turn AWS Config on (a configuration recorder and a delivery channel with a snapshot frequency) in those accounts and regions, e.g. with a StackSet or Control Tower (docs/setup.md#before-you-start-every-account-must-deliver-config-snapshots); `org-compliance plan --target aws` lists every failed member',
    });
    // Bounded: one status page per region, the member pages of at most 2 failed rules.
    const detailed = fake.calls.filter((c) => c.operation === 'GetOrganizationConfigRuleDetailedStatus');
    expect(detailed.map((c) => [c.region, c.input.OrganizationConfigRuleName, c.input.Limit])).toEqual([
      ['eu-central-1', 'backup-s3-versioning', 100],
      ['eu-central-1', 'security-s3-versioning', 100],
    ]);
    expect(exitCodeOf(checks)).toBe(0);
  });

  it('a share at or under 5% passes, saying so', async () => {
    const fake = healthyFake();
    const members = Array.from({ length: 40 }, (_, k) => ({
      AccountId: `2200000000${String(k).padStart(2, '0')}`,
      ConfigRuleName: 'OrgConfigRule-security-root-mfa-abc',
      MemberAccountRuleStatus: k < 2 ? 'CREATE_FAILED' : 'CREATE_SUCCESSFUL',
      ...(k < 2 ? { ErrorCode: 'NoAvailableConfigurationRecorder' } : {}),
    }));
    fake.memberStatuses.set('eu-west-1/security-root-mfa', members);
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'recorders')).toMatchObject({
      status: 'pass',
      detail:
        '1 catalog rule deployment(s) failed; without a recorder (at most 5%): eu-west-1: 2 of 40 member accounts (5%), e.g. 220000000000 and 220000000001',
    });
  });
});

describe('doctor --target aws: the snapshot bucket', () => {
  it('warns naming the sampled accounts and regions with no snapshot within staleAfterDays', async () => {
    const fake = healthyFake();
    const o = org();
    for (const region of ['eu-west-1', 'us-east-1']) {
      const prefix = snapshotDayPrefix(o, '210000000003', region, addDays(TODAY, -1));
      for (const key of [...fake.objects.keys()])
        if (key.startsWith(`${o.snapshots.bucket}/${prefix}`)) fake.objects.delete(key);
    }
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'snapshots')).toEqual({
      id: 'snapshots',
      title: 'snapshot bucket',
      status: 'warn',
      detail:
        '7 of 9 sampled account/region pairs have a snapshot within staleAfterDays (2 days); none in 210000000003 eu-west-1 and 210000000003 us-east-1 (21 ListObjectsV2 and 1 GetObject)',
      remedy:
        'in those accounts and regions, check the Config delivery channel delivers to this bucket and sets a snapshot delivery frequency (docs/setup.md#before-you-start-every-account-must-deliver-config-snapshots)',
    });
  });

  it('fails when no sampled pair delivered (a wrong prefix looks like this)', async () => {
    const o = org({ snapshots: { ...org().snapshots, prefix: 'config' } });
    const fake = healthyFake(org());
    fake.putObject(
      o.snapshots.bucket,
      'config/o-a1b2c3d4e5/AWSLogs/210000000001/Config/eu-west-1/2025/3/2/ConfigSnapshot/x.json.gz',
    );
    const checks = await runAwsDoctor(input({ org: o }), probesOf(fake, o));
    expect(byId(checks, 'snapshots')).toMatchObject({
      status: 'fail',
      detail:
        '0 of 9 sampled account/region pairs have a snapshot within staleAfterDays (2 days); none in 210000000001 eu-west-1, 210000000001 eu-central-1, 210000000001 us-east-1, 210000000003 eu-west-1, 210000000003 eu-central-1 and 4 more (28 ListObjectsV2)',
    });
    expect(byId(checks, 'snapshots').remedy).toMatch(
      /check snapshots\.prefix and \.orgIdInPath in config\/org\.yaml$/,
    );
  });

  it('stops at its call budget and says which pairs it did not check', async () => {
    const o = org({ compliance: { ...org().compliance, staleAfterDays: 9 } });
    const fake = healthyFake(o);
    for (const key of [...fake.objects.keys()]) fake.objects.delete(key);
    fake.putObject(
      o.snapshots.bucket,
      'o-a1b2c3d4e5/AWSLogs/999999999999/Config/eu-west-1/2025/3/2/ConfigSnapshot/x.json.gz',
    );
    const checks = await runAwsDoctor(input({ org: o }), probesOf(fake, o));
    expect(fake.calls.filter((c) => c.operation === 'ListObjectsV2')).toHaveLength(30);
    expect(byId(checks, 'snapshots').detail).toBe(
      '0 of 2 sampled account/region pairs have a snapshot within staleAfterDays (9 days); none in 210000000001 eu-west-1 and 210000000001 eu-central-1 (30 ListObjectsV2); not checked (call budget): 210000000001 us-east-1, 210000000003 eu-west-1, 210000000003 eu-central-1, 210000000003 us-east-1, 210000000004 eu-west-1 and 2 more',
    );
  });

  it('a bucket that does not exist, a listing refused and a read refused each fail with their own fix', async () => {
    const missing = org({ snapshots: { ...org().snapshots, bucket: 'acme-no-such-bucket' } });
    const one = await runAwsDoctor(input({ org: missing }), probesOf(healthyFake(), missing));
    expect(byId(one, 'snapshots')).toMatchObject({
      status: 'fail',
      detail:
        'cannot list s3://acme-no-such-bucket/o-a1b2c3d4e5/AWSLogs/: Could not list s3://acme-no-such-bucket/o-a1b2c3d4e5/AWSLogs/ (ListObjectsV2 in eu-west-1): The specified bucket does not exist',
      remedy: 'correct snapshots.bucket in config/org.yaml',
    });
    const denied = healthyFake();
    denied.deny('s3', 'ListObjectsV2');
    const two = await runAwsDoctor(input(), probesOf(denied));
    expect(byId(two, 'snapshots').remedy).toBe(
      'grant s3:ListBucket on the bucket to the data role, and allow it in the bucket policy when the bucket is in another account (docs/setup.md#org-compliance-data-read-data-account-rolesdataread)',
    );
    const unreadable = healthyFake();
    unreadable.deny('s3', 'GetObject');
    const three = await runAwsDoctor(input(), probesOf(unreadable));
    expect(byId(three, 'snapshots')).toMatchObject({
      status: 'fail',
      detail:
        'snapshot files are listed but cannot be read: Could not read s3://acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/210000000001/Config/eu-west-1/2026/12/1/ConfigSnapshot/210000000001_Config_eu-west-1_ConfigSnapshot_20261201T000000Z_a.json.gz (GetObject in eu-west-1): Access Denied',
    });
    expect(byId(three, 'snapshots').remedy).toContain('kms:Decrypt');
  });
});

describe('doctor --target aws: Glue and Athena', () => {
  it('a database or table not created yet is a warning: apply creates them', async () => {
    const fake = healthyFake();
    fake.tables.clear();
    expect(byId(await runAwsDoctor(input(), probesOf(fake)), 'glue')).toEqual({
      id: 'glue',
      title: 'glue database and table',
      status: 'warn',
      detail: 'database org_compliance exists in eu-west-1; table config_snapshots does not yet',
      remedy: 'run apply (`org-compliance apply --target aws`, or merge to main): it creates them',
    });
    fake.databases.clear();
    expect(byId(await runAwsDoctor(input(), probesOf(fake)), 'glue').detail).toBe(
      'database org_compliance does not exist in eu-west-1 yet',
    );
  });

  it('a workgroup with no result location fails with the setting to add; an enforced one passes', async () => {
    const o = org({ athena: { workgroup: 'primary' } });
    const checks = await runAwsDoctor(input({ org: o }), probesOf(healthyFake(o), o));
    expect(byId(checks, 'athena')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^Athena workgroup 'primary' in eu-west-1 has no query result location and config\/org\.yaml sets no athena\.outputLocation/,
      ),
      remedy:
        'change the workgroup or config/org.yaml as the message says (docs/setup.md#org-compliance-data-read-data-account-rolesdataread)',
    });
    const enforced = healthyFake(o);
    enforced.workGroup('eu-west-1', 'primary', {
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: { OutputLocation: 's3://acme-results/' },
    });
    expect(byId(await runAwsDoctor(input({ org: o }), probesOf(enforced, o)), 'athena').detail).toBe(
      'primary in eu-west-1, enabled; query results go to s3://acme-results/ (workgroup primary, enforced)',
    );
    const disabled = healthyFake();
    disabled.workGroup('eu-west-1', 'primary', {}, 'DISABLED');
    expect(byId(await runAwsDoctor(input(), probesOf(disabled)), 'athena').detail).toMatch(
      /is DISABLED and runs no queries/,
    );
  });
});

describe('doctor --target aws: QuickSight', () => {
  it('no subscription fails and skips the principals', async () => {
    const fake = healthyFake();
    fake.quickSightSubscription = undefined;
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'quicksight')).toEqual({
      id: 'quicksight',
      title: 'quicksight subscription',
      status: 'fail',
      detail: 'account 111111111111 has no QuickSight subscription (looked in us-east-1)',
      remedy:
        'sign account 111111111111 up for QuickSight Enterprise (identity region us-east-1), or set quicksight.accountId and quicksight.identityRegion in config/org.yaml to where it is',
    });
    expect(byId(checks, 'quicksight-principals').detail).toBe(
      'skipped: needs quicksight subscription (failed)',
    );
  });

  it('STANDARD edition fails when owners or viewers are groups', async () => {
    const fake = healthyFake();
    fake.quickSightSubscription = {
      edition: 'STANDARD',
      status: 'ACCOUNT_CREATED',
      identityRegion: 'us-east-1',
    };
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'quicksight')).toMatchObject({
      status: 'fail',
      detail:
        'account 111111111111 has QuickSight STANDARD, which has no groups or namespaces; quicksight.owners/viewers use them',
      remedy:
        'upgrade the subscription to Enterprise, or name users (user/<name>) in the default namespace in config/org.yaml',
    });
  });

  it('a principal that does not exist fails, naming it; a wrong identity region fails with the region to set', async () => {
    const fake = healthyFake();
    fake.quickSightPrincipals.delete('group/default/sre');
    const checks = await runAwsDoctor(input(), probesOf(fake));
    expect(byId(checks, 'quicksight-principals')).toEqual({
      id: 'quicksight-principals',
      title: 'quicksight owners and viewers',
      status: 'fail',
      detail: '1 of 2 not found in QuickSight: group/sre (namespace default, us-east-1)',
      remedy:
        'create them in QuickSight (e.g. `aws quicksight create-group --aws-account-id 111111111111 --namespace default --group-name <name> --region us-east-1`) or correct quicksight.owners/viewers in config/org.yaml',
    });
    const elsewhere = healthyFake();
    elsewhere.quickSightSubscription = {
      edition: 'ENTERPRISE',
      status: 'ACCOUNT_CREATED',
      identityRegion: 'eu-west-1',
    };
    const moved = await runAwsDoctor(input(), probesOf(elsewhere));
    expect(byId(moved, 'quicksight')).toEqual({
      id: 'quicksight',
      title: 'quicksight subscription',
      status: 'fail',
      detail:
        'Could not read the QuickSight subscription of account 111111111111 (DescribeAccountSubscription in us-east-1): Operation is being called from endpoint us-east-1, but your identity region is eu-west-1. Please use the eu-west-1 endpoint.',
      remedy: 'set quicksight.identityRegion in config/org.yaml to eu-west-1 (it is us-east-1)',
    });
    expect(byId(moved, 'quicksight-principals').detail).toBe(
      'skipped: needs quicksight subscription (failed)',
    );
  });

  it('an owner ARN in another region than the identity region fails with the ARN to write', async () => {
    const arn = 'arn:aws:quicksight:eu-west-1:111111111111:group/default/org-compliance-admins';
    const o = org({ quicksight: { ...org().quicksight, owners: [arn] } });
    const checks = await runAwsDoctor(input({ org: o }), probesOf(healthyFake(o), o));
    expect(byId(checks, 'quicksight-principals')).toEqual({
      id: 'quicksight-principals',
      title: 'quicksight owners and viewers',
      status: 'fail',
      detail:
        'Could not read QuickSight group org-compliance-admins (namespace default) (DescribeGroup in eu-west-1): Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint.',
      remedy: `write ${arn} with region us-east-1, QuickSight's identity region, or as group/org-compliance-admins`,
    });
  });

  it('without quicksight/ files there is no QuickSight call', async () => {
    const fake = healthyFake();
    const checks = await runAwsDoctor(input({ usesQuickSight: false }), probesOf(fake));
    expect(byId(checks, 'quicksight')).toEqual({
      id: 'quicksight',
      title: 'quicksight subscription',
      status: 'skip',
      detail: 'quicksight/ holds no definitions: the tool makes no QuickSight call',
    });
    expect(fake.calls.filter((c) => c.service === 'quicksight')).toEqual([]);
  });
});

describe('doctor --target aws: SES', () => {
  const email = (from: string | undefined, recipients = 2) => ({
    ...(from ? { from } : {}),
    recipients,
    region: 'eu-west-1',
  });

  it('a sender verified through its domain, out of the sandbox, passes without printing the address', async () => {
    const fake = healthyFake();
    const checks = await runAwsDoctor(input({ email: email('compliance@example.com') }), probesOf(fake));
    expect(byId(checks, 'ses')).toEqual({
      id: 'ses',
      title: 'ses sender',
      status: 'pass',
      detail: 'verified in eu-west-1 through its domain example.com; 2 recipient(s)',
    });
    expect(renderDoctorText({ target: 'aws', mode: 'read', checks })).not.toContain('compliance@');
    expect(fake.sesCalls.map((c) => [c.operation, c.input.EmailIdentity])).toEqual([
      ['GetEmailIdentity', 'compliance@example.com'],
      ['GetEmailIdentity', 'example.com'],
      ['GetAccount', undefined],
    ]);
  });

  it('a refused SES read fails without printing the address AWS names in its message', async () => {
    const fake = healthyFake();
    fake.deny('ses', 'GetEmailIdentity');
    const checks = await runAwsDoctor(input({ email: email('compliance@example.com') }), probesOf(fake));
    expect(byId(checks, 'ses').detail).toContain('identity/compliance@example.com');
    expect(byId(checks, 'ses').remedy).toBe(
      'grant the permission the message names to the role that makes this call (docs/setup.md#org-compliance-github-nightly--the-nightly-jobs-on-main-read-only)',
    );
    const text = renderDoctorText({ target: 'aws', mode: 'read', checks });
    const json = renderDoctorJson({ target: 'aws', mode: 'read', checks });
    for (const printed of [text, json]) {
      expect(printed).not.toContain('compliance@');
      expect(printed).toContain(
        'is not authorized to perform: ses:GetEmailIdentity on resource: arn:aws:ses:eu-west-1:111111111111:identity/*** because',
      );
    }
  });

  it('an unverified sender fails; the sandbox is a warning; recipients without a sender fail', async () => {
    const fake = healthyFake();
    fake.sesIdentities.set('eu-west-1/example.com', false);
    expect(
      byId(await runAwsDoctor(input({ email: email('compliance@example.com') }), probesOf(fake)), 'ses'),
    ).toEqual({
      id: 'ses',
      title: 'ses sender',
      status: 'fail',
      detail: 'the sender (report.from or ses-from) is not verified in SES in eu-west-1, nor is its domain',
      remedy:
        "verify the address or its domain in SES in eu-west-1 (`aws sesv2 create-email-identity`), or send from the region where it is verified (the report action's ses-region input, doctor --ses-region)",
    });
    const sandbox = healthyFake();
    sandbox.sesIdentities.set('eu-west-1/compliance@example.com', true);
    sandbox.sesProduction.set('eu-west-1', false);
    expect(
      byId(await runAwsDoctor(input({ email: email('compliance@example.com') }), probesOf(sandbox)), 'ses'),
    ).toMatchObject({
      status: 'warn',
      detail:
        'verified in eu-west-1 through the sender address, but SES in eu-west-1 is in the sandbox: it sends only to verified addresses',
    });
    expect(
      byId(await runAwsDoctor(input({ email: email(undefined, 3) }), probesOf(healthyFake())), 'ses'),
    ).toMatchObject({
      status: 'fail',
      detail: '3 recipient(s) configured but no sender',
    });
  });
});
