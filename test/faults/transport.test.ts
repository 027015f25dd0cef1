/**
 * The fault matrix on a real wire: the clients createAwsClients builds, with the SDK's own
 * NodeHttpHandler, against loopback servers that misbehave as a network does — a connection that
 * is accepted and never answered, and one reset mid-request. Every client must give up on the
 * silent one within its socket timeout (the SDK sets none for Config and S3, and waits 5 to 15
 * minutes for the others: a hung connection would hang apply), and a reset is retried.
 */

import { connect, createServer, type Server, type Socket } from 'node:net';
import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import { DescribeOrganizationConfigRulesCommand } from '@aws-sdk/client-config-service';
import { GetDatabaseCommand } from '@aws-sdk/client-glue';
import { ListRootsCommand } from '@aws-sdk/client-organizations';
import { ListDataSetsCommand } from '@aws-sdk/client-quicksight';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { serveFakeAws } from '../../src/bench/fake-aws-server.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import {
  type AwsClients,
  type AwsService,
  clientSettings,
  createAwsClients,
  HTTP_TIMEOUTS,
} from '../../src/providers/aws/clients.js';
import { createSend, type SdkClient, type SdkCommand } from '../../src/providers/aws/retry.js';

const credentials = async () => ({ accessKeyId: 'AKIAFAKEFAKEFAKE', secretAccessKey: 'fake' });

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A TCP server on loopback; `onConnection` decides what each connection gets. Counts connections. */
async function tcpServer(
  onConnection: (socket: Socket, index: number) => void,
): Promise<{ url: string; connections: () => number }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket, count++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, connections: () => count };
}

/** One read of each service, as the target sends it. */
const CALLS: Record<AwsService, (c: AwsClients) => [SdkClient, SdkCommand<unknown>]> = {
  organizations: (c) => [c.organizations(), new ListRootsCommand({})],
  config: (c) => [c.config('eu-west-1'), new DescribeOrganizationConfigRulesCommand({})],
  glue: (c) => [c.glue('eu-west-1'), new GetDatabaseCommand({ Name: 'org_compliance' })],
  athena: (c) => [c.athena('eu-west-1'), new GetWorkGroupCommand({ WorkGroup: 'primary' })],
  s3: (c) => [
    c.s3('eu-west-1'),
    new GetObjectCommand({ Bucket: 'acme-data', Key: 'org-compliance/locks/apply.json' }),
  ],
  sts: (c) => [c.sts('eu-west-1'), new GetCallerIdentityCommand({})],
  quicksight: (c) => [c.quicksight('eu-west-1'), new ListDataSetsCommand({ AwsAccountId: '111111111111' })],
};

describe('fault matrix on a real wire (NodeHttpHandler, loopback)', () => {
  it('every client has a connection timeout and a socket inactivity timeout by default', () => {
    expect(HTTP_TIMEOUTS).toEqual({ connectionMs: 5_000, socketIdleMs: 60_000 });
    expect(clientSettings('eu-west-1').requestHandler).toEqual({
      connectionTimeout: 5_000,
      socketTimeout: 60_000,
    });
    expect(clientSettings('eu-west-1', { timeouts: { socketIdleMs: 250 } }).requestHandler).toEqual({
      connectionTimeout: 5_000,
      socketTimeout: 250,
    });
  });

  for (const service of Object.keys(CALLS) as AwsService[]) {
    it(`${service}: a connection that never answers times out, is retried, and fails naming the timeout`, async () => {
      // Accepted, read, never answered: what a half-dead load balancer or a black-holed route does.
      const silent = await tcpServer((socket) => socket.on('data', () => {}));
      const clients = createAwsClients({
        endpoint: silent.url,
        credentials: { management: credentials, data: credentials },
        timeouts: { socketIdleMs: 250 },
      });
      const waits: number[] = [];
      const send = createSend({
        retry: { maxAttempts: 3, sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
      });
      const [client, command] = CALLS[service](clients);
      const started = Date.now();
      await expect(send(client, command, { what: `read ${service}`, region: 'eu-west-1' })).rejects.toThrow(
        /timed out after 250 ms of inactivity \(configured by client requestHandler\)\. \(gave up after 3 attempts\)$/,
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(3 * 250);
      expect(elapsed).toBeLessThan(3 * 250 + 3_000);
      // Each timed-out socket is destroyed: every attempt came on a new connection.
      expect(silent.connections()).toBe(3);
      expect(waits).toEqual([50, 100]);
    });
  }

  it('a connection reset mid-request is retried on a new connection and the call succeeds', async () => {
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const server = await serveFakeAws(fake);
    closers.push(() => server.close());
    const upstream = new URL(server.url);
    // The first two connections are reset (RST) once the request arrives; the rest are relayed.
    const proxy = await tcpServer((socket, index) => {
      if (index < 2) {
        socket.once('data', () => socket.resetAndDestroy());
        return;
      }
      const out = connect(Number(upstream.port), upstream.hostname);
      out.on('error', () => socket.destroy());
      socket.pipe(out).pipe(socket);
    });
    const clients = createAwsClients({
      endpoint: proxy.url,
      credentials: { management: credentials, data: credentials },
      timeouts: { socketIdleMs: 2_000 },
    });
    const errors: string[] = [];
    const send = createSend({
      retry: {
        sleep: async () => {},
        random: () => 0.5,
      },
    });
    const client = clients.organizations();
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          const e = error as { name?: string; code?: string };
          errors.push(`${e.name} ${e.code}`);
          throw error;
        }
      },
      { step: 'initialize', name: 'recordErrors' },
    );
    const answer = await send(client, new ListRootsCommand({}), {
      what: 'list the roots',
      region: 'us-east-1',
    });
    expect(answer.Roots?.map((r) => r.Id)).toEqual([fake.rootId]);
    // NodeHttpHandler names a reset a TimeoutError and keeps its code: retry.ts retries both.
    expect(errors).toEqual(['TimeoutError ECONNRESET', 'TimeoutError ECONNRESET']);
    expect(proxy.connections()).toBe(3);
    expect(fake.calls.map((c) => c.operation)).toEqual(['ListRoots']);
  });
});
