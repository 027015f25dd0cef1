/**
 * Benchmark: the committed action bundles as a runner starts them. Each action directory
 * (action.yml + dist/) is copied alone into an empty temporary directory with no node_modules above
 * it, and `node dist/index.js` is started RUNS times; the figure is the median time from the spawn
 * to the first line on stdout (the action's own first line, printed before it reads an input).
 * The floor, measured in the same run, is the fastest plain way to get a line out of a new Node.js
 * process: `node -e "console.log(1)"`; `node -e 0` (start and exit) is shown beside it. The size
 * of each dist/ (every file) is checked against the 3 MB budget.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const ACTIONS = ['plan', 'apply', 'discover', 'report'] as const;
const BUDGET_BYTES = 3_000_000;
const BUDGET_MS = 400;

/** Milliseconds from spawn to the first stdout line (or to exit when `untilExit`). */
function timeOnce(args: string[], cwd: string, untilExit: boolean): Promise<number> {
  return new Promise((resolveTime, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(process.execPath, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      // Nothing that could reach AWS or GitHub: the child is stopped after its first line anyway.
      env: {
        PATH: process.env.PATH,
        INPUT_ROOT: cwd,
        INPUT_TARGET: 'aws',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let done = false;
    child.on('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (done || untilExit || !chunk.includes(10)) return;
      done = true;
      resolveTime(elapsed());
      child.kill('SIGKILL');
    });
    child.on('exit', () => {
      if (done) return;
      done = true;
      if (untilExit) resolveTime(elapsed());
      else reject(new Error(`node ${args.join(' ')} exited without printing a line`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function main(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const scratch = await mkdtemp(join(tmpdir(), 'startup-bench-'));
  try {
    // Interleaved rounds, so a burst of load on the shared machine hits every subject alike.
    const subjects: { name: string; args: string[]; cwd: string; untilExit: boolean }[] = [
      { name: 'node -e 0 (start and exit)', args: ['-e', '0'], cwd: scratch, untilExit: true },
      {
        name: 'node -e "console.log(1)" (floor)',
        args: ['-e', 'console.log(1)'],
        cwd: scratch,
        untilExit: false,
      },
    ];
    const sizes = new Map<string, number>();
    for (const action of ACTIONS) {
      const dir = join(scratch, action, action);
      await cp(join(root, 'actions', action), dir, { recursive: true });
      sizes.set(action, await sizeOf(join(dir, 'dist')));
      subjects.push({ name: `actions/${action}`, args: ['dist/index.js'], cwd: dir, untilExit: false });
    }
    const times = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
    for (const s of subjects) await timeOnce(s.args, s.cwd, s.untilExit); // warm the file cache
    for (let round = 0; round < RUNS; round++) {
      for (const s of subjects) times.get(s.name)?.push(await timeOnce(s.args, s.cwd, s.untilExit));
    }
    const floor = median(times.get(subjects[1]?.name ?? '') ?? []);
    console.log(`Action start-up from a copy without node_modules, median of ${RUNS} (${process.version}):`);
    console.log('| subject | dist/ size | to first line | × floor |');
    console.log('|---|---|---|---|');
    let over = 0;
    for (const s of subjects) {
      const ms = median(times.get(s.name) ?? []);
      const action = s.name.startsWith('actions/') ? s.name.slice('actions/'.length) : undefined;
      const bytes = action ? sizes.get(action) : undefined;
      if (action && ((bytes ?? 0) > BUDGET_BYTES || ms > BUDGET_MS)) over++;
      console.log(
        `| ${s.name} | ${bytes !== undefined ? `${(bytes / 1e6).toFixed(2)} MB` : ''} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(1)} |`,
      );
    }
    console.log(`Budgets: each dist/ at most ${BUDGET_BYTES / 1e6} MB, first line within ${BUDGET_MS} ms.`);
    if (over) console.log(`OVER BUDGET: ${over} action(s) on this machine`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
