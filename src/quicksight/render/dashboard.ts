/**
 * The local target's dashboard: the quicksight/ sources (as loaded, not yet resolved) → the page.
 * Picks the dashboard, follows `"Definition": "${analysis:<id>}"` to its analysis, reads the data
 * sets it declares through the engine, and renders.
 */
import { createHash } from 'node:crypto';
import type { QuickSightSource } from '../../model/quicksight.js';
import { loadDefinitionData, type SqlRunner } from './data-sets.js';
import { renderDashboardHtml } from './html.js';
import type { DataSetData, QuickSightDefinition } from './types.js';

export interface LocalDashboardOptions {
  /** The files of quicksight/, parsed. */
  sources: QuickSightSource[];
  /** Which dashboard (default: the only one, or the first by id). */
  dashboardId?: string;
  /** Runs Athena SQL on the target's engine (a local QuerySession's query). */
  query: SqlRunner;
  /** Values of `${…}` placeholders in data set table names and SQL, e.g. `{ 'glue:database': 'org_compliance' }`. */
  placeholders: Record<string, string>;
  /** ISO date or timestamp of the data. */
  generatedAt: string;
}

export interface LocalDashboard {
  dashboardId: string;
  title: string;
  definition: QuickSightDefinition;
  /** The fingerprint of what the page shows (see LoadedDashboard). */
  fingerprint: string;
  html: string;
}

/** The Definition of a dashboard source: its own, or its analysis's when it names one. */
export function dashboardDefinition(
  dashboard: QuickSightSource,
  sources: QuickSightSource[],
): QuickSightDefinition {
  const def = dashboard.json.Definition;
  if (typeof def === 'string') {
    const analysisId = /^\$\{analysis:([^}]+)\}$/.exec(def)?.[1];
    const analysis = sources.find((s) => s.kind === 'quicksight-analysis' && s.id === analysisId);
    const resolved = analysis?.json.Definition;
    if (!resolved || typeof resolved !== 'object')
      throw new Error(
        `${dashboard.file}: Definition ${def} names no analysis with a Definition in quicksight/analyses/`,
      );
    return resolved as QuickSightDefinition;
  }
  if (!def || typeof def !== 'object') throw new Error(`${dashboard.file}: no Definition`);
  return def as QuickSightDefinition;
}

export async function renderLocalDashboard(o: LocalDashboardOptions): Promise<LocalDashboard> {
  const dashboards = o.sources
    .filter((s) => s.kind === 'quicksight-dashboard')
    .sort((a, b) => a.id.localeCompare(b.id));
  const dashboard = o.dashboardId ? dashboards.find((d) => d.id === o.dashboardId) : dashboards[0];
  if (!dashboard)
    throw new Error(
      o.dashboardId
        ? `no dashboard ${o.dashboardId} in quicksight/dashboards/`
        : 'no dashboard in quicksight/dashboards/',
    );
  const definition = dashboardDefinition(dashboard, o.sources);
  return drawDashboard(
    await load({
      dashboardId: dashboard.id,
      title: String(dashboard.json.Name ?? dashboard.id),
      definition,
      dataSets: new Map(o.sources.filter((s) => s.kind === 'quicksight-data-set').map((s) => [s.id, s.json])),
      query: o.query,
      placeholders: o.placeholders,
      generatedAt: o.generatedAt,
    }),
  );
}

/** A dashboard's definition with the rows of its data sets, read and not yet drawn. */
export interface LoadedDashboard {
  dashboardId: string;
  title: string;
  definition: QuickSightDefinition;
  dataSets: Map<string, DataSetData>;
  generatedAt: string;
  /**
   * `sha256:<hex>` of the title, definition and every row read: a page drawn from the same
   * fingerprint shows the same thing, so a page carrying it need not be drawn again.
   */
  fingerprint: string;
}

/** The fingerprint a page records in its `<meta name="org-compliance-data">`. */
export function dataFingerprint(
  title: string,
  definition: QuickSightDefinition,
  dataSets: Map<string, DataSetData>,
  generatedAt: string,
): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ title, definition, generatedAt }));
  for (const id of [...dataSets.keys()].sort()) {
    const d = dataSets.get(id) as DataSetData;
    hash.update(`\u0000${id}\u0000${JSON.stringify(d.columns)}`);
    // Engines return rows in any order when the query names none: the rows are hashed as a set.
    const rows = d.rows.map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    for (const row of rows.sort()) hash.update(`${row}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}

/** The fingerprint recorded in a rendered page, if any. */
export function pageFingerprint(html: string): string | undefined {
  return /<meta name="org-compliance-data" content="([^"]+)">/.exec(html)?.[1];
}

/** Reads the data sets a definition declares through the engine. */
async function load(o: {
  dashboardId: string;
  title: string;
  definition: QuickSightDefinition;
  dataSets: Map<string, Record<string, unknown>>;
  query: SqlRunner;
  placeholders: Record<string, string>;
  generatedAt: string;
}): Promise<LoadedDashboard> {
  const data = await loadDefinitionData(o.definition, o.dataSets, o.query, {
    placeholders: o.placeholders,
    now: new Date(o.generatedAt.length === 10 ? `${o.generatedAt}T00:00:00Z` : o.generatedAt),
  });
  return {
    dashboardId: o.dashboardId,
    title: o.title,
    definition: o.definition,
    dataSets: data,
    generatedAt: o.generatedAt,
    fingerprint: dataFingerprint(o.title, o.definition, data, o.generatedAt),
  };
}

/** Draws the page of a loaded dashboard. */
export function drawDashboard(d: LoadedDashboard): LocalDashboard {
  return {
    dashboardId: d.dashboardId,
    title: d.title,
    definition: d.definition,
    fingerprint: d.fingerprint,
    html: renderDashboardHtml({
      title: d.title,
      definition: d.definition,
      dataSets: d.dataSets,
      generatedAt: d.generatedAt,
      fingerprint: d.fingerprint,
    }),
  };
}

export interface DeployedDashboardOptions {
  /** The dashboard's resolved body (CreateDashboard's members, ARNs in place). */
  body: Record<string, unknown>;
  dashboardId: string;
  /** Resolved bodies of the deployed data sets, by DataSetId. */
  dataSets: Map<string, Record<string, unknown>>;
  query: SqlRunner;
  generatedAt: string;
}

/** The page of a dashboard as the local target deployed it: resolved bodies, not the files. */
export async function renderDeployedDashboard(o: DeployedDashboardOptions): Promise<LocalDashboard> {
  return drawDashboard(await loadDeployedDashboard(o));
}

/** The data of a dashboard as the local target deployed it, read and fingerprinted, not drawn. */
export async function loadDeployedDashboard(o: DeployedDashboardOptions): Promise<LoadedDashboard> {
  const definition = o.body.Definition;
  if (!definition || typeof definition !== 'object')
    throw new Error(`dashboard ${o.dashboardId} has no Definition to render`);
  return load({
    dashboardId: o.dashboardId,
    title: String(o.body.Name ?? o.dashboardId),
    definition: definition as QuickSightDefinition,
    dataSets: o.dataSets,
    query: o.query,
    placeholders: {},
    generatedAt: o.generatedAt,
  });
}
