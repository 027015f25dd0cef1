/**
 * The fake AWS over HTTP answers the real SDK as AWS would, and refuses what AWS refuses: an
 * unsigned request, an operation it does not implement (with the service's error shape), and the
 * services it does not serve (QuickSight's REST protocol, STS's query protocol) with an error,
 * never an empty success.
 */

import { GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type FakeAwsServer, serveFakeAws } from '../../src/bench/fake-aws-server.js';

let server: FakeAwsServer;
const fake = new FakeAws({ organizationId: 'o-a1b2c3d4e5', accounts: [] });
const settings = () => ({
  endpoint: server.url,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
  maxAttempts: 1,
});

beforeAll(async () => {
  server = await serveFakeAws(fake);
});
afterAll(async () => {
  await server.close();
});

describe('the fake AWS endpoint', () => {
  it('answers a signed JSON 1.1 call through the real SDK, and records it for the right service and region', async () => {
    const answer = await new OrganizationsClient(settings()).send(new ListRootsCommand({}));
    expect(answer.Roots?.map((r) => r.Id)).toEqual([fake.rootId]);
    expect(fake.calls.at(-1)).toMatchObject({
      service: 'organizations',
      operation: 'ListRoots',
      region: 'eu-west-1',
    });
  });

  it('answers an AWS error with its name and message, as the SDK reads them', async () => {
    await expect(
      new GlueClient(settings()).send(new GetTableCommand({ DatabaseName: 'nope', Name: 't' })),
    ).rejects.toMatchObject({ name: 'EntityNotFoundException', message: 'Table t not found.' });
  });

  it('refuses a request without a signature', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSGlue.GetTables', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses a service it does not serve instead of answering nothing', async () => {
    await expect(new STSClient(settings()).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
    });
    const res = await fetch(`${server.url}/accounts/111111111111/data-sets`, {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20261128/eu-west-1/quicksight/aws4_request, SignedHeaders=host, Signature=0',
      },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'UnknownOperationException',
      message:
        'The fake AWS endpoint serves only the JSON 1.1 protocol of organizations, config, glue, athena; quicksight was asked for',
    });
    expect(fake.calls.some((c) => c.service === 'sts' || c.service === 'quicksight')).toBe(false);
  });
});
