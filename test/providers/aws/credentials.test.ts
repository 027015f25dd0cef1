import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import { credentialSources } from '../../../src/providers/aws/credentials.js';
import { ORG } from './fakes.js';

const ROLES = {
  management: {
    read: 'arn:aws:iam::111111111111:role/org-compliance-read',
    write: 'arn:aws:iam::111111111111:role/org-compliance-write',
  },
  data: {
    read: 'arn:aws:iam::222222222222:role/org-compliance-data-read',
    write: 'arn:aws:iam::222222222222:role/org-compliance-data-write',
  },
};

/** An in-process STS: answers AssumeRole with the XML the real service sends, and records each request. */
function fakeSts() {
  const requests: { host: string; body: URLSearchParams }[] = [];
  const requestHandler = {
    handle: async (request: { hostname: string; body: string }) => {
      const body = new URLSearchParams(request.body);
      requests.push({ host: request.hostname, body });
      const account = (body.get('RoleArn') ?? '').split(':')[4];
      const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/x/${body.get('RoleSessionName')}</Arn>
      <AssumedRoleId>AROAEXAMPLEID:${body.get('RoleSessionName')}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIA${account}</AccessKeyId>
      <SecretAccessKey>not-a-real-secret</SecretAccessKey>
      <SessionToken>not-a-real-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': 'text/xml' },
          body: Readable.from([Buffer.from(xml)]),
        },
      };
    },
  };
  return { requests, requestHandler };
}

const baseCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };

describe('credentials from the roles in org.yaml', () => {
  it('without roles, the default chain serves every client', () => {
    expect(credentialSources({ ...ORG, roles: {} }, 'read')).toEqual({});
  });

  it('plans assume the read roles: Organizations and Config the management role, Glue the data role', async () => {
    const sts = fakeSts();
    const sources = credentialSources({ ...ORG, roles: ROLES }, 'read', {
      stsClientConfig: { requestHandler: sts.requestHandler, credentials: baseCredentials },
    });
    const clients = createAwsClients({ credentials: sources });
    const management = await clients.config('eu-central-1').config.credentials();
    const data = await clients.glue('eu-west-1').config.credentials();
    expect(management.accessKeyId).toBe('ASIA111111111111');
    expect(data.accessKeyId).toBe('ASIA222222222222');
    expect(
      sts.requests.map((r) => [r.body.get('Action'), r.body.get('RoleArn'), r.body.get('RoleSessionName')]),
    ).toEqual([
      ['AssumeRole', ROLES.management.read, 'org-compliance-read'],
      ['AssumeRole', ROLES.data.read, 'org-compliance-read'],
    ]);
    // The organizations client shares the management credentials: no third AssumeRole.
    expect((await clients.organizations().config.credentials()).accessKeyId).toBe('ASIA111111111111');
    expect(sts.requests).toHaveLength(2);
  });

  it('applies assume the write roles', async () => {
    const sts = fakeSts();
    const sources = credentialSources({ ...ORG, roles: ROLES }, 'write', {
      stsClientConfig: { requestHandler: sts.requestHandler, credentials: baseCredentials },
    });
    await createAwsClients({ credentials: sources }).config('eu-west-1').config.credentials();
    expect(sts.requests.map((r) => [r.body.get('RoleArn'), r.body.get('RoleSessionName')])).toEqual([
      [ROLES.management.write, 'org-compliance-write'],
    ]);
  });
});

describe('credentials for compact', () => {
  const COMPACT = 'arn:aws:iam::222222222222:role/org-compliance-data-compact';
  const compacting = (roles: typeof ROLES & { data: { compact?: string } }) => {
    const sts = fakeSts();
    const sources = credentialSources({ ...ORG, roles }, 'compact', {
      stsClientConfig: { requestHandler: sts.requestHandler, credentials: baseCredentials },
    });
    return { sts, clients: createAwsClients({ credentials: sources }) };
  };

  it('assume roles.data.compact for the data clients, in a session of its own', async () => {
    const { sts, clients } = compacting({ ...ROLES, data: { ...ROLES.data, compact: COMPACT } });
    expect((await clients.s3('eu-west-1').config.credentials()).accessKeyId).toBe('ASIA222222222222');
    expect((await clients.glue('eu-west-1').config.credentials()).accessKeyId).toBe('ASIA222222222222');
    expect(sts.requests.map((r) => [r.body.get('RoleArn'), r.body.get('RoleSessionName')])).toEqual([
      [COMPACT, 'org-compliance-compact'],
    ]);
  });

  it('assume roles.data.write when roles.data.compact is not set (set-ups from before it)', async () => {
    const { sts, clients } = compacting(ROLES);
    await clients.s3('eu-west-1').config.credentials();
    expect(sts.requests.map((r) => r.body.get('RoleArn'))).toEqual([ROLES.data.write]);
  });

  it('never assume a management role: its clients fail before anything is sent', async () => {
    const { sts, clients } = compacting({ ...ROLES, data: { ...ROLES.data, compact: COMPACT } });
    const refused =
      'compact uses no management credentials: it reads the snapshot files and writes the compacted tables with the data credentials only (roles.data.compact in config/org.yaml), so nothing of Organizations or Config may be called while compacting';
    await expect(clients.organizations().config.credentials()).rejects.toThrow(refused);
    await expect(clients.config('eu-west-1').config.credentials()).rejects.toThrow(refused);
    expect(sts.requests).toEqual([]);
    // Without roles in org.yaml either: the data clients take the default chain, management none.
    const bare = credentialSources({ ...ORG, roles: {} }, 'compact');
    expect(Object.keys(bare)).toEqual(['management']);
    await expect(bare.management?.()).rejects.toThrow(refused);
  });
});
