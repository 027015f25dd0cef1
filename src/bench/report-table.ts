/**
 * The report benchmark's summary: one row per organization size, rendered as a Markdown table,
 * and how peak memory and time grow with the organization. Pure, so the arithmetic is tested
 * without generating an organization.
 */

/** One process's measurement: wall time, peak resident memory, and the 1-minute load around it. */
export interface ProcessFigure {
  ms: number;
  maxRssMb: number;
  /** 1-minute load average when the process started and when it ended. */
  load: [number, number];
}

/** The figures of one organization size. */
export interface SizeResult {
  accounts: number;
  regions: number;
  days: number;
  /** The snapshot files the report reads (those the table's projection admits) and their size. */
  files: number;
  gzipBytes: number;
  jsonBytes: number;
  /** Only gunzipping the files (the floor). */
  gunzip: ProcessFigure;
  /** readFileSync + gunzipSync + JSON.parse of the files (the baseline), run twice. */
  parse: ProcessFigure[];
  /** `apply` on a fresh local target, then `report`: two processes, as the CLI runs them. */
  apply: ProcessFigure;
  report: ProcessFigure;
  /** `report` again on the same target. */
  secondReport: ProcessFigure;
  /**
   * The next morning, as the nightly job runs: one more day of snapshot files delivered, then
   * `compact` (that day, and the recheck of the days before) and `report`, in one process, with the
   * baseline over the files a report reads that day (the window moved by one day).
   */
  nightly?: { run: ProcessFigure; baseline: ProcessFigure; files: number };
}

/** The baseline: the faster of its runs, so drift on a shared machine never flatters the report. */
export function baselineMs(r: SizeResult): number {
  return Math.min(...r.parse.map((p) => p.ms));
}

/** `apply` + `report`: their times add up; the peak is the larger process's. */
export function applyAndReport(r: SizeResult): { ms: number; maxRssMb: number } {
  return { ms: r.apply.ms + r.report.ms, maxRssMb: Math.max(r.apply.maxRssMb, r.report.maxRssMb) };
}

function loadRange(r: SizeResult): string {
  const nightly = r.nightly ? [r.nightly.run, r.nightly.baseline] : [];
  const all = [r.gunzip, ...r.parse, r.apply, r.report, r.secondReport, ...nightly].flatMap((p) => p.load);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  return lo.toFixed(1) === hi.toFixed(1) ? lo.toFixed(1) : `${lo.toFixed(1)}–${hi.toFixed(1)}`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const megabytes = (mb: number): string => Math.round(mb).toLocaleString('en-US');

/** One Markdown table, a row per size. */
export function renderSizeTable(results: SizeResult[]): string {
  const head = [
    'size',
    'files',
    'MB gzip',
    'baseline s',
    'apply+report s',
    'ratio',
    'peak RSS MB',
    'second report s',
    'peak RSS MB',
    'nightly compact+report s',
    'ratio',
    'peak RSS MB',
    'load (1 min)',
  ];
  const rows = results.map((r) => {
    const both = applyAndReport(r);
    return [
      `${r.accounts} × ${r.regions} × ${r.days}`,
      r.files.toLocaleString('en-US'),
      (r.gzipBytes / 1e6).toFixed(0),
      seconds(baselineMs(r)),
      seconds(both.ms),
      (both.ms / baselineMs(r)).toFixed(2),
      megabytes(both.maxRssMb),
      seconds(r.secondReport.ms),
      megabytes(r.secondReport.maxRssMb),
      r.nightly ? seconds(r.nightly.run.ms) : '–',
      r.nightly ? (r.nightly.run.ms / r.nightly.baseline.ms).toFixed(2) : '–',
      r.nightly ? megabytes(r.nightly.run.maxRssMb) : '–',
      loadRange(r),
    ];
  });
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export interface Growth {
  /** Accounts at the largest size ÷ at the smallest: what linear growth would multiply by. */
  linear: number;
  applyReportRss: number;
  secondReportRss: number;
  applyReportTime: number;
  baselineTime: number;
}

/** Largest size ÷ smallest size, for memory and time; undefined with fewer than two sizes. */
export function growth(results: SizeResult[]): Growth | undefined {
  const sorted = [...results].sort((a, b) => a.accounts - b.accounts);
  const small = sorted[0];
  const large = sorted.at(-1);
  if (!small || !large || small.accounts === large.accounts) return undefined;
  return {
    linear: large.accounts / small.accounts,
    applyReportRss: applyAndReport(large).maxRssMb / applyAndReport(small).maxRssMb,
    secondReportRss: large.secondReport.maxRssMb / small.secondReport.maxRssMb,
    applyReportTime: applyAndReport(large).ms / applyAndReport(small).ms,
    baselineTime: baselineMs(large) / baselineMs(small),
  };
}
