/**
 * Input of the local renderer: a QuickSight analysis or dashboard Definition (the API's shape, as in
 * quicksight/analyses/*.json once placeholders are resolved) and the rows of each data set it declares.
 */
import type { AnalysisDefinition, DashboardVersionDefinition } from '@aws-sdk/client-quicksight';

/** An analysis Definition or a dashboard version Definition (same members for rendering). */
export type QuickSightDefinition = AnalysisDefinition | DashboardVersionDefinition;

/** One column of a data set: its name and QuickSight type (STRING, INTEGER, DECIMAL, DATETIME, BIT, BOOLEAN, JSON). */
export interface DataSetColumn {
  name: string;
  type: string;
}

/** A data set's columns and rows (a row maps column name to value; dates as `YYYY-MM-DD` or ISO strings). */
export interface DataSetData {
  columns: DataSetColumn[];
  rows: Record<string, unknown>[];
}

export interface RenderDashboardInput {
  /** Page title (the dashboard's Name). */
  title: string;
  definition: QuickSightDefinition;
  /** Keyed by DataSetIdentifier (the `Identifier` of `DataSetIdentifierDeclarations`). */
  dataSets: Map<string, DataSetData>;
  /** ISO date or timestamp: shown on the page, and "now" for relative date filters. */
  generatedAt: string;
  /** Recorded in the page's `<meta name="org-compliance-data">` (see dashboard.ts). */
  fingerprint?: string;
}

export type Row = Record<string, unknown>;
