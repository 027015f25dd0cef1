/**
 * The `local` target: a directory holding the Organization (org.json), an S3-shaped tree of Config
 * snapshot files, and state.json with what is "deployed". Config rules and the Glue table are
 * records in state.json; views (DuckDB) and QuickSight have providers of their own.
 */

import { type CompactionResult, dayProgress } from '../../compact/run.js';
import { loadLocalEngine } from '../../engines/local-engine.js';
import type { OrgConfig } from '../../model/config.js';
import { toIsoDate } from '../../model/dates.js';
import { errorMessage } from '../../model/errors.js';
import type { Change } from '../../model/plan.js';
import type {
  CompactOptions,
  ProgressReporter,
  Provider,
  QuerySession,
  Target,
} from '../../model/provider.js';
import { type CurrentResource, resourceKey } from '../../model/resources.js';
import { present } from '../../model/values.js';
import { LocalAthenaViewProvider, openLocalEngine } from './athena-views.js';
import { LocalApplyLock } from './lock.js';
import { createLocalQuickSight, LOCAL_ACCOUNT_ID, refreshDashboardPages } from './quicksight.js';
import { LocalStore } from './store.js';
import { LocalTableDataProvider } from './table-data.js';

class LocalConfigRuleProvider implements Provider<'config-rule'> {
  readonly kind = 'config-rule';
  constructor(
    private readonly store: LocalStore,
    private readonly org: OrgConfig,
  ) {}

  async read(): Promise<CurrentResource<'config-rule'>[]> {
    const state = await this.store.load();
    const out: CurrentResource<'config-rule'>[] = [];
    for (const region of this.org.regions) {
      for (const [name, stored] of Object.entries(state.configRules[region] ?? {})) {
        const { status, ...properties } = stored;
        out.push({
          kind: 'config-rule',
          key: resourceKey('config-rule', region, name),
          region,
          properties,
          owned: properties.description.endsWith(this.org.ownership.descriptionMarker),
          status: { state: status, details: [] },
        });
      }
    }
    return out;
  }

  async apply(change: Change<'config-rule'>): Promise<void> {
    if (change.action === 'no-op') return;
    const after = change.after;
    await this.store.update((state) => {
      state.configRules[change.region] ??= {};
      const rules = state.configRules[change.region] ?? {};
      if (change.action === 'delete') delete rules[change.name];
      else if (after) {
        const status = change.action === 'create' ? 'CREATE_SUCCESSFUL' : 'UPDATE_SUCCESSFUL';
        rules[change.name] = { ...after, status };
      } else throw new Error(`Change ${change.key} (${change.action}) carries no Config rule properties`);
    });
  }
}

class LocalGlueTableProvider implements Provider<'glue-table'> {
  readonly kind = 'glue-table';
  constructor(
    private readonly store: LocalStore,
    private readonly org: OrgConfig,
  ) {}

  async read(): Promise<CurrentResource<'glue-table'>[]> {
    const state = await this.store.load();
    const out: CurrentResource<'glue-table'>[] = [];
    for (const [region, tables] of Object.entries(state.glueTables)) {
      for (const [qualified, properties] of Object.entries(tables)) {
        out.push({
          kind: 'glue-table',
          key: resourceKey('glue-table', region, qualified),
          region,
          properties,
          owned: properties.parameters[this.org.ownership.tagKey] === this.org.ownership.tagValue,
        });
      }
    }
    return out;
  }

  async apply(change: Change<'glue-table'>): Promise<void> {
    if (change.action === 'delete') {
      throw new Error(`Refusing to delete Glue table ${change.name}: org-compliance never deletes tables`);
    }
    if (change.action === 'no-op') return;
    const table = change.after;
    if (!table) throw new Error(`Change ${change.key} (${change.action}) carries no Glue table properties`);
    await this.store.update((state) => {
      state.glueTables[change.region] ??= {};
      const tables = state.glueTables[change.region] ?? {};
      tables[`${table.database}.${table.name}`] = table;
    });
  }
}

export function createLocalTarget(
  org: OrgConfig,
  dir: string,
  options: { today?: string; progress?: ProgressReporter } = {},
): Target & { store: LocalStore } {
  const store = new LocalStore(dir);
  const today = options.today ?? toIsoDate(new Date());
  const views = new LocalAthenaViewProvider(store, org, today);
  const compact = async (o: CompactOptions = {}): Promise<CompactionResult> => {
    const table = (await store.load()).glueTables[org.glue.region]?.[
      `${org.glue.database}.${org.glue.table}`
    ];
    if (!table) {
      throw new Error(
        `The Glue table ${org.glue.database}.${org.glue.table} is not deployed on the local target (${store.dir}): run apply first`,
      );
    }
    const { compactLocal } = await loadLocalEngine(
      'Compaction on the local target',
      () => import('../../engines/duckdb/compact.js'),
    );
    const progress = o.progress ?? options.progress;
    const result = await compactLocal({
      s3Root: store.s3Path(''),
      table,
      data: org.data,
      today,
      days: org.compliance.trendDays,
      ...present({ workers: o.workers }),
      ...present({ onDay: dayProgress(progress) }),
    });
    // New days change what the dashboard pages show (not while they are being drawn). A page that
    // cannot be drawn does not fail the command that compacted (the report): it is named instead.
    if (result.written.length > 0 && !refreshing)
      await refreshPages(progress).catch((e: unknown) =>
        (progress ?? options.progress)?.(
          `Warning: the dashboard pages were not drawn again with the new days: ${errorMessage(e)}`,
        ),
      );
    return result;
  };
  let refreshing = false;
  const refreshPages = async (progress?: ProgressReporter): Promise<void> => {
    refreshing = true;
    try {
      await refreshDashboardPages({
        store,
        today,
        openSession: openQuerySession,
        ...present({ progress: progress ?? options.progress }),
      });
    } finally {
      refreshing = false;
    }
  };
  const openQuerySession = async (): Promise<QuerySession> => {
    // The views read the compacted tables: bring them up to date with the snapshot files first
    // (nothing is written when they are).
    await compact();
    // A memory limit keeps DuckDB's share of the session bounded (what does not fit spills to a
    // temporary file).
    const engine = await openLocalEngine(store, org, today, undefined, { memoryLimit: '512MB' });
    // One DuckDB connection answers one query at a time.
    let queue: Promise<unknown> = Promise.resolve();
    return {
      query: (sql) => {
        const next = queue.then(() => engine.query(sql));
        queue = next.catch(() => {});
        return next;
      },
      close: async () => {
        await queue;
        engine.close();
      },
    };
  };
  return {
    name: 'local',
    store,
    applyLock: new LocalApplyLock(store.dir),
    organization: { readOrganization: () => store.readOrganization() },
    providers: {
      'config-rule': new LocalConfigRuleProvider(store, org),
      'glue-table': new LocalGlueTableProvider(store, org),
      'table-data': new LocalTableDataProvider(store),
      'athena-view': views,
      ...createLocalQuickSight({
        store,
        today,
        openSession: openQuerySession,
        ...present({ progress: options.progress }),
      }),
    },
    writeCount: () => store.writeCount(),
    quickSightAccountId: async () => org.quicksight.accountId ?? LOCAL_ACCOUNT_ID,
    openQuerySession,
    compact,
    afterApply: refreshPages,
  };
}
