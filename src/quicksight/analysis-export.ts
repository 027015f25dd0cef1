/**
 * `export-quicksight --analysis ID`: an analysis edited in the console, pulled back into
 * quicksight/analyses/<id>.json in the repository's form: the analysis's request members,
 * normalised (normalize.ts), with placeholders where it names this account (placeholderize), as
 * stable JSON. Resolving the file's placeholders and normalising gives what read() reports for the
 * analysis, so a plan right after an export shows no change for it.
 *
 * Pure: where the analysis comes from (QuickSight's DescribeAnalysisDefinition on the aws target,
 * state.json on the local one) is an AnalysisSource that the providers implement.
 */

import type { OrgConfig } from '../model/config.js';
import { QUICKSIGHT_DIRS, type QuickSightSource } from '../model/quicksight.js';
import {
  type JsonObject,
  normalizeBody,
  type PlaceholderContext,
  placeholderize,
  stableJson,
} from './normalize.js';
import { PLACEHOLDER } from './validate.js';

/** An analysis as its source holds it, before the repository's form is made of it. */
export interface SourceAnalysis {
  analysisId: string;
  /** CREATION_SUCCESSFUL, UPDATE_FAILED, UPDATE_IN_PROGRESS … */
  status: string;
  /** The request members (AnalysisId, Name, Definition, ThemeArn) as the source returned them. */
  body: JsonObject;
  /** QuickSight's errors for a failed analysis, one line each, naming the sheet and visual. */
  errors: string[];
}

/** Where analyses are read from: QuickSight in one account and region, or the local target's state. */
export interface AnalysisSource {
  /** For messages, after "in": `account 111122223333 (eu-west-1)`. */
  readonly where: string;
  /** The account its ARNs name. */
  readonly accountId: string;
  /** The QuickSight region (org.yaml quicksight.region). */
  readonly region: string;
  /** The analysis with this id, or undefined when there is none. */
  describe(analysisId: string): Promise<SourceAnalysis | undefined>;
  /** The ids of the analyses there, deleted ones left out, sorted. */
  list(): Promise<string[]>;
}

/** The file made of an analysis. */
export interface ExportedAnalysis {
  analysisId: string;
  name: string;
  /** Repository-relative path: `quicksight/analyses/<id>.json`. */
  file: string;
  text: string;
  sheets: number;
  visuals: number;
  /** What would keep the file from validating: data sets and data sources quicksight/ does not define. */
  warnings: string[];
}

/** Analysis ids the QuickSight API accepts, and so safe as a file name. */
export const ANALYSIS_ID_PATTERN = /^[\w-]{1,512}$/;

/** Throws unless `analysisId` is one QuickSight could have (checked before any call). */
export function assertAnalysisId(analysisId: string): void {
  if (!ANALYSIS_ID_PATTERN.test(analysisId)) {
    throw new Error(
      `--analysis must be a QuickSight analysis id (letters, digits, _ and -, at most 512), got '${analysisId}'`,
    );
  }
}

/** Throws unless the analysis exists in a state QuickSight finished successfully (CREATION_ / UPDATE_SUCCESSFUL). */
export async function describeExportable(
  source: AnalysisSource,
  analysisId: string,
): Promise<SourceAnalysis> {
  const subject = `QuickSight analysis '${analysisId}' in ${source.where}`;
  const analysis = await source.describe(analysisId);
  if (analysis === undefined) {
    const ids = await source.list();
    throw new Error(
      `No ${subject}; ${ids.length === 0 ? 'there are no analyses there' : `analyses there: ${ids.join(', ')}`}`,
    );
  }
  const { status } = analysis;
  if (status.endsWith('_SUCCESSFUL')) return analysis;
  if (status.endsWith('_IN_PROGRESS')) {
    throw new Error(
      `${subject} is ${status}: export it once QuickSight has finished (CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL)`,
    );
  }
  if (status.endsWith('_FAILED')) {
    const errors = analysis.errors.map((line) => `\n  - ${line}`).join('');
    throw new Error(
      `${subject} is ${status}: QuickSight did not accept its definition, so it is not exported; fix it in the console and export again` +
        (errors === '' ? '' : `. QuickSight's errors:${errors}`),
    );
  }
  throw new Error(
    `${subject} is ${status}, not CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL; nothing is exported`,
  );
}

/** `quicksight/analyses/<id>.json`. */
export function analysisFilePath(analysisId: string): string {
  return `quicksight/${QUICKSIGHT_DIRS['quicksight-analysis']}/${analysisId}.json`;
}

/** What to turn back into placeholders, from config/org.yaml and the QuickSight account. */
export function placeholderContext(org: OrgConfig, accountId: string): PlaceholderContext {
  return {
    accountId,
    region: org.quicksight.region,
    workgroup: org.athena.workgroup,
    database: org.glue.database,
  };
}

/** The ids the repository's quicksight/ files define, by the placeholder that names them. */
export interface DefinedIds {
  dataSet: ReadonlySet<string>;
  dataSource: ReadonlySet<string>;
}

export function definedIds(sources: readonly QuickSightSource[]): DefinedIds {
  const of = (kind: QuickSightSource['kind']) =>
    new Set(sources.filter((s) => s.kind === kind).map((s) => s.id));
  return { dataSet: of('quicksight-data-set'), dataSource: of('quicksight-data-source') };
}

const REFERENCE_DIRS = {
  dataSet: { what: 'data set', dir: QUICKSIGHT_DIRS['quicksight-data-set'] },
  dataSource: { what: 'data source', dir: QUICKSIGHT_DIRS['quicksight-data-source'] },
} as const;

/**
 * The repository's file for an analysis: normalised, placeholders for this account, region,
 * workgroup and database, and `${dataSet:<id>}` for every data set ARN of this account and region.
 * Throws when the analysis has no Definition.
 */
export function exportAnalysisFile(
  analysis: SourceAnalysis,
  ctx: PlaceholderContext,
  defined: DefinedIds,
): ExportedAnalysis {
  const { analysisId } = analysis;
  const normalized = normalizeBody('quicksight-analysis', analysis.body);
  const definition = normalized.Definition;
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new Error(`QuickSight analysis '${analysisId}' has no definition to export`);
  }
  const body = placeholderize(normalized, ctx);
  const file = analysisFilePath(analysisId);
  const sheets = list((definition as JsonObject).Sheets);
  return {
    analysisId,
    name: typeof body.Name === 'string' ? body.Name : analysisId,
    file,
    text: stableJson(body),
    sheets: sheets.length,
    visuals: sheets.reduce<number>((n, sheet) => n + list(field(sheet, 'Visuals')).length, 0),
    warnings: undefinedReferences(body, defined).map(({ ns, id }) => {
      const { what, dir } = REFERENCE_DIRS[ns];
      return (
        `${file} names ${what} '${id}', which quicksight/${dir}/ does not define: ` +
        `validate will refuse the file ("\${${ns}:${id}} names no ${what} in quicksight/") until quicksight/${dir}/${id}.json exists`
      );
    }),
  };
}

/** `${dataSet:<id>}` / `${dataSource:<id>}` placeholders whose id the repository does not define, in order of appearance. */
function undefinedReferences(value: unknown, defined: DefinedIds): { ns: keyof DefinedIds; id: string }[] {
  const seen = new Set<string>();
  const out: { ns: keyof DefinedIds; id: string }[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(PLACEHOLDER)) {
        const inner = (m[1] as string).trim();
        const colon = inner.indexOf(':');
        const ns = inner.slice(0, colon);
        const id = inner.slice(colon + 1);
        if (colon < 0 || (ns !== 'dataSet' && ns !== 'dataSource')) continue;
        if (defined[ns].has(id) || seen.has(inner)) continue;
        seen.add(inner);
        out.push({ ns, id });
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(visit);
  };
  visit(value);
  return out;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(item: unknown, name: string): unknown {
  return typeof item === 'object' && item !== null ? (item as JsonObject)[name] : undefined;
}
