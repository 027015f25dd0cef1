/**
 * `compact --target aws` assumes the compaction role of config/org.yaml and nothing else: roles.data
 * .compact (else roles.data.write, for set-ups from before it), never a management role, never
 * roles.data.write when compact is set. The SDK reaches a loopback endpoint (AWS_ENDPOINT_URL) that
 * answers STS AssumeRole, recording the role asked for, and Glue's GetTable with "no such table", so
 * the run stops where compaction would start reading the snapshot table.
 */
import { appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { scratchRepo } from '../helpers/repo.js';

const MANAGEMENT = {
  read: 'arn:aws:iam::111111111111:role/org-compliance-read',
  write: 'arn:aws:iam::111111111111:role/org-compliance-write',
};
const DATA = {
  read: 'arn:aws:iam::222222222222:role/org-compliance-data-read',
  write: 'arn:aws:iam::222222222222:role/org-compliance-data-write',
  compact: 'arn:aws:iam::222222222222:role/org-compliance-data-compact',
};

/** Every request by service, and the roles STS was asked for (with their session names). */
interface Seen {
  services: string[];
  assumed: [string | null, string | null][];
}

function assumeRoleXml(roleArn: string, session: string): string {
  const account = roleArn.split(':')[4];
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/x/${session}</Arn>
      <AssumedRoleId>AROAEXAMPLEID:${session}</AssumedRoleId>
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
}

/** STS answers AssumeRole; Glue has no table; anything else is refused (and recorded). */
async function endpoint(seen: Seen): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const service = /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\//.exec(
      req.headers.authorization ?? '',
    )?.[1];
    seen.services.push(service ?? '?');
    if (service === 'sts') {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      seen.assumed.push([form.get('RoleArn'), form.get('RoleSessionName')]);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(assumeRoleXml(form.get('RoleArn') ?? '', form.get('RoleSessionName') ?? ''));
      return;
    }
    const type = service === 'glue' ? 'EntityNotFoundException' : 'AccessDeniedException';
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, message: `${service} says no` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

const ENV = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
] as const;

describe('compact --target aws', () => {
  let seen: Seen;
  let server: Server;
  let root: string;
  const saved: Partial<Record<(typeof ENV)[number], string>> = {};

  beforeEach(async () => {
    seen = { services: [], assumed: [] };
    const started = await endpoint(seen);
    server = started.server;
    for (const name of ENV) {
      const value = process.env[name];
      if (value !== undefined) saved[name] = value;
      delete process.env[name];
    }
    // The entry role's credentials, as configure-aws-credentials leaves them; the SDK sends every
    // call to the loopback endpoint.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: started.url,
      AWS_ACCESS_KEY_ID: 'AKIDNIGHTLYENTRYROLE',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    });
    ({ root } = await scratchRepo());
  });

  afterEach(async () => {
    for (const name of ENV) {
      delete process.env[name];
      const value = saved[name];
      if (value !== undefined) process.env[name] = value;
    }
    await new Promise((resolve) => server.close(resolve));
  });

  /** config/org.yaml with roles (data.compact when given), then `compact --target aws`. */
  async function compact(withCompactRole: boolean) {
    const data = withCompactRole ? DATA : { read: DATA.read, write: DATA.write };
    const roles = [
      'roles:',
      '  management:',
      ...Object.entries(MANAGEMENT).map(([k, v]) => `    ${k}: ${v}`),
      '  data:',
      ...Object.entries(data).map(([k, v]) => `    ${k}: ${v}`),
      '',
    ].join('\n');
    await appendFile(join(root, 'config/org.yaml'), roles);
    const io = capture();
    const code = await runCli(['node', 'org-compliance', 'compact', '--target', 'aws', '--root', root], io);
    return { code, io };
  }

  it('assumes roles.data.compact only: no management role, not the data write role', async () => {
    const { code, io } = await compact(true);
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      'The Glue table org_compliance.config_snapshots does not exist in eu-west-1: run apply first (compaction reads its projection)',
    );
    expect(seen.assumed).toEqual([[DATA.compact, 'org-compliance-compact']]);
    expect(seen.services).toEqual(['sts', 'glue']);
  });

  it('assumes roles.data.write when roles.data.compact is not set, and still no management role', async () => {
    const { code } = await compact(false);
    expect(code).toBe(1);
    expect(seen.assumed).toEqual([[DATA.write, 'org-compliance-compact']]);
  });
});
