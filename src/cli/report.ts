/** The compliance report as the `report` command (and the demo) writes it. */
import type { Repository } from '../model/config.js';
import type { Severity } from '../model/severity.js';
import { present } from '../model/values.js';
import { allFailingResourcesOn } from '../pipeline/failing-resources.js';
import { runReportOn } from '../pipeline/report.js';
import { renderReportHtml, renderReportMarkdown } from '../report/compliance.js';
import { resourcesCsv } from '../report/resources.js';
import { filterBySeverity } from '../report/severity.js';
import { createTarget, type TargetName } from '../targets.js';
import { type Io, progress } from './io.js';

/** csv: every failing resource (failing_resources), not the report. */
export type ReportFormat = 'md' | 'json' | 'html' | 'csv';

export interface ReportTarget {
  target: TargetName;
  localDir: string;
  /** The report's date, `YYYY-MM-DD`. */
  today: string;
  /** How many failing resources the report carries (`--resources`); the CSV has them all. */
  resources?: number;
  /** `--min-severity`: the rule and resource lists keep only rules this severe or more. */
  minSeverity?: Severity;
}

/** Reads the summary views on the target and renders the report in `format`. */
export async function produceReport(
  repo: Repository,
  where: ReportTarget,
  io: Io,
  format: ReportFormat,
): Promise<string> {
  const [text] = await produceReports(repo, where, io, [format]);
  return text as string;
}

/** The report in several formats from one reading of the views, in the order of `formats`. */
export async function produceReports(
  repo: Repository,
  where: ReportTarget,
  io: Io,
  formats: readonly ReportFormat[],
): Promise<string[]> {
  const asOf = where.today;
  const target = await createTarget(where.target, repo.org, {
    localDir: where.localDir,
    today: asOf,
    progress: progress(io),
  });
  progress(io)(`Querying the compliance views on the ${target.name} target`);
  const csv = formats.includes('csv')
    ? resourcesCsv(await allFailingResourcesOn(target, repo, where.minSeverity))
    : '';
  if (formats.every((f) => f === 'csv')) return formats.map(() => csv);
  const read = await runReportOn(
    target,
    repo,
    asOf,
    present({ resources: where.resources, minSeverity: where.minSeverity }),
  );
  const report = where.minSeverity ? filterBySeverity(read.report, where.minSeverity) : read.report;
  const { context } = read;
  return formats.map((format) => {
    if (format === 'csv') return csv;
    if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    if (format === 'html') return renderReportHtml(report, context);
    return renderReportMarkdown(report, context);
  });
}
