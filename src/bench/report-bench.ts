/**
 * Benchmark: `report` on the local target over a generated organization (default 200 accounts ×
 * 4 regions × 30 days), against two references measured in the same run, each in its own
 * process: only gunzipping the files the report reads (the floor), and gunzip + JSON.parse in
 * plain Node (a naive baseline). Prints wall time and peak memory, and the ratios.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { apply } from '../apply/apply.js';
import { writeSnapshots } from '../demo/snapshots.js';
import { syntheticOrganization } from '../demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../demo/workspace.js';
import { loadRepository } from '../load/index.js';
import { toIsoDate } from '../model/dates.js';
import { runPlan } from '../pipeline/plan.js';
import { createLocalTarget } from '../providers/local/target.js';

const run = promisify(execFile);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 200);
const REGIONS = Number(process.env.BENCH_REGIONS ?? 4);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);

interface Measured {
  mode: string;
  ms: number;
  maxRssMb: number;
  [k: string]: unknown;
}

async function measure(mode: string, localDir: string, root: string, today: string): Promise<Measured> {
  const worker = resolve(import.meta.dirname, 'report-worker.js');
  const { stdout } = await run(process.execPath, [worker, mode, localDir, root, today], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured;
}

async function main(): Promise<void> {
  const today = toIsoDate(new Date());
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-report-bench-'));
  const localDir = join(base, 'local');
  const root = join(base, 'repo');
  try {
    await mkdir(localDir, { recursive: true });
    const organization = syntheticOrganization({
      organizationId: 'o-a1b2c3d4e5',
      accounts: ACCOUNTS,
      ous: Math.max(8, Math.round(ACCOUNTS / 4)),
      seed: 2026,
      until: today,
    });
    await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
    await prepareDemoWorkspace({
      sourceRoot: resolve(import.meta.dirname, '../..'),
      root,
      organization,
      notYetListed: [],
      regions: REGIONS,
      today,
    });
    const loaded = await loadRepository(root, { today });
    if (!loaded.repository) throw new Error('the benchmark repository does not load');
    const repo = loaded.repository;
    const genStart = performance.now();
    const written = await writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days: DAYS,
      until: today,
      seed: 2026,
      s3Dir: join(localDir, 's3'),
    });
    const genMs = performance.now() - genStart;
    const target = createLocalTarget(repo.org, localDir, { today });
    const applied = await apply((await runPlan(repo, target, { today })).plan, target);
    if (!applied.ok) throw new Error('apply failed');

    // References first and last around the report, so drift on the shared machine shows.
    const gunzip = await measure('gunzip', localDir, root, today);
    const parse = await measure('parse', localDir, root, today);
    const report = await measure('report', localDir, root, today);
    const gunzip2 = await measure('gunzip', localDir, root, today);
    const floorMs = Math.min(gunzip.ms, gunzip2.ms);

    const rows: [string, string][] = [
      ['organization', `${ACCOUNTS} accounts × ${REGIONS} regions × ${DAYS} days`],
      [
        'snapshot files',
        `${written.files} (${(written.bytes / 1e6).toFixed(0)} MB gzip), generated in ${(genMs / 1000).toFixed(1)} s`,
      ],
      ['files the report reads', `${gunzip.files} (${(Number(gunzip.bytes) / 1e6).toFixed(0)} MB of JSON)`],
      ['report (DuckDB)', `${(report.ms / 1000).toFixed(2)} s, peak RSS ${report.maxRssMb.toFixed(0)} MB`],
      [
        'floor: gunzip only',
        `${(floorMs / 1000).toFixed(2)} s (runs: ${(gunzip.ms / 1000).toFixed(2)}, ${(gunzip2.ms / 1000).toFixed(2)}), peak RSS ${gunzip.maxRssMb.toFixed(0)} MB`,
      ],
      [
        'baseline: gunzip + JSON.parse',
        `${(parse.ms / 1000).toFixed(2)} s, peak RSS ${parse.maxRssMb.toFixed(0)} MB`,
      ],
      ['report / floor', (report.ms / floorMs).toFixed(2)],
      ['report / baseline', (report.ms / parse.ms).toFixed(2)],
      ['peak RSS report / baseline', (report.maxRssMb / parse.maxRssMb).toFixed(2)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('Report on the local target over generated Config snapshots');
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

await main();
