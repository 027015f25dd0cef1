/**
 * The resource kinds the reconciler owns, in one table: for each kind the order apply runs it in,
 * what must exist first, how people call it, which `scope` of a workflow run covers it, how a
 * resource of it is named in a plan, and (optionally) how an update is put in words.
 *
 * Adding a kind: its properties in resources.ts (PropertiesByKind) and RESOURCE_KINDS, one entry
 * here, one desired builder (src/desired/), one provider per target (providers/aws, providers/local).
 * The compiler names every place still missing (this table, Providers of each target).
 */
import { describeQuickSightChange } from '../quicksight/describe-change.js';
import type { QuickSightKind } from './quicksight.js';
import type { PropertiesByKind, ResourceKind, ResourceOf } from './resources.js';
import { describeTableData } from './table-data.js';

/** What a manual workflow run's `scope` can narrow a plan to (besides `all`). */
export const SCOPE_GROUPS = ['config-rules', 'glue', 'views', 'quicksight'] as const;
export type ScopeGroup = (typeof SCOPE_GROUPS)[number];

export interface KindInfo<K extends ResourceKind> {
  /** Apply order for creates and updates (lower first); deletes run in reverse. */
  order: number;
  /** Kinds that must exist first: a failure of one skips this kind's changes. */
  dependsOn: readonly ResourceKind[];
  /** What people call it, in messages: `QuickSight data set`. */
  label: string;
  scope: ScopeGroup;
  /** The resource's name in plans and messages. */
  name(resource: ResourceOf<K>): string;
  /** An update in words, where field paths would be a wall of JSON. */
  describe?(before: PropertiesByKind[K], after: PropertiesByKind[K]): string[];
  /**
   * The provider reads resources of this kind that are not ours (the views of a shared database):
   * a plan names them as left alone, so nobody wonders why they are neither changed nor dropped.
   */
  listsUnmanaged?: true;
}

const databaseAndName = (r: ResourceOf<'glue-table' | 'athena-view'>) =>
  `${r.properties.database}.${r.properties.name}`;

function quickSight<K extends QuickSightKind>(
  kind: K,
  info: Omit<KindInfo<K>, 'scope' | 'name' | 'describe'>,
): KindInfo<K> {
  return {
    ...info,
    scope: 'quicksight',
    // Schedule ids are only unique within their data set: `<data set>/<schedule>`.
    name: (r) =>
      kind === 'quicksight-refresh-schedule' ? r.key.split('/').slice(2).join('/') : r.properties.id,
    describe: (before, after) => describeQuickSightChange(kind, before, after),
  };
}

export const KINDS: { readonly [K in ResourceKind]: KindInfo<K> } = {
  'glue-table': { order: 0, dependsOn: [], label: 'Glue table', scope: 'glue', name: databaseAndName },
  // The reference tables' rows: their Glue tables must exist first (the database with them).
  'table-data': {
    order: 1,
    dependsOn: ['glue-table'],
    label: 'reference data',
    scope: 'views',
    name: (r) => r.properties.table,
    describe: describeTableData,
  },
  'athena-view': {
    order: 2,
    dependsOn: ['glue-table', 'table-data'],
    label: 'Athena view',
    scope: 'views',
    name: databaseAndName,
    listsUnmanaged: true,
  },
  'quicksight-data-source': quickSight('quicksight-data-source', {
    order: 3,
    dependsOn: [],
    label: 'QuickSight data source',
  }),
  // A data set's columns come from the views; a failed view would fail its ingestion.
  'quicksight-data-set': quickSight('quicksight-data-set', {
    order: 4,
    dependsOn: ['quicksight-data-source', 'athena-view'],
    label: 'QuickSight data set',
  }),
  'quicksight-refresh-schedule': quickSight('quicksight-refresh-schedule', {
    order: 5,
    dependsOn: ['quicksight-data-set'],
    label: 'QuickSight refresh schedule',
  }),
  'quicksight-analysis': quickSight('quicksight-analysis', {
    order: 6,
    dependsOn: ['quicksight-data-set'],
    label: 'QuickSight analysis',
  }),
  'quicksight-dashboard': quickSight('quicksight-dashboard', {
    order: 7,
    dependsOn: ['quicksight-data-set'],
    label: 'QuickSight dashboard',
  }),
  // Independent of the rest: last for creates, first for deletes.
  'config-rule': {
    order: 10,
    dependsOn: [],
    label: 'Config rule',
    scope: 'config-rules',
    name: (r) => r.properties.name,
  },
};

/** The name of a resource of any kind, as plans show it. */
export function nameOf<K extends ResourceKind>(resource: ResourceOf<K>): string {
  const info: KindInfo<K> = KINDS[resource.kind];
  return info.name(resource);
}

/** An update of a resource in words, when its kind can say it (else undefined: show the field paths). */
export function describeUpdate<K extends ResourceKind>(
  kind: K,
  before: PropertiesByKind[K],
  after: PropertiesByKind[K],
): string[] | undefined {
  const info: KindInfo<K> = KINDS[kind];
  return info.describe?.(before, after);
}

/** Whether a run with `scope` covers `kind`. */
export function kindInScope(kind: ResourceKind, scope: ScopeGroup | 'all'): boolean {
  return scope === 'all' || KINDS[kind].scope === scope;
}

/**
 * Refuses a change meant for another kind's provider. The types rule it out; this is for what
 * reaches a provider at run time all the same (a dispatch bug, a hand-made change in a test).
 */
export function assertKind(change: { kind: string; key: string }, kind: ResourceKind): void {
  if (change.kind !== kind) {
    throw new Error(`The ${KINDS[kind].label} provider cannot apply a ${change.kind} change (${change.key})`);
  }
}
