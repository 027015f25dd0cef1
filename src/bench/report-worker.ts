/**
 * One measured run for the report benchmark, in its own process so that its peak memory is its
 * own. Modes:
 * - `apply`: `apply` on the local target, as `org-compliance apply` does it (load, plan, apply:
 *   the config rules, the Glue tables and their reference data, the views, QuickSight);
 * - `report`: the report, as `org-compliance report` computes it;
 * - `nightly`: `compact` then the report in one process, as the nightly job runs them each morning
 *   (the day delivered since, and the recheck of the days before);
 * - `gunzip`: only decompress the files the report reads (the floor);
 * - `parse`: decompress and `JSON.parse` them (the baseline).
 * Prints one JSON line. `apply` and `report` are timed from the process's start (performance.now()
 * counts from there), module loading included, as a CLI command pays it; `gunzip` and `parse` time
 * their loop only, over the list of files the benchmark made beforehand, as issue 13 defines the
 * baseline; they load nothing else, so their peak memory is the loop's.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Repository } from '../model/config.js';

/** `files`: for gunzip and parse, a JSON file listing the paths of the files the report reads. */
const [mode = '', localDir = '', root = '', today = '', files = ''] = process.argv.slice(2);

/**
 * As the CLI loads it: `apply` parses the views with Trino's grammar; `report` leaves quicksight/
 * out and skips the grammar (it deploys nothing, it reads the views).
 */
async function repository(
  parts: { quicksight?: boolean; viewGrammar?: 'required' | 'skip' } = { viewGrammar: 'required' },
): Promise<Repository> {
  const { loadRepository } = await import('../load/index.js');
  const loaded = await loadRepository(root, { today, ...parts });
  if (!loaded.repository) throw new Error('the benchmark repository does not load');
  return loaded.repository;
}

async function measureApply(): Promise<Record<string, unknown>> {
  const repo = await repository();
  const [{ createLocalTarget }, { runPlan }, { apply }] = await Promise.all([
    import('../providers/local/target.js'),
    import('../pipeline/plan.js'),
    import('../apply/apply.js'),
  ]);
  const target = createLocalTarget(repo.org, localDir, { today });
  const { plan } = await runPlan(repo, target, { today });
  const result = await apply(plan, target);
  if (!result.ok) throw new Error('apply failed');
  return { changes: plan.changes.filter((c) => c.action !== 'no-op').length };
}

async function measureReport(compactFirst: boolean): Promise<Record<string, unknown>> {
  const repo = await repository({ quicksight: false, viewGrammar: 'skip' });
  const [{ createLocalTarget }, { runReportOn }] = await Promise.all([
    import('../providers/local/target.js'),
    import('../pipeline/report.js'),
  ]);
  const target = createLocalTarget(repo.org, localDir, { today });
  const compacted = compactFirst ? await target.compact({}) : undefined;
  const { report } = await runReportOn(target, repo, today);
  return {
    accounts: report.accounts.length,
    evaluations: report.totals.compliant + report.totals.nonCompliant + report.totals.excluded,
    ...(compacted ? { compactedDays: compacted.written.length } : {}),
  };
}

/**
 * The floor and the baseline: a plain synchronous loop, one file after another, nothing kept.
 *
 * The baseline before this (15.8 s in README where this loop takes 5–6 s over 200 accounts) was
 * slow for two reasons, neither of them work the report has to do:
 * - it read each file with `fs/promises` `readFile`, whose open, fstat, read and close are each
 *   a trip through libuv's thread pool with promises in between (nodejs/node#52046): 0.1–0.2 ms
 *   a file on this machine, 2.5–5 s over the 23,381 files, where `readFileSync` takes 0.3–0.8 s.
 *   The gunzip-only floor read them the same way, hence its 12.5 s;
 * - its clock started before loading the repository (0.5–2 s: the views are parsed with Trino's
 *   grammar) and listing the bucket (1.9–3.7 s: a recursive `readdir` of ~48,500 directories and
 *   the projection's filter).
 * It read one file at a time and kept nothing, so neither concurrency nor memory held it back.
 */
function readLoop(files: string[], parse: boolean): Record<string, unknown> {
  let gzipBytes = 0;
  let jsonBytes = 0;
  let items = 0;
  const started = performance.now();
  for (const file of files) {
    const gzip = readFileSync(file);
    const json = gunzipSync(gzip);
    gzipBytes += gzip.length;
    jsonBytes += json.length;
    if (parse)
      items += (JSON.parse(json.toString('utf8')) as { configurationItems: unknown[] }).configurationItems
        .length;
  }
  const ms = performance.now() - started;
  return { ms, files: files.length, gzipBytes, jsonBytes, ...(parse ? { items } : {}) };
}

async function main(): Promise<void> {
  let detail: Record<string, unknown>;
  if (mode === 'apply') detail = await measureApply();
  else if (mode === 'report' || mode === 'nightly') detail = await measureReport(mode === 'nightly');
  else if (mode === 'gunzip' || mode === 'parse')
    detail = readLoop(JSON.parse(readFileSync(files, 'utf8')) as string[], mode === 'parse');
  else throw new Error(`unknown mode '${mode}': apply, report, nightly, gunzip or parse`);
  const { ms = performance.now(), ...rest } = detail;
  console.log(JSON.stringify({ mode, ms, maxRssMb: process.resourceUsage().maxRSS / 1024, ...rest }));
}

await main();
