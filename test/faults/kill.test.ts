/**
 * The fault matrix, apply killed: the CLI (`node lib/cli/main.js apply`, as built by `npm run
 * build`) is killed with SIGKILL after k writes, for several k, on the aws target (talking HTTP to
 * the fake AWS server, killed the moment the fake has answered its k-th write) and on the local
 * target (killed when state.json shows k resources; every read of state.json on the way must
 * parse: it is never half-written). Then: a re-run refuses while the killed run's lease holds,
 * naming it, and writes nothing; `--force-unlock` (or the lease expired) lets it run; it converges
 * to what one clean apply makes, nothing duplicated or lost, and a plan after it is clean.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type FakeAwsServer, serveFakeAws } from '../../src/bench/fake-aws-server.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { REPO_ROOT, scratchRepo } from '../helpers/repo.js';
import { canonicalState, TODAY } from './world.js';

const CLI = join(REPO_ROOT, 'lib', 'cli', 'main.js');

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `whileRunning` may kill it. */
function startCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
});

let servers: FakeAwsServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});

describe('fault matrix: apply killed with SIGKILL on the aws target, then re-run', async () => {
  // The fake AWS endpoint speaks the JSON protocols and S3, not QuickSight's REST: no quicksight/.
  const { root } = await scratchRepo();
  await rm(join(root, 'quicksight'), { recursive: true, force: true });

  const awsEnv = (url: string): NodeJS.ProcessEnv => ({
    ...baseEnv(),
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const common = ['--target', 'aws', '--root', root, '--today', TODAY];

  async function served(): Promise<{ fake: FakeAws; server: FakeAwsServer }> {
    const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
    const server = await serveFakeAws(fake);
    servers.push(server);
    return { fake, server };
  }

  const clean = await (async () => {
    const { fake, server } = await served();
    const run = await startCli(['apply', '--auto-approve', ...common], awsEnv(server.url)).done;
    if (run.code !== 0) throw new Error(`the clean apply failed:\n${run.stderr}`);
    return { state: canonicalState(fake), writes: fake.writeCalls().length };
  })();

  it('the clean apply: 230 writes for the resources, the lock put and removed', () => {
    expect(clean.writes).toBe(232);
  });

  // After the lock's put (1), inside the Glue tables (5), the rules (120), the last views (210).
  for (const k of [1, 5, 120, 210]) {
    it(`killed after write ${k}: the re-run refuses naming the killed run, --force-unlock converges`, async () => {
      const { fake, server } = await served();
      const env = awsEnv(server.url);
      const { child, done } = startCli(['apply', '--auto-approve', ...common], env);
      // Killed the moment the k-th write has been carried out, before its answer leaves.
      const answer = fake.answer.bind(fake);
      fake.answer = async (...args) => {
        const out = await answer(...args);
        if (fake.writeCalls().length === k) child.kill('SIGKILL');
        return out;
      };
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      // Writes already received when the k-th was answered may finish (apply runs 4 at a time).
      const written = fake.writeCalls().length;
      expect(written).toBeGreaterThanOrEqual(k);
      expect(written).toBeLessThanOrEqual(k + 3);
      fake.answer = answer;
      const leftInAws = canonicalState(fake);

      // The lease of the killed run is in S3, naming it.
      const lockKey = 'acme-config-snapshots/org-compliance/locks/apply.json';
      const lock = JSON.parse(fake.objects.get(lockKey)?.body ?? '{}') as { holder?: string };
      expect(lock.holder).toBe(`${hostname()} pid ${child.pid}`);

      const refused = await startCli(['apply', '--auto-approve', ...common], env).done;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `Another apply holds the lock (s3://${lockKey}): ${hostname()} pid ${child.pid}, since `,
      );
      expect(refused.stderr).toContain('--force-unlock removes it now');
      // Its only write was the lock's conditional put, which S3 refused: nothing changed.
      expect(
        fake
          .writeCalls()
          .slice(written)
          .map((c) => `${c.operation} ${String(c.input.Key)} ${String(c.input.IfNoneMatch)}`),
      ).toEqual(['PutObject org-compliance/locks/apply.json *']);
      expect(canonicalState(fake)).toEqual(leftInAws);

      const forced = await startCli(['apply', '--auto-approve', '--force-unlock', ...common], env).done;
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toContain(`removed the apply lock of ${hostname()} pid ${child.pid}`);
      const plan = await startCli(['plan', ...common], env).done;
      expect(plan.code, plan.stdout).toBe(0);
      expect(canonicalState(fake)).toEqual(clean.state);
      expect(fake.objects.has(lockKey)).toBe(false);
    }, 300_000);
  }
});

describe('fault matrix: apply killed with SIGKILL on the local target, then re-run', async () => {
  const { root, localDir } = await scratchRepo();
  await rm(join(root, 'quicksight'), { recursive: true, force: true });
  const base = join(localDir, '..');

  async function localTarget(name: string): Promise<string[]> {
    const dir = join(base, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    return ['--target', 'local', '--local-dir', dir, '--root', root, '--today', TODAY];
  }

  /** Resources state.json records. */
  const resources = (state: Record<string, Record<string, Record<string, unknown>>>) =>
    ['configRules', 'glueTables', 'athenaViews'].reduce(
      (n, part) =>
        n + Object.values(state[part] ?? {}).reduce((m, region) => m + Object.keys(region).length, 0),
      0,
    );

  const cleanArgs = await localTarget('clean');
  const cleanRun = await startCli(['apply', '--auto-approve', ...cleanArgs], baseEnv()).done;
  const cleanState = await readFile(join(base, 'clean', 'state.json'), 'utf8');

  it('the clean apply records 205 resources', () => {
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    expect(resources(JSON.parse(cleanState))).toBe(205);
  });

  for (const [k, recovery] of [
    [1, 'force'],
    [60, 'expired'],
    [190, 'force'],
  ] as const) {
    it(`killed after ${k} resource(s) in state.json: every read of it parses; the re-run refuses, then ${recovery === 'force' ? '--force-unlock' : 'the expired lease'} lets it converge`, async () => {
      const args = await localTarget(`killed-${k}`);
      const dir = args[3] as string;
      const statePath = join(dir, 'state.json');
      const { child, done } = startCli(['apply', '--auto-approve', ...args], baseEnv());
      const reads: number[] = [];
      for (let seen = 0; seen < k; ) {
        const text = await readFile(statePath, 'utf8').catch(() => undefined);
        if (text !== undefined) {
          seen = resources(JSON.parse(text)); // throws if ever half-written
          reads.push(seen);
        }
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal).toBe('SIGKILL');
      expect(reads.length).toBeGreaterThan(0);

      // What the kill left: a whole state.json, a whole lock naming the killed run.
      const left = await readFile(statePath, 'utf8');
      const recorded = resources(JSON.parse(left));
      expect(recorded).toBeGreaterThanOrEqual(k);
      expect(recorded).toBeLessThan(205);
      const lock = JSON.parse(await readFile(join(dir, 'apply.lock'), 'utf8')) as {
        holder: string;
        expires: string;
      };
      expect(lock.holder).toBe(`${hostname()} pid ${child.pid}`);
      // Temporary files a kill may leave beside them are never read.
      const others = (await readdir(dir)).filter(
        (f) => !['org.json', 'state.json', 'apply.lock', 'cache', 's3', 'quicksight'].includes(f),
      );
      for (const f of others) expect(f).toMatch(/^(state\.json\.\d+|apply\.lock\.[0-9a-f-]+)\.tmp$/);

      const refused = await startCli(['apply', '--auto-approve', ...args], baseEnv()).done;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `Another apply holds the lock (${join(dir, 'apply.lock')}): ${hostname()} pid ${child.pid}, since `,
      );
      expect(await readFile(statePath, 'utf8')).toBe(left);

      let resumed: CliRun;
      if (recovery === 'force') {
        resumed = await startCli(['apply', '--auto-approve', '--force-unlock', ...args], baseEnv()).done;
        expect(resumed.stderr).toContain(`removed the apply lock of ${hostname()} pid ${child.pid}`);
      } else {
        // Two hours later: the lease has expired by itself.
        await writeFile(
          join(dir, 'apply.lock'),
          JSON.stringify({ ...lock, expires: '2020-01-01T00:00:00.000Z' }),
        );
        resumed = await startCli(['apply', '--auto-approve', ...args], baseEnv()).done;
        expect(resumed.stderr).toContain(`took over an expired apply lock of ${hostname()} pid ${child.pid}`);
      }
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(await readFile(statePath, 'utf8')).toBe(cleanState);
      expect(existsSync(join(dir, 'apply.lock'))).toBe(false);
      const plan = await startCli(['plan', ...args], baseEnv()).done;
      expect(plan.code, plan.stdout).toBe(0);
    }, 300_000);
  }
});
