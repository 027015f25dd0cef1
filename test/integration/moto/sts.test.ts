/**
 * STS on moto: the aws target assumes the roles config/org.yaml names (credentials.ts,
 * `fromTemporaryCredentials`), and the clients of each group really use the assumed credentials.
 * moto files a request under the account of the role whose temporary keys signed it (its
 * AssumeRole accepts any role ARN and switches account), so a table created with the data role
 * lands in the data account and the Organization is read in the management account, where the
 * dummy base keys (account 123456789012) see neither.
 *
 * The second case starts from a web identity token, as GitHub OIDC does
 * (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, AssumeRoleWithWebIdentity with a dummy token that moto
 * does not verify), and chains the org.yaml roles on top of it.
 *
 * moto differences from AWS: AssumeRole does not check that the role exists, nor its trust policy,
 * nor that the caller may assume it; AssumeRoleWithWebIdentity does not verify the token.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import {
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { fromTokenFile } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { desiredResources } from '../../../src/desired/index.js';
import type { OrgConfig, Repository } from '../../../src/model/config.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { plan } from '../../../src/plan/plan.js';
import { credentialSources } from '../../../src/providers/aws/credentials.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { MOTO_CREDENTIALS } from '../harness/moto.js';
import { type MotoSession, motoSession, repository, TODAY } from './support.js';

const MANAGEMENT_ACCOUNT = '111111111111';
const DATA_ACCOUNT = '222222222222';
const OIDC_ACCOUNT = '333333333333';

let session: MotoSession;
let repo: Repository;
let org: OrgConfig;
let work: string;
let organizationId = '';

function roles(): OrgConfig['roles'] {
  return {
    management: {
      read: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-compliance-read`,
      write: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/org-compliance-write`,
    },
    data: {
      read: `arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-read`,
      write: `arn:aws:iam::${DATA_ACCOUNT}:role/org-compliance-data-write`,
    },
  };
}

beforeAll(async () => {
  session = await motoSession();
  work = await mkdtemp(join(tmpdir(), 'org-compliance-moto-sts-'));
  repo = await repository();
  org = { ...repo.org, roles: roles() };
  // The organization exists in the management account, created there with the management role.
  const management = credentialSources(org, 'write', { endpoint: session.moto.endpoint }).management;
  const organizations = new OrganizationsClient({
    endpoint: session.moto.endpoint,
    region: 'us-east-1',
    ...(management ? { credentials: management } : {}),
  });
  const created = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  organizationId = created.Organization?.Id ?? '';
  expect(created.Organization?.MasterAccountId).toBe(MANAGEMENT_ACCOUNT);
  organizations.destroy();
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  await session?.close();
});

function glueDesired(o: OrgConfig): DesiredResource<'glue-table'>[] {
  // The snapshot table alone (the reference tables are Glue tables too).
  return desiredResources({ ...repo, org: o }, TODAY, { quickSightAccountId: '123456789012' }).filter(
    (d): d is DesiredResource<'glue-table'> => d.kind === 'glue-table' && d.properties.name === o.glue.table,
  );
}

async function tableIn(credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider): Promise<boolean> {
  const glue = new GlueClient({ endpoint: session.moto.endpoint, region: org.glue.region, credentials });
  try {
    await glue.send(new GetTableCommand({ DatabaseName: org.glue.database, Name: org.glue.table }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return false;
    throw error;
  } finally {
    glue.destroy();
  }
}

describe('assumed roles on moto STS', () => {
  it('each group of clients uses its own assumed role: Glue in the data account, Organizations in the management account', async () => {
    const sources = credentialSources(org, 'write', { endpoint: session.moto.endpoint });
    const data = sources.data;
    if (!data) throw new Error('no data credentials');
    const identity = await data();
    expect(identity.accessKeyId).toMatch(/^ASIA/);
    expect(identity.accessKeyId).not.toBe(MOTO_CREDENTIALS.accessKeyId);
    expect(identity.sessionToken).toBeTruthy();
    expect(identity.expiration?.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    // One session per group: asking again does not assume the role again.
    expect(await data()).toBe(identity);

    // apply (write roles) creates the table with the data role's credentials...
    const writer = createAwsTarget(org, { endpoint: session.moto.endpoint, mode: 'write' });
    const desired = glueDesired(org);
    const first = plan(desired, await writer.providers['glue-table'].read(desired));
    expect(first.summary.create).toBe(1);
    const result = await apply(first, writer);
    expect(result.ok).toBe(true);
    // ...so it is in the data account, not in the account of the base keys.
    expect(await tableIn(data)).toBe(true);
    expect(await tableIn(MOTO_CREDENTIALS)).toBe(false);

    // plan (read roles) sees it through the data read role, in the same account.
    const reader = createAwsTarget(org, { endpoint: session.moto.endpoint });
    const again = plan(desired, await reader.providers['glue-table'].read(desired));
    expect(again.hasChanges).toBe(false);

    // discover (read roles) reads the organization of the management account.
    const read = await reader.organization.readOrganization();
    expect(read.organizationId).toBe(organizationId);
    expect(read.accounts.map((a) => a.id)).toEqual([MANAGEMENT_ACCOUNT]);
    // The base keys belong to no organization.
    const base = new OrganizationsClient({
      endpoint: session.moto.endpoint,
      region: 'us-east-1',
      credentials: MOTO_CREDENTIALS,
    });
    await expect(base.send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
    });
    base.destroy();
  });

  it('starting from a GitHub OIDC web identity token, the org.yaml roles are assumed on top of it', async () => {
    const tokenFile = join(work, 'token');
    await writeFile(
      tokenFile,
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvY29tcGxpYW5jZTpyZWY6cmVmcy9oZWFkcy9tYWluIn0.sig',
    );
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_SESSION_TOKEN;
    process.env.AWS_ROLE_ARN = `arn:aws:iam::${OIDC_ACCOUNT}:role/github-actions`;
    process.env.AWS_ROLE_SESSION_NAME = 'github-actions';
    process.env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile;
    try {
      // Without roles in org.yaml the web identity's own account serves everything: the table
      // apply creates lands there, seen with the web identity's credentials and no others.
      const plain = createAwsTarget(
        { ...org, roles: {} },
        { endpoint: session.moto.endpoint, mode: 'write' },
      );
      const desired = glueDesired(org);
      const withoutRoles = plan(desired, await plain.providers['glue-table'].read(desired));
      expect(withoutRoles.summary.create).toBe(1);
      expect((await apply(withoutRoles, plain)).ok).toBe(true);
      const oidc = fromTokenFile({ clientConfig: { endpoint: session.moto.endpoint, region: 'us-east-1' } });
      expect(await tableIn(oidc)).toBe(true);
      expect(await tableIn(MOTO_CREDENTIALS)).toBe(false);

      // With the roles, the management role is assumed from the web identity's credentials.
      const reader = createAwsTarget(org, { endpoint: session.moto.endpoint });
      const read = await reader.organization.readOrganization();
      expect(read.organizationId).toBe(organizationId);
      const withRoles = plan(desired, await reader.providers['glue-table'].read(desired));
      expect(withRoles.hasChanges).toBe(false);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
