import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { editFile, scratchRepo } from '../helpers/repo.js';

function capture(env: NodeJS.ProcessEnv = {}): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, isTTY: false };
}

describe('validate builds the views in DuckDB and checks the data sets against them', () => {
  let root: string;
  let common: string[];
  const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

  beforeEach(async () => {
    ({ root } = await scratchRepo());
    common = ['--root', root, '--today', '2026-11-28'];
  });

  it('the shipped repository: 20 views built, 14 data sets checked', async () => {
    const io = capture();
    expect(await run(['validate', ...common], io)).toBe(0);
    expect(io.stdout).toEqual([
      'Valid: 40 accounts, 68 rules in 3 regions, 20 views, 31 QuickSight definitions (14 data sets checked against their views).',
    ]);
  });

  it('a column renamed in a view fails the data set that still reads it, at its position, as an annotation too', async () => {
    await editFile(join(root, 'sql/views/rule_summary.sql'), (t) =>
      t.replace(
        'coalesce(c.accounts_non_compliant, 0) AS accounts_non_compliant,',
        'coalesce(c.accounts_non_compliant, 0) AS accounts_failing,',
      ),
    );
    const io = capture({ GITHUB_ACTIONS: 'true' });
    expect(await run(['validate', ...common], io)).toBe(1);
    const errors = io.stderr.filter((l) => l.includes(': error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^quicksight\/data-sets\/org-compliance-rule-summary\.json:34:\d+: error: PhysicalTableMap\.[\w-]+\.RelationalTable\.InputColumns\[5\]\.Name: view 'rule_summary' has no column 'accounts_non_compliant'; its columns: rule, category, compliant, non_compliant, excluded, accounts_failing, /,
    );
    expect(
      io.stdout.some((l) =>
        l.startsWith('::error file=quicksight/data-sets/org-compliance-rule-summary.json,line=34,'),
      ),
    ).toBe(true);
    expect(io.stdout.some((l) => l.startsWith('Valid:'))).toBe(false);
  });

  it('a view DuckDB cannot build is a warning naming the view file; Athena has the last word', async () => {
    await editFile(join(root, 'sql/views/rule_summary.sql'), (t) =>
      t.replace('coalesce(c.accounts_non_compliant, 0)', 'no_such_function(c.accounts_non_compliant)'),
    );
    const io = capture();
    const code = await run(['validate', ...common], io);
    const warning = io.stderr.find((l) => l.includes(': warning: '));
    expect(warning).toMatch(
      /^sql\/views\/rule_summary\.sql:1:1: warning: view rule_summary does not build in DuckDB/,
    );
    expect(warning).toContain('so the data sets reading it are not checked');
    expect(io.stderr.filter((l) => l.includes(': error: '))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.at(-1)).toBe(
      'Valid: 40 accounts, 68 rules in 3 regions, 19 views, 31 QuickSight definitions (14 data sets checked against their views).',
    );
  });
});
