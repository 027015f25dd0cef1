import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { editFile, scratchRepo } from '../helpers/repo.js';

function lines(xs: string[]): string[] {
  return xs.join('\n').split('\n');
}

function capture(env: NodeJS.ProcessEnv = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, isTTY: false };
}

describe('org-compliance CLI', () => {
  let root: string;
  let localDir: string;
  let common: string[];

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    common = ['--root', root, '--local-dir', localDir, '--today', '2026-11-28'];
  });

  const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

  it('validate: 0 when valid, 1 with the error located; annotations in GitHub Actions', async () => {
    const ok = capture();
    expect(await run(['validate', ...common], ok)).toBe(0);
    expect(ok.stdout).toEqual([
      'Valid: 40 accounts, 68 rules in 3 regions, 20 views, 31 QuickSight definitions (14 data sets checked against their views).',
    ]);

    await editFile(join(root, 'config/org.yaml'), (t) =>
      t.replace('homeRegion: eu-west-1', 'homeRegion: eu-north-1'),
    );
    const bad = capture({ GITHUB_ACTIONS: 'true' });
    expect(await run(['validate', ...common], bad)).toBe(1);
    expect(bad.stderr[0]).toMatch(
      /^config\/org\.yaml:\d+:13: error: homeRegion: 'eu-north-1' is not in regions/,
    );
    expect(bad.stdout[0]).toMatch(
      /^::error file=config\/org\.yaml,line=\d+,col=13,title=homeRegion::'eu-north-1' is not in regions/,
    );
  });

  it('plan exits 2 with changes, apply needs --auto-approve when not interactive, then plan exits 0', async () => {
    expect(await run(['plan', ...common])).toBe(2);
    const refused = capture();
    expect(await run(['apply', ...common], refused)).toBe(1);
    expect(refused.stderr.at(-1)).toContain('pass --auto-approve');
    const applied = capture();
    expect(await run(['apply', '--auto-approve', ...common], applied)).toBe(0);
    expect(lines(applied.stdout).at(-1)).toBe(
      'Apply complete: 240 done, 0 failed, 0 skipped, 240 write call(s).',
    );
    const after = capture();
    expect(await run(['plan', ...common], after)).toBe(0);
    expect(after.stdout).toEqual(['No changes. 240 resource(s) up to date.']);
  });

  it('apply refuses while another apply holds the lock, writes nothing, and --force-unlock proceeds', async () => {
    const lockPath = join(localDir, 'apply.lock');
    const held = {
      id: 'other',
      holder: 'ci-runner pid 4242',
      acquired: '2026-11-28T09:00:00.000Z',
      expires: '2999-01-01T00:00:00.000Z',
    };
    await writeFile(lockPath, JSON.stringify(held));
    const refused = capture();
    expect(await run(['apply', '--auto-approve', ...common], refused)).toBe(1);
    expect(refused.stderr.at(-1)).toBe(
      `Another apply holds the lock (${lockPath}): ci-runner pid 4242, since 2026-11-28T09:00:00.000Z, until 2999-01-01T00:00:00.000Z. Wait for it to finish. If it was killed, the lock expires by itself at 2999-01-01T00:00:00.000Z; --force-unlock removes it now (only when no apply is running).`,
    );
    await expect(readFile(join(localDir, 'state.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toEqual(held);
    const forced = capture();
    expect(await run(['apply', '--auto-approve', '--force-unlock', ...common], forced)).toBe(0);
    expect(forced.stderr.some((l) => l.includes('removed the apply lock of ci-runner pid 4242'))).toBe(true);
    // Released after the apply.
    await expect(readFile(lockPath, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('plan --json prints the plan and the account comparison', async () => {
    const io = capture();
    expect(await run(['plan', '--json', ...common], io)).toBe(2);
    const parsed = JSON.parse(io.stdout.join('\n'));
    expect(parsed.summary).toEqual({ create: 240, update: 0, delete: 0, noop: 0 });
    expect(parsed.accounts.changed).toBe(false);
    expect(parsed.changes.slice(0, 3)).toMatchObject([
      { action: 'create', kind: 'glue-table', name: 'org_compliance.compacted_evaluations' },
      { action: 'create', kind: 'glue-table', name: 'org_compliance.compacted_files' },
      { action: 'create', kind: 'glue-table', name: 'org_compliance.config_snapshots' },
    ]);
  });

  it('plan exits 1 on a configuration error and prints it', async () => {
    await editFile(join(root, 'config/accounts.yaml'), (t) => t.replace(/id: '(\d{12})'/, 'id: $1'));
    const io = capture();
    expect(await run(['plan', ...common], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(
      /config\/accounts\.yaml:\d+:\d+: error: accounts\[0\]\.id: account id \d{12} is a number in YAML/,
    );
  });

  it('discover exits 2 and --write updates accounts.yaml; then it exits 0', async () => {
    const org = syntheticOrganization(DEMO_ORG);
    org.accounts.push({
      id: '004200420042',
      name: 'genomics-prod',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads/Prod',
      joined: '2026-11-27',
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(org));
    const io = capture();
    expect(await run(['discover', ...common], io)).toBe(2);
    expect(lines(io.stdout)[0]).toBe(
      '+ 004200420042 genomics-prod (/Root/Workloads/Prod, ACTIVE) joined 2026-11-27',
    );
    const before = await readFile(join(root, 'config/accounts.yaml'), 'utf8');
    expect(await run(['discover', '--write', ...common])).toBe(2);
    const after = await readFile(join(root, 'config/accounts.yaml'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(
      "  - id: '004200420042'\n    name: genomics-prod\n    state: ACTIVE\n    ou: /Root/Workloads/Prod\n    joined: '2026-11-27'\n",
    );
    expect(await run(['discover', ...common])).toBe(0);
  });

  it('apply refuses more deletions than --max-deletes and writes nothing', async () => {
    expect(await run(['apply', '--auto-approve', ...common])).toBe(0);
    await editFile(join(root, 'config/rules.yaml'), (t) =>
      t.replace(/ {2}- name: cost-eip-attached\n(?: {4}.*\n)+/, ''),
    );
    const state = await readFile(join(localDir, 'state.json'), 'utf8');
    const io = capture();
    expect(await run(['apply', '--auto-approve', '--max-deletes', '1', ...common], io)).toBe(1);
    expect(io.stderr.at(-1)).toContain('deletes 3 resources, more than the limit of 1 (--max-deletes)');
    expect(await readFile(join(localDir, 'state.json'), 'utf8')).toBe(state);
  });

  it('--help works for every command, and a bad option value is refused', async () => {
    for (const cmd of [[], ['validate'], ['discover'], ['plan'], ['apply'], ['demo']]) {
      const io = capture();
      expect(await run([...cmd, '--help'], io)).toBe(0);
      expect(io.stdout.join('\n')).toContain('Usage: org-compliance');
    }
    const io = capture();
    expect(await run(['plan', '--target', 'azure', ...common], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('Allowed choices are aws, local');
  });

  it('says clearly when the local organization is missing', async () => {
    const io = capture();
    expect(await run(['plan', '--root', root, '--local-dir', join(localDir, 'nowhere')], io)).toBe(1);
    expect(io.stderr.at(-1)).toContain(
      "org.json not found: the local target needs an Organization. Run 'org-compliance demo'",
    );
  });
});
