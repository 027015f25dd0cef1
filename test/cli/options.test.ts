/**
 * What the command line takes and refuses before any command runs: each command's own options
 * (no option that does nothing there), --version, an unknown command, and a directory that is no
 * repository.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { VERSION } from '../../src/version.js';
import { REPO_ROOT } from '../helpers/repo.js';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

const run = (args: string[], io = capture()) => runCli(['node', 'org-compliance', ...args], io);

const COMMANDS = [
  'validate',
  'discover',
  'plan',
  'apply',
  'export-quicksight',
  'compact',
  'report',
  'demo',
  'doctor',
];

/** The long options a command's --help lists. */
async function optionsOf(command: string): Promise<string[]> {
  const io = capture();
  expect(await run([command, '--help'], io)).toBe(0);
  return [...io.stdout.join('\n').matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1] as string);
}

describe('each command takes only the options it uses', () => {
  it('--strict and --base belong to validate, plan and apply; the common options to every command but demo', async () => {
    const has = async (command: string) => {
      const options = await optionsOf(command);
      return ['--strict', '--base', '--target', '--local-dir', '--root'].filter((o) => options.includes(o));
    };
    for (const command of ['validate', 'plan', 'apply']) {
      expect([command, await has(command)]).toEqual([
        command,
        ['--strict', '--base', '--target', '--local-dir', '--root'],
      ]);
    }
    for (const command of ['discover', 'report', 'export-quicksight', 'compact', 'doctor']) {
      expect([command, await has(command)]).toEqual([command, ['--target', '--local-dir', '--root']]);
    }
    expect(await has('demo')).toEqual(['--local-dir', '--root']);
  });

  it.each([
    ['report', '--strict', []],
    ['report', '--base', ['HEAD~1']],
    ['discover', '--strict', []],
    ['discover', '--base', ['main']],
    ['export-quicksight', '--strict', ['--analysis', 'x']],
    ['export-quicksight', '--base', ['main', '--analysis', 'x']],
  ])(
    '%s refuses %s before reading anything: exit 1, the error names the option',
    async (command, option, rest) => {
      const io = capture();
      expect(await run([command, option, ...rest, '--root', REPO_ROOT], io)).toBe(1);
      expect(io.stderr.join('\n').split('\n')[0]).toBe(`error: unknown option '${option}'`);
      expect(io.stdout).toEqual([]);
    },
  );
});

describe('the program', () => {
  it('--version and -V print the version, which is package.json’s', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    for (const flag of ['--version', '-V']) {
      const io = capture();
      expect(await run([flag], io)).toBe(0);
      expect(io.stdout).toEqual([VERSION]);
      expect(io.stderr).toEqual([]);
    }
  });

  it('an unknown command is an error listing the commands (exit 1), not the whole help', async () => {
    const io = capture();
    expect(await run(['reprot'], io)).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n').split('\n')).toEqual([
      "error: unknown command 'reprot'",
      '(Did you mean report?)',
      `Commands: ${COMMANDS.join(', ')}. 'org-compliance <command> --help' says what one does.`,
    ]);
  });

  it('a command after its own error still shows its help', async () => {
    const io = capture();
    expect(await run(['report', '--format', 'pdf', '--root', REPO_ROOT], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('Usage: org-compliance report [options]');
  });
});

describe('outside a repository', () => {
  it.each([['validate'], ['plan'], ['report'], ['discover'], ['compact'], ['doctor'], ['demo']])(
    '%s says once to pass --root, and exits 1',
    async (command) => {
      const empty = await mkdtemp(join(tmpdir(), 'org-compliance-no-repo-'));
      const io = capture();
      expect(await run([command, '--root', empty, '--local-dir', join(empty, 'local')], io)).toBe(1);
      expect(io.stderr).toEqual([
        `No config/ directory in ${empty}: run org-compliance in the repository (the directory holding config/ and sql/), or pass --root <dir>.`,
      ]);
      expect(io.stdout).toEqual([]);
    },
  );
});
