/**
 * `plan` on the command line measures the impact of a new exception on the local target: the
 * terminal text and `plan --json` carry it, and an exception matching nothing is a warning.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { toIsoDate } from '../../src/model/dates.js';
import { type GeneratedWorkspace, generatedWorkspace } from '../helpers/generated.js';

const TODAY = toIsoDate(new Date());

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

let made: GeneratedWorkspace;
let common: string[];
const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

beforeAll(async () => {
  made = await generatedWorkspace({ accounts: 5, ous: 2, regions: 2, days: 2, seed: 5, today: TODAY });
  await writeFile(join(made.localDir, 'org.json'), JSON.stringify(made.snapshots.organization));
  common = ['--root', made.root, '--local-dir', made.localDir, '--today', TODAY];
  const applied = capture();
  if ((await run(['apply', '--auto-approve', ...common], applied)) !== 0)
    throw new Error(applied.stdout.join('\n'));
}, 180_000);

describe('plan on the command line', () => {
  it('shows the impact of a new exception, in text and in --json, and warns about one that matches nothing', async () => {
    const file = join(made.root, 'config/exceptions.yaml');
    const text = await readFile(file, 'utf8');
    const entry = (id: string, extra: string) =>
      `  - id: ${id}\n    rules: ['security-*']\n${extra}    reason: Kept for the migration of the legacy platform.\n    owner: team-platform\n    expires: '2099-12-31'\n`;
    await writeFile(
      file,
      `${text.trimEnd()}\n${entry('all-security', '')}${entry('no-such-bucket', '    resourceId: bucket-that-is-not-there\n')}`,
    );
    const io = capture();
    expect(await run(['plan', ...common], io)).toBe(2);
    const out = io.stdout.join('\n').split('\n');
    expect(out).toContain('Impact on today’s data (the newest snapshots):');
    expect(out.find((l) => l.startsWith('  organization '))).toMatch(
      /^ {2}organization \d+\.\d% → \d+\.\d% \(/,
    );
    expect(out.find((l) => l.startsWith('  exception `all-security` (new) covers '))).toBeDefined();
    expect(out).toContain(
      "! exception 'no-such-bucket' matches no evaluation on the newest snapshots: it excludes nothing today (check its rules, accounts, resourceType, resourceId and tags, or whether an exception before it by id already covers what it names)",
    );

    const json = capture();
    expect(await run(['plan', '--json', ...common], json)).toBe(2);
    const plan = JSON.parse(json.stdout.join('\n'));
    expect(plan.impact.status).toBe('computed');
    expect(plan.impact.changes.exceptions).toEqual([
      { id: 'all-security', change: 'new' },
      { id: 'no-such-bucket', change: 'new' },
    ]);
    const covered = plan.impact.subjects.find((s: { name: string }) => s.name === 'all-security');
    expect(covered.after.evaluations).toBeGreaterThan(0);
    expect(plan.impact.scores.organization.after.excluded).toBeGreaterThan(
      plan.impact.scores.organization.before.excluded,
    );
  }, 180_000);
});
