/**
 * Conventions of the code base that a review would otherwise have to catch: functions short
 * enough to read, no `as never` escaping the types, and nothing generated or temporary in git
 * but the action bundles.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { longFunctions } from '../../scripts/function-lengths.mjs';
import { REPO_ROOT } from '../helpers/repo.js';

interface LongFunction {
  file: string;
  line: number;
  lines: number;
  name: string;
  excused: boolean;
}

describe('code base conventions', () => {
  it('no function in src/ is longer than 120 lines unless a comment right before it says why', () => {
    const found = (longFunctions(join(REPO_ROOT, 'src'), 120) as LongFunction[]).filter((f) => !f.excused);
    expect(found.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`)).toEqual([]);
  });

  it('finds a long function when there is one (the check itself works)', () => {
    const found = longFunctions(join(REPO_ROOT, 'src'), 40) as LongFunction[];
    expect(found.length).toBeGreaterThan(10);
    expect(found.every((f) => f.lines > 40)).toBe(true);
  });

  it('src/ has no `as never`', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(join(REPO_ROOT, 'src'), { recursive: true }).map(String)) {
      if (!file.endsWith('.ts')) continue;
      readFileSync(join(REPO_ROOT, 'src', file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\bas never\b/.test(line) && !/^\s*(\/\/|\*)/.test(line))
            offenders.push(`src/${file}:${i + 1}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('git holds no generated or temporary file except the committed action bundles', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const generated = files.filter(
      (f) =>
        /^(lib|node_modules|coverage|\.org-compliance|\.tmp)\//.test(f) ||
        /(^|\/)\.tmp\//.test(f) ||
        /\.(tmp|log|tsbuildinfo)$/.test(f) ||
        /duckdb_temp/.test(f) ||
        (/(^|\/)dist\//.test(f) && !/^actions\/[a-z]+\/dist\//.test(f)),
    );
    expect(generated).toEqual([]);
    expect(files.some((f) => /^actions\/plan\/dist\/index\.js$/.test(f))).toBe(true);
  });
});
