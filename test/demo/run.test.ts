/**
 * The demo as the README describes it: validate, discover --write, apply, a plan after apply that
 * must be clean, then the report printed under its title; exit 1 when the plan after apply is not
 * clean.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { runDemo } from '../../src/demo/run.js';
import { toIsoDate } from '../../src/model/dates.js';
import { REPO_ROOT } from '../helpers/repo.js';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

const SMALL = { accounts: 6, regions: 1, days: 3, seed: 7 };

describe('org-compliance demo', () => {
  it('runs the steps in order, the plan after apply is clean, and the report is printed under == report ==', async () => {
    const localDir = join(await mkdtemp(join(tmpdir(), 'org-compliance-demo-')), 'local');
    const io = capture();
    const args = ['--root', REPO_ROOT, '--local-dir', localDir];
    for (const [k, v] of Object.entries(SMALL)) args.push(`--${k}`, String(v));
    expect(await runCli(['node', 'org-compliance', 'demo', ...args], io)).toBe(0);
    const out = io.stdout.join('\n').split('\n');
    const titles = out.filter((l) => l.startsWith('== '));
    expect(titles.slice(0, 6)).toEqual([
      '== validate ==',
      '== discover --write (a new account joined yesterday) ==',
      '== apply ==',
      '== plan again (after apply it must be clean) ==',
      '== report ==',
      '== dashboard (deployed by apply from quicksight/, rendered with the data in DuckDB) ==',
    ]);
    const plan = out.indexOf('== plan again (after apply it must be clean) ==');
    expect(out[plan + 1]).toMatch(/^No changes\. \d+ resource\(s\) up to date\.$/);
    // Under the report's title: the report itself, as report.md holds it.
    const report = out.indexOf('== report ==');
    const dashboard = out.indexOf(titles[5] as string);
    const md = await readFile(join(localDir, 'report.md'), 'utf8');
    expect(out[report + 1]).toBe(`## Compliance report, ${toIsoDate(new Date())}`);
    expect(out.slice(report + 1, dashboard - 1).join('\n')).toBe(md.trimEnd());
    expect(md).toContain('### By OU');
    expect(out.at(-2)).toMatch(/^Demo complete in \d+\.\d s\. Reports: /);
  }, 300_000);

  it('exits 1 and says so when the plan after apply is not clean; no report is written', async () => {
    const localDir = join(await mkdtemp(join(tmpdir(), 'org-compliance-demo-')), 'local');
    const io = capture();
    const ran: string[] = [];
    // apply that left work undone: the plan after it finds changes (exit 2).
    const command = async (argv: string[]) => {
      ran.push(argv[0] as string);
      return argv[0] === 'plan' ? 2 : runCli(['node', 'org-compliance', ...argv], io);
    };
    expect(await runDemo({ ...SMALL, root: REPO_ROOT, localDir }, io, command)).toBe(1);
    expect(ran).toEqual(['validate', 'discover', 'apply', 'plan']);
    expect(io.stderr.at(-1)).toBe(
      'Demo stopped: the plan after apply is not clean; apply left the changes above undone.',
    );
    expect(io.stdout).not.toContain('== report ==');
    await expect(readFile(join(localDir, 'report.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  }, 300_000);
});
