import { readFileSync } from 'node:fs';
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import { ListRootsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { organizationsRegion } from '../../../src/model/partition.js';
import { clientSettings, createAwsClients, packageVersion } from '../../../src/providers/aws/clients.js';

// Requests below are stopped before signing and sending; static credentials keep the SDK's
// credential chain (and its instance-metadata probe) out of the picture.
const ENVIRONMENT = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
];
const saved = Object.fromEntries(ENVIRONMENT.map((name) => [name, process.env[name]]));

beforeEach(() => {
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The URL a request would go to, caught after endpoint resolution and before signing or sending. */
async function requestUrl(client: GlueClient): Promise<string> {
  let url = '';
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number; path: string };
      url = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}${request.path}`;
      throw new Error('captured');
    },
    { step: 'build', name: 'captureUrl' },
  );
  await client
    .send(new GetTableCommand({ DatabaseName: 'org_compliance', Name: 'config_snapshots' }))
    .catch((e: Error) => {
      if (e.message !== 'captured') throw e;
    });
  return url;
}

/** The URL a ListRoots request would go to, caught before signing or sending. */
async function organizationsUrl(client: OrganizationsClient): Promise<string> {
  let url = '';
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { protocol: string; hostname: string; path: string };
      url = `${request.protocol}//${request.hostname}${request.path}`;
      throw new Error('captured');
    },
    { step: 'build', name: 'captureUrl' },
  );
  await client.send(new ListRootsCommand({})).catch((e: Error) => {
    if (e.message !== 'captured') throw e;
  });
  return url;
}

describe('AWS clients', () => {
  it('builds clients with their region, one attempt, our user agent, and caches one per region', async () => {
    const clients = createAwsClients({ version: '1.2.3' });

    const glue = clients.glue('eu-west-1');
    expect(clients.glue('eu-west-1')).toBe(glue);
    expect(clients.glue('eu-central-1')).not.toBe(glue);
    expect(clients.config('eu-west-1')).toBe(clients.config('eu-west-1'));
    expect(clients.organizations()).toBe(clients.organizations());

    expect(await glue.config.region()).toBe('eu-west-1');
    expect(await glue.config.maxAttempts()).toBe(1);
    expect(glue.config.customUserAgent).toEqual([['org-compliance', '1.2.3']]);
    expect(await clients.organizations().config.region()).toBe('us-east-1');
    expect(await clients.config('us-east-1').config.maxAttempts()).toBe(1);
  });

  it('uses the package version in the user agent by default', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(packageVersion()).toBe(pkg.version);
    expect(clientSettings('eu-west-1').customUserAgent).toEqual([['org-compliance', packageVersion()]]);
  });

  it('sets an endpoint only when asked, so AWS_ENDPOINT_URL keeps working', async () => {
    expect(clientSettings('eu-west-1')).not.toHaveProperty('endpoint');
    expect(clientSettings('eu-west-1', { endpoint: 'http://127.0.0.1:5000' }).endpoint).toBe(
      'http://127.0.0.1:5000',
    );

    const explicit = createAwsClients({ endpoint: 'http://127.0.0.1:5000' }).glue('eu-west-1');
    expect(await requestUrl(explicit)).toBe('http://127.0.0.1:5000/');

    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    const fromEnvironment = createAwsClients().glue('eu-west-1');
    expect(await requestUrl(fromEnvironment)).toBe('http://127.0.0.1:4566/');

    delete process.env.AWS_ENDPOINT_URL;
    expect(await requestUrl(createAwsClients().glue('eu-west-1'))).toBe(
      'https://glue.eu-west-1.amazonaws.com/',
    );
  });

  it("builds the Organizations client in its partition's one region: the endpoint the SDK signs for", async () => {
    const cases = [
      ['eu-west-1', 'us-east-1', 'https://organizations.us-east-1.amazonaws.com/'],
      ['us-gov-east-1', 'us-gov-west-1', 'https://organizations.us-gov-west-1.amazonaws.com/'],
      ['cn-north-1', 'cn-northwest-1', 'https://organizations.cn-northwest-1.amazonaws.com.cn/'],
    ] as const;
    for (const [home, region, url] of cases) {
      const organizations = createAwsClients({
        organizationsRegion: organizationsRegion(home),
      }).organizations();
      expect(await organizations.config.region()).toBe(region);
      expect(await organizationsUrl(organizations)).toBe(url);
    }
    // Without one: the aws partition's.
    expect(await createAwsClients().organizations().config.region()).toBe('us-east-1');
  });

  it('refuses an empty region', () => {
    expect(() => createAwsClients().config('')).toThrow('An AWS client needs a region, got an empty string');
  });
});
