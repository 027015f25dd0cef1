/**
 * Benchmark: `apply` + `report` on a fresh local target over generated organizations (default
 * 50, 100 and 200 accounts × 4 regions × 30 days), as issue 13 defines it, then a second `report`
 * on the same target, and the next morning's nightly run (one more day of snapshot files, then
 * `compact` + `report`), against two references over exactly the files the report reads: only
 * gunzipping them (the floor) and a plain synchronous loop of readFileSync + gunzipSync +
 * JSON.parse (the baseline). Every measurement runs in its own process (report-worker.ts), so its
 * peak memory is its own. Prints each size's figures, one Markdown table, and how peak memory
 * grows with the organization against linear growth.
 *
 * BENCH_ACCOUNTS (a number or a comma-separated list), BENCH_REGIONS and BENCH_DAYS change the sizes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { writeSnapshots } from '../demo/snapshots.js';
import { syntheticOrganization } from '../demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../demo/workspace.js';
import { projectionOf, selectFiles } from '../engines/duckdb/partitions.js';
import { loadRepository } from '../load/index.js';
import type { OrgConfig } from '../model/config.js';
import { addDays, toIsoDate } from '../model/dates.js';
import { LocalStore } from '../providers/local/store.js';
import {
  applyAndReport,
  baselineMs,
  growth,
  type ProcessFigure,
  renderSizeTable,
  type SizeResult,
} from './report-table.js';

const run = promisify(execFile);

function counts(name: string, fallback: string): number[] {
  const text = process.env[name] ?? fallback;
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(
      `${name} must be a positive whole number or a comma-separated list of them, got '${text}'`,
    );
  }
  return values;
}

const SIZES = counts('BENCH_ACCOUNTS', '50,100,200');
const [REGIONS = 4] = counts('BENCH_REGIONS', '4');
const [DAYS = 30] = counts('BENCH_DAYS', '30');

interface WorkerOutput extends ProcessFigure {
  mode: string;
  [k: string]: unknown;
}

type Mode = 'apply' | 'report' | 'nightly' | 'gunzip' | 'parse';

interface Fixture {
  localDir: string;
  root: string;
  today: string;
  /** A JSON file listing the files the report reads (written once the table is deployed). */
  fileList: string;
}

async function measure(mode: Mode, f: Fixture): Promise<WorkerOutput> {
  const worker = resolve(import.meta.dirname, 'report-worker.js');
  const before = loadavg()[0] ?? 0;
  const { stdout } = await run(process.execPath, [worker, mode, f.localDir, f.root, f.today, f.fileList], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    mode: string;
    ms: number;
    maxRssMb: number;
  };
  return { ...out, load: [before, loadavg()[0] ?? 0] };
}

/** A fresh local target: org.json, the workspace's configuration and the snapshot files; nothing applied. */
interface Generated {
  localDir: string;
  root: string;
  org: OrgConfig;
  files: number;
  bytes: number;
  ms: number;
  /** Writes the snapshot files of one more day (the day after the last), as Config delivers it. */
  nextDay(day: string): Promise<void>;
}

async function generate(base: string, accounts: number, today: string): Promise<Generated> {
  const localDir = join(base, 'local');
  const root = join(base, 'repo');
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts,
    ous: Math.max(8, Math.round(accounts / 4)),
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
  const started = performance.now();
  const write = (days: number, until: string) =>
    writeSnapshots({
      org: repo.org,
      organization,
      rules: repo.rules,
      days,
      until,
      seed: 2026,
      s3Dir: join(localDir, 's3'),
    });
  const written = await write(DAYS, today);
  return {
    localDir,
    root,
    org: repo.org,
    files: written.files,
    bytes: written.bytes,
    ms: performance.now() - started,
    nextDay: async (day) => {
      await write(1, day);
    },
  };
}

/** The snapshot files the deployed table's projection admits: what DuckDbEngine.open reads. */
async function admittedFiles(org: OrgConfig, localDir: string, today: string): Promise<string[]> {
  const state = await new LocalStore(localDir).load();
  const table = state.glueTables[org.glue.region]?.[`${org.glue.database}.${org.glue.table}`];
  if (!table) throw new Error('apply deployed no snapshot table');
  const projection = projectionOf(table, today);
  const bucketDir = join(localDir, 's3', projection.bucket);
  const entries = await readdir(bucketDir, { recursive: true, withFileTypes: true });
  const keys = entries
    .filter((e) => e.isFile())
    .map((e) => relative(bucketDir, join(e.parentPath, e.name)).split(sep).join('/'));
  return selectFiles(keys, projection).map((f) => join(bucketDir, f.key));
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (n: number): string => `${Math.round(n).toLocaleString('en-US')} MB`;
const load = (p: ProcessFigure): string => `load ${p.load[0].toFixed(1)}→${p.load[1].toFixed(1)}`;
const figure = (p: ProcessFigure): string => `${s(p.ms)}, peak RSS ${mb(p.maxRssMb)} (${load(p)})`;

async function measureSize(accounts: number, today: string): Promise<SizeResult> {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-report-bench-'));
  try {
    const made = await generate(base, accounts, today);
    const f: Fixture = {
      localDir: made.localDir,
      root: made.root,
      today,
      fileList: join(base, 'files.json'),
    };
    // apply first: the target is fresh. Then the references (the deployed table's projection
    // says which files the report reads), the second report, and the baseline again, so drift on
    // the shared machine shows.
    const apply = await measure('apply', f);
    const report = await measure('report', f);
    await writeFile(f.fileList, JSON.stringify(await admittedFiles(made.org, made.localDir, today)));
    const gunzip = await measure('gunzip', f);
    const parse = await measure('parse', f);
    const secondReport = await measure('report', f);
    const parse2 = await measure('parse', f);
    // The next morning: one more day delivered; the nightly job compacts and reports.
    const tomorrow = addDays(today, 1);
    await made.nextDay(tomorrow);
    const next: Fixture = { ...f, today: tomorrow, fileList: join(base, 'files-next.json') };
    const nightlyFiles = await admittedFiles(made.org, made.localDir, tomorrow);
    await writeFile(next.fileList, JSON.stringify(nightlyFiles));
    const nightly = await measure('nightly', next);
    const nightlyBaseline = await measure('parse', next);
    const result: SizeResult = {
      accounts,
      regions: REGIONS,
      days: DAYS,
      files: Number(gunzip.files),
      gzipBytes: Number(gunzip.gzipBytes),
      jsonBytes: Number(gunzip.jsonBytes),
      gunzip,
      parse: [parse, parse2],
      apply,
      report,
      secondReport,
      nightly: { run: nightly, baseline: nightlyBaseline, files: nightlyFiles.length },
    };
    const both = applyAndReport(result);
    const baseline = baselineMs(result);
    const rows: [string, string][] = [
      [
        'snapshot files',
        `${made.files} (${(made.bytes / 1e6).toFixed(0)} MB gzip), generated in ${s(made.ms)}`,
      ],
      [
        'files the report reads',
        `${result.files} (${(result.gzipBytes / 1e6).toFixed(0)} MB gzip, ${(result.jsonBytes / 1e6).toFixed(0)} MB of JSON)`,
      ],
      ['apply (fresh target)', figure(apply)],
      ['report', figure(report)],
      ['apply + report', `${s(both.ms)}, peak RSS ${mb(both.maxRssMb)}`],
      ['second report (same target)', figure(secondReport)],
      ['floor: gunzip only', figure(gunzip)],
      [
        'baseline: read + gunzip + JSON.parse',
        `${s(baseline)} (runs: ${s(parse.ms)} ${load(parse)}, ${s(parse2.ms)} ${load(parse2)}), peak RSS ${mb(Math.max(parse.maxRssMb, parse2.maxRssMb))}`,
      ],
      ['apply + report / baseline', (both.ms / baseline).toFixed(2)],
      ['second report / baseline', (secondReport.ms / baseline).toFixed(2)],
      [
        `next morning (${tomorrow}): compact + report`,
        `${figure(nightly)}, ${Number(nightly.compactedDays)} day(s) compacted; baseline over the ${nightlyFiles.length} files of that day's report ${figure(nightlyBaseline)}`,
      ],
      ['next morning / its baseline', (nightly.ms / nightlyBaseline.ms).toFixed(2)],
      ['report / floor', (report.ms / gunzip.ms).toFixed(2)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${accounts} accounts × ${REGIONS} regions × ${DAYS} days`);
    for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
    return result;
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const today = toIsoDate(new Date());
  console.log('apply + report on the local target over generated Config snapshots');
  const results: SizeResult[] = [];
  for (const accounts of SIZES) results.push(await measureSize(accounts, today));
  console.log(`\n${renderSizeTable(results)}\n`);
  const g = growth(results);
  if (g) {
    const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)];
    console.log(
      `Peak RSS growth ${small} → ${large} accounts: apply + report ${g.applyReportRss.toFixed(2)}×, second report ${g.secondReportRss.toFixed(2)}× (linear: ${g.linear.toFixed(2)}×); time: apply + report ${g.applyReportTime.toFixed(2)}×, baseline ${g.baselineTime.toFixed(2)}×`,
    );
  }
  console.log(`Total run time ${s(performance.now() - started)}`);
}

await main();
