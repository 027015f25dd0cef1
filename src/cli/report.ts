/** The compliance report as the `report` command (and the demo) writes it. */
import type { Repository } from '../model/config.js';
import { runReportOn } from '../pipeline/report.js';
import { renderReportHtml, renderReportMarkdown } from '../report/compliance.js';
import { createTarget, type TargetName } from '../targets.js';
import { type Io, progress } from './io.js';

export type ReportFormat = 'md' | 'json' | 'html';

export interface ReportTarget {
  target: TargetName;
  localDir: string;
  /** The report's date, `YYYY-MM-DD`. */
  today: string;
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
  const { report, context } = await runReportOn(target, repo, asOf);
  return formats.map((format) => {
    if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
    if (format === 'html') return renderReportHtml(report, context);
    return renderReportMarkdown(report, context);
  });
}
