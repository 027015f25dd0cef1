/**
 * The start every action shares (src/actions/common.ts), run in this process: the repository is
 * loaded and refused before a target exists, so plan, apply, discover and report write nothing.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionInputError, prepare } from '../../src/actions/common.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { editFile, filesUnder, scratchRepo } from '../helpers/repo.js';

describe("the actions' prepare, on a repository with a view that cannot run", () => {
  let root: string;
  let localDir: string;
  let stdout: string[];
  const saved = { ...process.env };

  beforeEach(async () => {
    ({ root, localDir } = await scratchRepo());
    await mkdir(localDir, { recursive: true });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(syntheticOrganization(DEMO_ORG)));
    Object.assign(process.env, {
      INPUT_ROOT: root,
      INPUT_TARGET: 'local',
      'INPUT_LOCAL-DIR': localDir,
      INPUT_TODAY: '2026-11-28',
    });
    stdout = [];
    // @actions/core writes annotations and log lines to stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout.push(String(chunk));
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('fails with the error as an annotation at the file, line and column, before a target is built', async () => {
    await editFile(join(root, 'sql/views/trend.sql'), (t) => `${t.trimEnd()};\nDROP TABLE {{table}}\n`);
    const line = (await readFile(join(root, 'sql/views/trend.sql'), 'utf8')).trimEnd().split('\n').length;
    const before = await filesUnder(localDir);
    const failure = prepare('write');
    await expect(failure).rejects.toBeInstanceOf(ActionInputError);
    await expect(failure).rejects.toThrow(
      `1 configuration error(s) in the repository:\nsql/views/trend.sql:${line}:1: error: a second statement starts here, after ';'; a view file holds one query: SELECT, WITH … SELECT or VALUES, alone or combined by UNION, INTERSECT or EXCEPT, without ';'`,
    );
    expect(stdout.join('')).toContain(
      `::error title=org-compliance,file=sql/views/trend.sql,line=${line},col=1::a second statement starts here, after ';'`,
    );
    // The local target's store was not opened, let alone written.
    expect(await filesUnder(localDir)).toEqual(before);
  });
});
