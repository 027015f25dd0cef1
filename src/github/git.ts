/**
 * Plain git for the pull-request flow: fetch the base, start a fixed branch from it, write files,
 * commit as the bot, push with --force-with-lease. Runs the git binary in a working copy (the
 * runner's checkout, or a clone in tests); nothing here talks to the GitHub API.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';

/** Who commits. The default is the identity GitHub shows for GITHUB_TOKEN's own commits. */
export interface GitIdentity {
  name: string;
  email: string;
}

export const BOT_IDENTITY: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(message);
  }
}

interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A branch or ref name this module passes to git: no leading '-', no spaces, no `..`. */
export function checkRefName(name: string, what = 'branch'): string {
  if (!/^[A-Za-z0-9._/-]+$/.test(name) || name.startsWith('-') || name.includes('..') || name.endsWith('/')) {
    throw new Error(`The ${what} name '${name}' is not one this tool accepts (letters, digits, . _ / -)`);
  }
  return name;
}

/** A repository-relative path: no absolute paths, nothing outside the working copy. */
export function checkRelativePath(path: string): string {
  const n = normalize(path);
  if (!path || isAbsolute(path) || n === '..' || n.startsWith(`..${sep}`) || n.startsWith('-')) {
    throw new Error(`'${path}' is not a path inside the repository`);
  }
  return n.split(sep).join('/');
}

export class Git {
  constructor(
    readonly dir: string,
    private readonly options: { remote?: string; env?: NodeJS.ProcessEnv } = {},
  ) {}

  get remote(): string {
    return this.options.remote ?? 'origin';
  }

  /** Clones `url` into `dir` (used by tests and by callers without a checkout). */
  static async clone(url: string, dir: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<Git> {
    const result = await exec(['clone', '--quiet', '--', url, dir], process.cwd(), options.env);
    if (result.code !== 0) throw new GitError(`git clone failed: ${result.stderr.trim()}`, [], result.stderr);
    return new Git(dir, options);
  }

  async run(args: string[]): Promise<string> {
    const result = await this.tryRun(args);
    if (result.code !== 0) {
      throw new GitError(
        `git ${args[0]} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
        args,
        result.stderr,
      );
    }
    return result.stdout;
  }

  tryRun(args: string[]): Promise<RunResult> {
    return exec(args, this.dir, this.options.env);
  }

  /** Fetches `branch` into refs/remotes/<remote>/<branch>; false when the remote has no such branch. */
  async fetchBranch(branch: string): Promise<boolean> {
    checkRefName(branch);
    const result = await this.tryRun([
      'fetch',
      '--quiet',
      '--no-tags',
      this.remote,
      `+refs/heads/${branch}:refs/remotes/${this.remote}/${branch}`,
    ]);
    if (result.code === 0) return true;
    if (/couldn't find remote ref|no such ref|not our ref/i.test(result.stderr)) return false;
    throw new GitError(`git fetch of '${branch}' failed: ${result.stderr.trim()}`, [], result.stderr);
  }

  /** The commit `branch` points to on the remote, asked of the remote itself; undefined when absent. */
  async remoteBranchSha(branch: string): Promise<string | undefined> {
    checkRefName(branch);
    const out = await this.run(['ls-remote', '--heads', this.remote, `refs/heads/${branch}`]);
    const line = out.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
    return line?.split('\t')[0] || undefined;
  }

  /**
   * `git checkout -B <branch> <startPoint>`, discarding changes to tracked files in the working
   * copy (the caller passes the content it wants as files). Untracked files stay.
   */
  async checkoutFresh(branch: string, startPoint: string): Promise<void> {
    checkRefName(branch);
    checkRefName(startPoint, 'start point');
    await this.run(['checkout', '--quiet', '--force', '-B', branch, startPoint]);
  }

  async writeFiles(files: Record<string, string>): Promise<string[]> {
    const paths: string[] = [];
    for (const [path, text] of Object.entries(files)) {
      const rel = checkRelativePath(path);
      const abs = join(this.dir, rel);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, text);
      paths.push(rel);
    }
    return paths;
  }

  async stage(paths: string[]): Promise<void> {
    if (paths.length) await this.run(['add', '--', ...paths]);
  }

  /** True when the index differs from HEAD. */
  async hasStagedChanges(): Promise<boolean> {
    const result = await this.tryRun(['diff', '--cached', '--quiet']);
    if (result.code > 1) throw new GitError(`git diff failed: ${result.stderr.trim()}`, [], result.stderr);
    return result.code === 1;
  }

  /** Commits the index as `identity` (author and committer), skipping hooks and signing. */
  async commit(message: string, identity: GitIdentity = BOT_IDENTITY): Promise<string> {
    await this.run([
      '-c',
      `user.name=${identity.name}`,
      '-c',
      `user.email=${identity.email}`,
      '-c',
      'commit.gpgsign=false',
      'commit',
      '--quiet',
      '--no-verify',
      '--author',
      `${identity.name} <${identity.email}>`,
      '-m',
      message,
    ]);
    return this.revParse('HEAD');
  }

  async revParse(ref: string): Promise<string> {
    return (await this.run(['rev-parse', '--verify', '--quiet', ref])).trim();
  }

  async tryRevParse(ref: string): Promise<string | undefined> {
    const result = await this.tryRun(['rev-parse', '--verify', '--quiet', ref]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  /** A file's text at a revision; undefined when the file is not there. */
  async showFile(ref: string, path: string): Promise<string | undefined> {
    checkRefName(ref, 'revision');
    const result = await this.tryRun(['show', `${ref}:${checkRelativePath(path)}`]);
    return result.code === 0 ? result.stdout : undefined;
  }

  /** Paths that differ between two commits. */
  async changedPaths(from: string, to: string): Promise<string[]> {
    const out = await this.run(['diff', '--name-only', '--no-renames', from, to, '--']);
    return out.split('\n').filter(Boolean).sort();
  }

  /**
   * Pushes HEAD to `branch` only if the remote branch is still where we saw it (`expected`;
   * undefined means it must not exist yet), so a concurrent change is never overwritten.
   */
  async pushWithLease(branch: string, expected: string | undefined): Promise<void> {
    checkRefName(branch);
    await this.run([
      'push',
      '--quiet',
      `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
      this.remote,
      `HEAD:refs/heads/${branch}`,
    ]);
  }

  /** Deletes the remote branch if it is still at `expected`. */
  async deleteRemoteBranch(branch: string, expected: string): Promise<void> {
    checkRefName(branch);
    await this.run([
      'push',
      '--quiet',
      `--force-with-lease=refs/heads/${branch}:${expected}`,
      this.remote,
      `:refs/heads/${branch}`,
    ]);
  }
}

function exec(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(
      'git',
      args,
      {
        cwd,
        env: { ...process.env, ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 128) : 0;
        resolvePromise({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
  });
}

/**
 * The top level of the working copy that holds `dir`, and `dir`'s path inside it ('' at the top).
 * `env` goes with every git command run through it (credentials for fetch and push).
 */
export async function workingCopyOf(
  dir: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ git: Git; prefix: string }> {
  const found = await tryWorkingCopyOf(dir, env);
  if (!found) throw new GitError(`${dir} is not inside a git working copy`, [], '');
  return found;
}

/** As workingCopyOf, but undefined when `dir` is not in a working copy (or git is missing). */
export async function tryWorkingCopyOf(
  dir: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ git: Git; prefix: string } | undefined> {
  const top = await exec(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0) return undefined;
  const prefix = await exec(['rev-parse', '--show-prefix'], dir);
  return { git: new Git(top.stdout.trim(), env ? { env } : {}), prefix: prefix.stdout.trim() };
}

/**
 * Environment that lets git fetch from and push to `serverUrl` with `token`, for the commands run
 * with it only: the header lives in GIT_CONFIG_* variables (git 2.31+), never in .git/config, so
 * the token is gone when the step ends (actions/checkout with persist-credentials: false).
 */
export function gitAuthEnv(token: string, serverUrl = 'https://github.com'): NodeJS.ProcessEnv {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${serverUrl.replace(/\/?$/, '/')}.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
