/**
 * Resources the reconciler owns, in the one normalised shape that both `load` (desired)
 * and providers (current) produce, so that `plan` can compare them field by field.
 */

import { QUICKSIGHT_KINDS, type QuickSightKind, type QuickSightProperties } from './quicksight.js';

export const RESOURCE_KINDS = ['glue-table', 'athena-view', 'config-rule', ...QUICKSIGHT_KINDS] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Apply order for creates and updates; deletes run in reverse. Config rules are independent of the rest. */
export const KIND_ORDER: Record<ResourceKind, number> = {
  'glue-table': 0,
  'athena-view': 1,
  'quicksight-data-source': 2,
  'quicksight-data-set': 3,
  'quicksight-refresh-schedule': 4,
  'quicksight-analysis': 5,
  'quicksight-dashboard': 6,
  'config-rule': 10,
};

/** What each kind needs to exist first; a failure skips its dependents. */
export const KIND_DEPENDS_ON: Record<ResourceKind, readonly ResourceKind[]> = {
  'glue-table': [],
  'athena-view': ['glue-table'],
  'config-rule': [],
  'quicksight-data-source': [],
  // A data set's columns come from the views; a failed view would fail its ingestion.
  'quicksight-data-set': ['quicksight-data-source', 'athena-view'],
  'quicksight-refresh-schedule': ['quicksight-data-set'],
  'quicksight-analysis': ['quicksight-data-set'],
  'quicksight-dashboard': ['quicksight-data-set'],
};

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

/** An Athena view: the SELECT that follows `CREATE OR REPLACE VIEW "<database>"."<name>" AS`. */
export interface AthenaViewProperties {
  database: string;
  name: string;
  /** The view's query in Athena (Trino) SQL, trimmed, exactly as Athena stores it as `originalSql`. */
  sql: string;
}

export interface PropertiesByKind {
  'glue-table': GlueTableProperties;
  'athena-view': AthenaViewProperties;
  'config-rule': ConfigRuleProperties;
  'quicksight-data-source': QuickSightProperties;
  'quicksight-data-set': QuickSightProperties;
  'quicksight-refresh-schedule': QuickSightProperties;
  'quicksight-analysis': QuickSightProperties;
  'quicksight-dashboard': QuickSightProperties;
}

interface ResourceBase<K extends ResourceKind> {
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

export type DesiredResource<K extends ResourceKind = ResourceKind> = K extends ResourceKind
  ? ResourceBase<K>
  : never;

/** Deployment status of a resource as the service reports it (not compared by plan, shown with it). */
export interface ResourceStatus {
  /** e.g. CREATE_SUCCESSFUL, UPDATE_IN_PROGRESS, CREATE_FAILED. */
  state: string;
  message?: string;
  /** Per-member failures, e.g. `123456789012: CREATE_FAILED (NoAvailableConfigurationRecorder)`. */
  details: string[];
}

export type CurrentResource<K extends ResourceKind = ResourceKind> = K extends ResourceKind
  ? ResourceBase<K> & {
      /** Carries the ownership marker: only owned resources may be updated or deleted. */
      owned: boolean;
      status?: ResourceStatus;
    }
  : never;

export function resourceKey(kind: ResourceKind, region: string, name: string): string {
  return `${kind}/${region}/${name}`;
}
