import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_ERROR, type Io, runCli } from '../../src/cli/program.js';
import { REPO_ROOT } from '../helpers/repo.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, isTTY: false };
  return { io, out, err };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'org-compliance-doctor-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], io: Io) =>
  runCli(['node', 'org-compliance', 'doctor', '--root', REPO_ROOT, ...args], io);

describe('org-compliance doctor (CLI)', () => {
  it('--target local on an empty directory fails on org.json, and exits 1', async () => {
    const { io, out } = capture();
    expect(await run(['--target', 'local', '--local-dir', dir], io)).toBe(EXIT_ERROR);
    expect(out.join('\n')).toBe(
      [
        'PASS  local engine    DuckDB and the SQL transpiler are installed',
        `FAIL  org.json        ${dir}/org.json not found: the local target needs an Organization. Run 'org-compliance demo' to generate one, or write it in the documented shape.`,
        "                      fix: run 'org-compliance demo' to make a local target with an organization and snapshots",
        'PASS  state.json      nothing deployed yet: apply deploys to it',
        'PASS  apply lock      free',
        'SKIP  snapshot files  skipped: needs org.json (failed)',
        'doctor (local, read mode): 3 passed, 0 warnings, 1 failed, 1 skipped',
      ].join('\n'),
    );
  });

  it('--json gives the same checks for machines', async () => {
    const { io, out } = capture();
    expect(await run(['--target', 'local', '--local-dir', dir, '--json', '--mode', 'write'], io)).toBe(
      EXIT_ERROR,
    );
    const json = JSON.parse(out.join('\n'));
    expect(json).toMatchObject({ target: 'local', mode: 'write', ok: false, exitCode: 1 });
    expect(json.checks.map((c: { id: string; status: string }) => `${c.id} ${c.status}`)).toEqual([
      'engine pass',
      'organization fail',
      'state pass',
      'lock pass',
      'snapshots skip',
    ]);
  });

  it('refuses a mode that is neither read nor write', async () => {
    const { io, err } = capture();
    expect(await run(['--target', 'aws', '--mode', 'admin'], io)).toBe(EXIT_ERROR);
    expect(err.join('\n')).toContain(
      "option '--mode <mode>' argument 'admin' is invalid. Allowed choices are read, write.",
    );
  });
});
