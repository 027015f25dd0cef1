import { describe, expect, it } from 'vitest';
import { EXIT_ERROR, EXIT_OK, type Io, runCli } from '../../src/cli/program.js';
import { REPO_ROOT } from '../helpers/repo.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, isTTY: false };
  return { io, out, err };
}

const run = (args: string[], io: Io) =>
  runCli(['node', 'org-compliance', 'doctor', '--root', REPO_ROOT, ...args], io);

describe('org-compliance doctor (CLI)', () => {
  it('--target local says there is nothing to check, and exits 0', async () => {
    const { io, out } = capture();
    expect(await run(['--target', 'local'], io)).toBe(EXIT_OK);
    expect(out.join('\n')).toBe(
      [
        'SKIP  local target  nothing to check: it needs no credentials or services (demo and apply create its directory; validate checks the repository)',
        'doctor (local, read mode): 0 passed, 0 warnings, 0 failed, 1 skipped',
      ].join('\n'),
    );
  });

  it('--json gives the same checks for machines', async () => {
    const { io, out } = capture();
    expect(await run(['--target', 'local', '--json', '--mode', 'write'], io)).toBe(EXIT_OK);
    expect(JSON.parse(out.join('\n'))).toEqual({
      target: 'local',
      mode: 'write',
      ok: true,
      exitCode: 0,
      checks: [
        {
          id: 'local',
          title: 'local target',
          status: 'skip',
          detail:
            'nothing to check: it needs no credentials or services (demo and apply create its directory; validate checks the repository)',
        },
      ],
    });
  });

  it('refuses a mode that is neither read nor write', async () => {
    const { io, err } = capture();
    expect(await run(['--target', 'aws', '--mode', 'admin'], io)).toBe(EXIT_ERROR);
    expect(err.join('\n')).toContain(
      "option '--mode <mode>' argument 'admin' is invalid. Allowed choices are read, write.",
    );
  });
});
