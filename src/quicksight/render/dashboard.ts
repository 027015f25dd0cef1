/**
 * The local target's dashboard: the quicksight/ sources (as loaded, not yet resolved) → the page.
 * Picks the dashboard, follows `"Definition": "${analysis:<id>}"` to its analysis, reads the data
 * sets it declares through the engine, and renders.
 */
import type { QuickSightSource } from '../../model/quicksight.js';
import { loadDefinitionData, type SqlRunner } from './data-sets.js';
import { renderDashboardHtml } from './html.js';
import type { QuickSightDefinition } from './types.js';

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
  return render({
    dashboardId: dashboard.id,
    title: String(dashboard.json.Name ?? dashboard.id),
    definition,
    dataSets: new Map(o.sources.filter((s) => s.kind === 'quicksight-data-set').map((s) => [s.id, s.json])),
    query: o.query,
    placeholders: o.placeholders,
    generatedAt: o.generatedAt,
  });
}

/** Reads the data sets a definition declares through the engine, then draws the page. */
async function render(o: {
  dashboardId: string;
  title: string;
  definition: QuickSightDefinition;
  dataSets: Map<string, Record<string, unknown>>;
  query: SqlRunner;
  placeholders: Record<string, string>;
  generatedAt: string;
}): Promise<LocalDashboard> {
  const data = await loadDefinitionData(o.definition, o.dataSets, o.query, {
    placeholders: o.placeholders,
    now: new Date(o.generatedAt.length === 10 ? `${o.generatedAt}T00:00:00Z` : o.generatedAt),
  });
  return {
    dashboardId: o.dashboardId,
    title: o.title,
    definition: o.definition,
    html: renderDashboardHtml({
      title: o.title,
      definition: o.definition,
      dataSets: data,
      generatedAt: o.generatedAt,
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
  const definition = o.body.Definition;
  if (!definition || typeof definition !== 'object')
    throw new Error(`dashboard ${o.dashboardId} has no Definition to render`);
  return render({
    dashboardId: o.dashboardId,
    title: String(o.body.Name ?? o.dashboardId),
    definition: definition as QuickSightDefinition,
    dataSets: o.dataSets,
    query: o.query,
    placeholders: {},
    generatedAt: o.generatedAt,
  });
}
