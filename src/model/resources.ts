/**
 * Resources the reconciler owns, in the one normalised shape that both `load` (desired)
 * and providers (current) produce, so that `plan` can compare them field by field.
 */

import { QUICKSIGHT_KINDS, type QuickSightKind, type QuickSightProperties } from './quicksight.js';

export const RESOURCE_KINDS = [
  'glue-table',
  'table-data',
  'athena-view',
  'config-rule',
  ...QUICKSIGHT_KINDS,
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export function isQuickSightKind(kind: ResourceKind): kind is QuickSightKind {
  return (QUICKSIGHT_KINDS as readonly string[]).includes(kind);
}

export interface ConfigRuleProperties {
  name: string;
  identifier: string;
  description: string;
  /** Parsed InputParameters: every value a string. */
  inputParameters: Record<string, string>;
  maximumExecutionFrequency?: string;
  resourceTypesScope: string[];
  resourceIdScope?: string;
  tagKeyScope?: string;
  tagValueScope?: string;
  /** Sorted. */
  excludedAccounts: string[];
}

export interface GlueColumn {
  name: string;
  type: string;
}

/** The comparable part of a Glue TableInput. */
export interface GlueTableProperties {
  database: string;
  name: string;
  tableType: string;
  parameters: Record<string, string>;
  columns: GlueColumn[];
  partitionKeys: GlueColumn[];
  location: string;
  inputFormat: string;
  outputFormat: string;
  serializationLibrary: string;
  serdeParameters: Record<string, string>;
}

/** One value of a reference table: text, a whole number, a boolean, a date as `YYYY-MM-DD`, or NULL. */
export type TableCell = string | number | boolean | null;

/**
 * The rows of a reference table (accounts, rules, exceptions) as the one object it reads: JSON
 * lines under the Glue table's location, written by apply, so that configuration reaches SQL as
 * data whose size does not grow any statement.
 */
export interface TableDataProperties {
  /** The Glue table that reads the object: `<database>.<table>`. */
  table: string;
  /** `s3://<bucket>/<key>` of the object. */
  location: string;
  /** Column names, in the table's order; every row has one value per column. */
  columns: string[];
  /** The column that names what a row is about (`account_id`), for a plan in words. */
  keyColumn: string;
  /** Sorted by every column in order, so that equal data compares equal. */
  rows: TableCell[][];
}

/** An Athena view: the SELECT that follows `CREATE OR REPLACE VIEW "<database>"."<name>" AS`. */
export interface AthenaViewProperties {
  database: string;
  name: string;
  /** The view's query in Athena (Trino) SQL, trimmed, exactly as Athena stores it as `originalSql`. */
  sql: string;
}

export interface PropertiesByKind {
  'glue-table': GlueTableProperties;
  'table-data': TableDataProperties;
  'athena-view': AthenaViewProperties;
  'config-rule': ConfigRuleProperties;
  'quicksight-data-source': QuickSightProperties;
  'quicksight-data-set': QuickSightProperties;
  'quicksight-refresh-schedule': QuickSightProperties;
  'quicksight-analysis': QuickSightProperties;
  'quicksight-dashboard': QuickSightProperties;
}

/** One resource of kind K (a correlated union over the kinds; see DesiredResource). */
export interface ResourceOf<K extends ResourceKind> {
  kind: K;
  /** Unique across kinds, e.g. `config-rule/eu-west-1/security-root-mfa`. */
  key: string;
  region: string;
  properties: PropertiesByKind[K];
  /**
   * Order within the kind when resources of one kind depend on each other (views on views):
   * lower first for creates and updates, higher first for deletes. Absent means no order.
   */
  rank?: number;
}

/**
 * A resource as the repository describes it. Indexed over a mapped type, so that code generic in
 * the kind (`<K extends ResourceKind>(d: DesiredResource<K>)`) sees `d.properties` as the
 * properties of exactly that kind, and the union of all kinds is the default.
 */
export type DesiredResource<K extends ResourceKind = ResourceKind> = { [P in K]: ResourceOf<P> }[K];

/** Deployment status of a resource as the service reports it (not compared by plan, shown with it). */
export interface ResourceStatus {
  /** e.g. CREATE_SUCCESSFUL, UPDATE_IN_PROGRESS, CREATE_FAILED. */
  state: string;
  message?: string;
  /** Per-member failures, e.g. `123456789012: CREATE_FAILED (NoAvailableConfigurationRecorder)`. */
  details: string[];
}

/** A resource as it exists on the target. */
export interface CurrentOf<K extends ResourceKind> extends ResourceOf<K> {
  /** Carries the ownership marker: only owned resources may be updated or deleted. */
  owned: boolean;
  status?: ResourceStatus;
}

export type CurrentResource<K extends ResourceKind = ResourceKind> = { [P in K]: CurrentOf<P> }[K];

export function resourceKey(kind: ResourceKind, region: string, name: string): string {
  return `${kind}/${region}/${name}`;
}

function isOfKind<K extends ResourceKind>(
  resource: DesiredResource | DesiredResource<K>,
  kind: K,
): resource is DesiredResource<K> {
  return resource.kind === kind;
}

/** The resources of one kind among resources of every kind, typed as that kind's. */
export function resourcesOfKind<K extends ResourceKind>(
  resources: readonly DesiredResource[],
  kind: K,
): DesiredResource<K>[] {
  const out: DesiredResource<K>[] = [];
  for (const resource of resources) if (isOfKind(resource, kind)) out.push(resource);
  return out;
}
