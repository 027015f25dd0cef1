import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Process groups of every server still running, ended on exit, SIGINT and SIGTERM. */
const running = new Set<number>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function endAll(): void {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', endAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      endAll();
      // When nobody else handles the signal, keep its default meaning: end this process.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/** The last `n` lines of a log file ('' when there is none). */
export function tailLog(log: string | undefined, n = 20): string {
  if (!log || !existsSync(log)) return '';
  const lines = readFileSync(log, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-n).join('\n');
}

export interface Server {
  pid: number;
  /** Ends the process group: SIGTERM, then SIGKILL after 10 s; resolves once the server exited. */
  kill(): Promise<void>;
  /** Resolves with the exit code (null when ended by a signal). */
  exited: Promise<number | null>;
}

/** Spawns a server in its own process group; kill() ends the group; also ended on process exit/SIGINT/SIGTERM. */
export function spawnServer(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; log: string /* file for stdout+stderr */ },
): Server {
  installHooks();
  mkdirSync(dirname(opts.log), { recursive: true });
  const fd = openSync(opts.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cmd} ${args.join(' ')} (see ${opts.log})`);
  running.add(pid);
  let done = false;
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code) => {
      done = true;
      resolveExit(code);
    });
    child.on('error', () => {
      done = true;
      resolveExit(null);
    });
  });
  // Children of the server in the same group may outlive the leader: end the group whatever happens.
  void exited.then(() => {
    killGroup(pid, 'SIGKILL');
    running.delete(pid);
  });
  child.unref();
  return {
    pid,
    exited,
    async kill(): Promise<void> {
      if (!done) {
        killGroup(pid, 'SIGTERM');
        const timer = sleep(10_000).then(() => 'timeout' as const);
        if ((await Promise.race([exited, timer])) === 'timeout') killGroup(pid, 'SIGKILL');
        await exited;
      }
      killGroup(pid, 'SIGKILL');
      running.delete(pid);
    },
  };
}

/**
 * Polls `check` (a throw counts as "not yet") until it returns true. On timeout throws an error
 * naming `what`, how long it waited, the last error seen, and the last 20 lines of `log`.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; log?: string },
): Promise<void> {
  const started = Date.now();
  const interval = opts.intervalMs ?? 250;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - started >= opts.timeoutMs) break;
    await sleep(interval);
  }
  const seconds = (opts.timeoutMs / 1000).toFixed(opts.timeoutMs < 10_000 ? 1 : 0);
  const parts = [`timed out after ${seconds} s waiting for ${what}`];
  if (lastError !== undefined) {
    parts.push(`last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }
  const tail = tailLog(opts.log);
  if (opts.log) parts.push(tail ? `last lines of ${opts.log}:\n${tail}` : `${opts.log} is empty`);
  throw new Error(parts.join('\n'));
}
