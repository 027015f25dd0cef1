/**
 * A view that cannot run stops validate, plan and apply before anything is read or written: the
 * loader refuses it, and apply loads the repository first.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type FakeAwsServer, serveFakeAws } from '../../src/bench/fake-aws-server.js';
import { type Io, runCli } from '../../src/cli/program.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import { editFile, filesUnder, scratchRepo } from '../helpers/repo.js';

const TODAY = '2026-11-28';

function capture(env: NodeJS.ProcessEnv = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, isTTY: false };
}

const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

/** coverage.sql with `SELECT` misspelt in its last SELECT; where it is, and what validate says. */
async function breakCoverage(root: string): Promise<string> {
  const file = join(root, 'sql/views/coverage.sql');
  let at = '';
  await editFile(file, (text) => {
    const offset = text.lastIndexOf('SELECT');
    const before = text.slice(0, offset);
    at = `sql/views/coverage.sql:${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
    return `${before}SELEC${text.slice(offset + 'SELECT'.length)}`;
  });
  return at;
}

/** A rule whose parameter changed: a write apply would otherwise make. */
async function changeARule(root: string): Promise<void> {
  await editFile(join(root, 'config/rules.yaml'), (t) =>
    t.replace(/maxAccessKeyAge: \d+/, 'maxAccessKeyAge: 45'),
  );
}

describe('a view that cannot run', () => {
  let root: string;
  let localDir: string;
  let common: string[];

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    common = ['--root', root, '--local-dir', localDir, '--today', TODAY];
  });

  it('fails validate with one error at the misspelling, as an annotation too, and no DuckDB warning beside it', async () => {
    const at = await breakCoverage(root);
    const io = capture({ GITHUB_ACTIONS: 'true' });
    expect(await run(['validate', ...common], io)).toBe(1);
    expect(io.stderr).toEqual([`${at}: error: syntax error: expected SELECT, found 'SELEC'`]);
    const [, line, column] = at.split(':');
    expect(io.stdout).toEqual([
      `::error file=sql/views/coverage.sql,line=${line},col=${column}::syntax error: expected SELECT, found 'SELEC'`,
    ]);
    expect(await run(['plan', ...common])).toBe(1);
  });

  it('apply on the local target: exits 1 and leaves the local store as it was, the other changes unwritten', async () => {
    expect(await run(['apply', '--auto-approve', ...common])).toBe(0);
    const before = await filesUnder(localDir);
    await changeARule(root);
    const at = await breakCoverage(root);
    const io = capture();
    expect(await run(['apply', '--auto-approve', ...common], io)).toBe(1);
    expect(io.stderr).toEqual([`${at}: error: syntax error: expected SELECT, found 'SELEC'`]);
    expect(io.stdout).toEqual([]);
    expect(await filesUnder(localDir)).toEqual(before);
  });

  describe('apply on the aws target (the fake AWS endpoint)', () => {
    let aws: FakeAws;
    let server: FakeAwsServer;
    const saved = { ...process.env };

    beforeEach(async () => {
      // QuickSight speaks REST, which the fake AWS endpoint does not serve: this repository has none.
      await rm(join(root, 'quicksight'), { recursive: true, force: true });
      const { repository } = await loadRepository(root, { today: TODAY });
      if (!repository) throw new Error('the scratch repository does not load');
      aws = new FakeAws({
        organizationId: repository.org.organizationId,
        accounts: repository.accounts
          .filter((a) => a.state === 'ACTIVE')
          .map((a) => ({ id: a.id, name: a.name, state: a.state, ouPath: a.ouPath, joined: a.joined })),
      });
      server = await serveFakeAws(aws);
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: server.url,
        AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake',
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      });
    });

    afterEach(async () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await server.close();
    });

    it('sends no write call, nor any other; with the view mended, the same apply reaches the fake', async () => {
      const args = ['apply', '--auto-approve', '--target', 'aws', '--root', root, '--today', TODAY];
      await changeARule(root);
      const at = await breakCoverage(root);
      const io = capture();
      expect(await run(args, io)).toBe(1);
      expect(io.stderr).toEqual([`${at}: error: syntax error: expected SELECT, found 'SELEC'`]);
      expect(aws.writeCalls()).toEqual([]);
      expect(aws.calls).toEqual([]);

      // The same run reaches the fake once the view is mended: it would have seen any call.
      await editFile(join(root, 'sql/views/coverage.sql'), (t) => t.replace(/^SELEC$/m, 'SELECT'));
      await run(args);
      expect(aws.calls.some((c) => c.service === 'organizations')).toBe(true);
    });
  });
});
