/**
 * `doctor --target aws` on moto, through the real SDK and the real client factory: the base
 * credentials, the org.yaml roles assumed on moto's STS (management role in 111111111111, data
 * role in 222222222222, as sts.test.ts sets them up), the organization created by the management
 * role, the snapshot bucket and the Glue database and table in the data account, the Athena
 * workgroup moto starts with, an SES identity created but not yet verified.
 *
 * Where moto lacks an API the check says so as a failure naming the call, and the in-process fake
 * covers it (test/doctor/aws-doctor.test.ts): moto 5.2.5 implements no Organization Config Rule
 * call (DescribeOrganizationConfigRules …), no QuickSight DescribeAccountSubscription and no SESv2
 * GetAccount. moto's AssumeRole accepts any role, so a refused role is covered by the fake's STS too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_ERROR, runCli } from '../../../src/cli/program.js';
import {
  type AwsDoctorInput,
  runAwsDoctor,
  snapshotDayPrefix,
  snapshotSample,
} from '../../../src/doctor/aws-checks.js';
import { exitCodeOf } from '../../../src/doctor/checks.js';
import type { OrgConfig, Repository } from '../../../src/model/config.js';
import { addDays } from '../../../src/model/dates.js';
import { credentialSources } from '../../../src/providers/aws/credentials.js';
import { awsDoctorProbes } from '../../../src/providers/aws/doctor.js';
import { REPO_ROOT } from '../../helpers/repo.js';
import { MOTO_CREDENTIALS } from '../harness/moto.js';
import { type MotoSession, motoSession, repository } from './support.js';

const MANAGEMENT_ACCOUNT = '111111111111';
const DATA_ACCOUNT = '222222222222';
const TODAY = '2026-12-02';
const SENDER = 'compliance@acme.example';

let session: MotoSession;
let repo: Repository;
let org: OrgConfig;
let work: string;

function roles(): OrgConfig['roles'] {
  return {
    management: {
      read: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-compliance-read`,
      write: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-compliance-write`,
    },
    data: {
      read: `arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-read`,
      write: `arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-write`,
      compact: `arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-compact`,
    },
  };
}

function input(): AwsDoctorInput {
  return {
    org,
    accounts: repo.accounts,
    rules: repo.rules,
    usesQuickSight: repo.quicksight.length > 0,
    mode: 'read',
    today: TODAY,
    email: { from: SENDER, recipients: 1, region: org.homeRegion },
  };
}

/** The organization, the bucket with yesterday's snapshot of every sampled pair, Glue, an SES identity. */
async function setUp(): Promise<void> {
  const endpoint = session.moto.endpoint;
  const sources = credentialSources({ ...repo.org, roles: roles() }, 'write', { endpoint });
  const { management, data } = sources;
  if (!management || !data) throw new Error('both roles are configured');
  const organizations = new OrganizationsClient({
    endpoint,
    region: 'us-east-1',
    credentials: management,
  });
  const created = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  organizations.destroy();
  org = { ...repo.org, organizationId: created.Organization?.Id ?? '', roles: roles() };

  const s3 = new S3Client({
    endpoint,
    region: org.glue.region,
    forcePathStyle: true,
    credentials: data,
  });
  await s3.send(
    new CreateBucketCommand({
      Bucket: org.snapshots.bucket,
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  for (const { account, region } of snapshotSample(input())) {
    const prefix = snapshotDayPrefix(org, account, region, addDays(TODAY, -1));
    await s3.send(
      new PutObjectCommand({
        Bucket: org.snapshots.bucket,
        Key: `${prefix}${account}_Config_${region}_ConfigSnapshot_20261201T051700Z_b.json.gz`,
        Body: '{"fileVersion":"1.3","configurationItems":[]}',
      }),
    );
  }
  s3.destroy();

  const glue = new GlueClient({ endpoint, region: org.glue.region, credentials: data });
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: org.glue.database } }));
  await glue.send(
    new CreateTableCommand({ DatabaseName: org.glue.database, TableInput: { Name: org.glue.table } }),
  );
  glue.destroy();

  // Created, not yet verified (the link in the e-mail was never followed): with the base keys, as the report sends.
  const ses = new SESv2Client({ endpoint, region: org.homeRegion, credentials: MOTO_CREDENTIALS });
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: SENDER }));
  ses.destroy();
}

beforeAll(async () => {
  session = await motoSession();
  work = await mkdtemp(join(tmpdir(), 'org-compliance-moto-doctor-'));
  repo = await repository();
  await setUp();
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  await session?.close();
});

describe('doctor --target aws on moto', () => {
  it('checks the set-up through the roles; says where moto lacks an API', async () => {
    const checks = await runAwsDoctor(input(), awsDoctorProbes(org, 'read', { maxAttempts: 1 }));
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['credentials', 'pass'],
      ['role:management:read', 'pass'],
      ['role:management:write', 'skip'],
      ['role:data:read', 'pass'],
      ['role:data:write', 'skip'],
      ['role:data:compact', 'pass'],
      ['organizations', 'pass'],
      ['config-rules', 'fail'],
      ['recorders', 'skip'],
      ['snapshots', 'pass'],
      ['glue', 'pass'],
      ['athena', 'pass'],
      ['quicksight', 'fail'],
      ['quicksight-principals', 'skip'],
      ['ses', 'fail'],
    ]);
    expect(byId.credentials?.detail).toBe('account 123456789012, user moto');
    expect(byId['role:data:read']?.detail).toBe(
      `assumed arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-read`,
    );
    expect(byId.organizations?.detail).toBe(
      `${org.organizationId}, reached from its management account ${MANAGEMENT_ACCOUNT}`,
    );
    // moto has no Organization Config Rules: it answers an HTML 404 page, which the SDK cannot
    // read; the failure names the call (on AWS a missing permission or a non-administrator fails here).
    expect(byId['config-rules']?.detail).toMatch(
      /^not readable in eu-west-1: Could not list Organization Config Rules \(DescribeOrganizationConfigRules in eu-west-1\): .*Deserialization error/,
    );
    expect(byId.snapshots?.detail).toBe(
      `s3://${org.snapshots.bucket}/${org.organizationId}/AWSLogs/ readable; 9 of 9 sampled account/region pairs have a snapshot within staleAfterDays (2 days) (19 ListObjectsV2 and 1 GetObject)`,
    );
    expect(byId.glue?.detail).toBe('org_compliance.config_snapshots in eu-west-1');
    expect(byId.athena?.detail).toBe(
      'primary in eu-west-1, enabled; query results go to s3://acme-athena-results/org-compliance/ (athena.outputLocation)',
    );
    // moto has no DescribeAccountSubscription; the account asked about is the data role's.
    expect(byId.quicksight?.detail).toMatch(
      new RegExp(
        `^Could not read the QuickSight subscription of account ${DATA_ACCOUNT} \\(DescribeAccountSubscription in us-east-1\\): `,
      ),
    );
    expect(byId.ses).toEqual({
      id: 'ses',
      title: 'ses sender',
      status: 'fail',
      detail: 'the sender (report.from or ses-from) is not verified in SES in eu-west-1, nor is its domain',
      remedy:
        "verify the address or its domain in SES in eu-west-1 (`aws sesv2 create-email-identity`), or send from the region where it is verified (the report action's ses-region input, doctor --ses-region)",
    });
    expect(exitCodeOf(checks)).toBe(1);
  });

  it('the CLI: the shipped config/org.yaml names no roles, and the base keys belong to no organization', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: process.env,
      isTTY: false,
    };
    const code = await runCli(
      [
        'node',
        'org-compliance',
        'doctor',
        '--target',
        'aws',
        '--root',
        REPO_ROOT,
        '--json',
        '--today',
        TODAY,
      ],
      io,
    );
    expect(code).toBe(EXIT_ERROR);
    const json = JSON.parse(out.join('\n'));
    expect(json).toMatchObject({ target: 'aws', mode: 'read', ok: false, exitCode: 1 });
    const organizations = json.checks.find((c: { id: string }) => c.id === 'organizations');
    expect(organizations).toEqual({
      id: 'organizations',
      title: 'organizations',
      status: 'fail',
      detail: 'account 123456789012 is not in an AWS Organization',
      remedy:
        'set roles.management in config/org.yaml to a role in the management account or the Config delegated administrator (docs/setup.md#3-the-roles-configorgyaml-names)',
    });
    expect(json.checks.find((c: { id: string }) => c.id === 'roles')?.status).toBe('pass');
    // moto keeps one bucket namespace and lets the base keys list the data account's bucket; the
    // shipped organizationId is not the one moto made, so nothing is under its AWSLogs/.
    expect(json.checks.find((c: { id: string }) => c.id === 'snapshots')).toMatchObject({
      status: 'fail',
      detail: `readable, but nothing under s3://${org.snapshots.bucket}/o-a1b2c3d4e5/AWSLogs/`,
    });
    expect(err.join('\n')).toContain('Checking the set-up on AWS (read mode), read-only');
  });
});
