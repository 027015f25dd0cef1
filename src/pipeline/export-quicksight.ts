/**
 * `export-quicksight --analysis ID`: the analysis as it is now on the target (designed in the
 * QuickSight console, or deployed to the local target) written back as
 * quicksight/analyses/<id>.json, for review in a pull request. The source is injected, so the same
 * flow serves QuickSight (aws) and state.json (local); the only other I/O is the file's write.
 */

import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Repository } from '../model/config.js';
import type { ProgressReporter } from '../model/provider.js';
import {
  type AnalysisSource,
  analysisFilePath,
  assertAnalysisId,
  definedIds,
  describeExportable,
  type ExportedAnalysis,
  exportAnalysisFile,
  placeholderContext,
} from '../quicksight/analysis-export.js';

export interface ExportQuickSightOptions {
  analysisId: string;
  /** Write the file here; absent: only return it (`--stdout`). */
  out?: string;
  progress?: ProgressReporter;
}

export interface ExportQuickSightResult extends ExportedAnalysis {
  /** The path written, when `out` was given. */
  written?: string;
}

/** Where the analysis's file lives in the repository: `<root>/quicksight/analyses/<id>.json`. */
export function defaultExportPath(repo: Repository, analysisId: string): string {
  return join(repo.root, analysisFilePath(analysisId));
}

/**
 * Reads the analysis from `source`, makes the repository's file of it (placeholders for the
 * account, region, workgroup, database and the data sets of quicksight/) and writes it atomically
 * to `out`. Throws, naming the analysis, when the id is not one, when there is no such analysis
 * (listing those there) or when QuickSight has not finished it successfully; nothing is written then.
 */
export async function exportQuickSightAnalysis(
  repo: Repository,
  source: AnalysisSource,
  options: ExportQuickSightOptions,
): Promise<ExportQuickSightResult> {
  const { analysisId } = options;
  assertAnalysisId(analysisId);
  options.progress?.(`Reading QuickSight analysis '${analysisId}' in ${source.where}`);
  const analysis = await describeExportable(source, analysisId);
  const exported = exportAnalysisFile(
    analysis,
    placeholderContext(repo.org, source.accountId),
    definedIds(repo.quicksight),
  );
  if (options.out === undefined) return exported;
  await writeAtomically(options.out, exported.text);
  return { ...exported, written: options.out };
}

/** What the CLI prints after writing: the file, what it holds, and what to do next. */
export function renderExportText(result: ExportedAnalysis, shownPath: string): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    `Wrote ${shownPath}: analysis '${result.analysisId}' ("${result.name}"), ${plural(result.sheets, 'sheet')}, ${plural(result.visuals, 'visual')}.`,
    "Review it with 'git diff', then run 'org-compliance plan' to see what apply would change (the dashboards published from it).",
  ].join('\n');
}

/** Writes a temporary file beside `path`, then renames it over `path`: readers see the old or the new file. */
async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
