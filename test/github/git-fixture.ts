/**
 * A real bare repository (what GitHub holds) and a clone of it (the runner's checkout), in a
 * temporary directory, plus a second clone for "someone else" pushing in between.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Git } from '../../src/github/git.js';

const run = promisify(execFile);

export interface Fixture {
  bare: string;
  runner: Git;
  /** `git <args>` against the bare repository; returns trimmed stdout. */
  inBare(args: string[]): Promise<string>;
  /** Commits `files` as a person on `branch` (from its tip, or from main) and pushes it. */
  pushAsPerson(branch: string, files: Record<string, string>, message: string): Promise<string>;
  /** `git log --format='%s|%an|%ae' <range>` in the bare repository, newest first. */
  log(range: string): Promise<string[]>;
  /** The commit a branch of the bare repository points to; undefined when absent. */
  branchSha(branch: string): Promise<string | undefined>;
  /** A file's text on a branch of the bare repository. */
  show(branch: string, path: string): Promise<string>;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  return stdout.trim();
}

const PERSON = [
  '-c',
  'user.name=A Person',
  '-c',
  'user.email=person@example.com',
  '-c',
  'commit.gpgsign=false',
];

async function writeAll(dir: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

export async function createFixture(initial: Record<string, string>): Promise<Fixture> {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-git-'));
  const bare = join(base, 'origin.git');
  await git(base, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  const person = join(base, 'person');
  await git(base, ['clone', '--quiet', bare, person]);
  await git(person, ['checkout', '--quiet', '-B', 'main']);
  await writeAll(person, initial);
  await git(person, ['add', '-A']);
  await git(person, [...PERSON, 'commit', '--quiet', '-m', 'Initial configuration']);
  await git(person, ['push', '--quiet', 'origin', 'main']);
  const runner = await Git.clone(bare, join(base, 'runner'));

  const inBare = (args: string[]) => git(bare, args);
  return {
    bare,
    runner,
    inBare,
    async pushAsPerson(branch, files, message) {
      await git(person, ['fetch', '--quiet', 'origin']);
      const exists = (await git(bare, ['branch', '--list', branch])) !== '';
      await git(person, [
        'checkout',
        '--quiet',
        '--force',
        '-B',
        branch,
        exists ? `origin/${branch}` : 'origin/main',
      ]);
      await writeAll(person, files);
      await git(person, ['add', '-A']);
      await git(person, [...PERSON, 'commit', '--quiet', '-m', message]);
      await git(person, ['push', '--quiet', '--force', 'origin', `HEAD:refs/heads/${branch}`]);
      return git(person, ['rev-parse', 'HEAD']);
    },
    async log(range) {
      const out = await inBare(['log', '--format=%s|%an|%ae', range]);
      return out ? out.split('\n') : [];
    },
    async branchSha(branch) {
      try {
        return await inBare(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
      } catch {
        return undefined;
      }
    },
    show(branch, path) {
      return inBare(['show', `${branch}:${path}`]);
    },
  };
}
