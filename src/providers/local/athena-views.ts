/**
 * Athena views on the local target: kept in state.json, and proven by creating each in DuckDB
 * over the deployed table (after translation from Athena's dialect) before it is recorded, so a
 * broken view fails here with its name as it would in Athena.
 */

import { join } from 'node:path';
import { isCompactedTable } from '../../desired/compacted-tables.js';
import type { DuckDbEngine } from '../../engines/duckdb/engine.js';
import { loadLocalEngine } from '../../engines/local-engine.js';
import type { OrgConfig } from '../../model/config.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import { type AthenaViewProperties, type CurrentResource, resourceKey } from '../../model/resources.js';
import type { LocalStore } from './store.js';

/** Under the local target's directory: the views' and queries' DuckDB translations (see transpile-cache.ts). */
export const TRANSPILE_CACHE = 'cache/duckdb-sql.json';

/** Opens DuckDB over the deployed table with every deployed view; views that no longer build are skipped. */
export async function openLocalEngine(
  store: LocalStore,
  org: OrgConfig,
  today: string,
  onViewError?: (view: AthenaViewProperties, error: Error) => void,
  options: { memoryLimit?: string; threads?: number } = {},
): Promise<DuckDbEngine> {
  const state = await store.load();
  const table = state.glueTables[org.glue.region]?.[`${org.glue.database}.${org.glue.table}`];
  if (!table) {
    throw new Error(
      `The Glue table ${org.glue.database}.${org.glue.table} is not deployed on the local target (${store.dir}): run apply first`,
    );
  }
  // Loaded on demand: DuckDB is a native module that the aws target never needs.
  const { DuckDbEngine, createViewsInOrder } = await loadLocalEngine(
    'The local target',
    () => import('../../engines/duckdb/engine.js'),
  );
  // The reference tables (accounts, rules, exceptions) and the compacted tables beside it, as
  // apply deployed them.
  const tables = Object.values(state.glueTables[org.glue.region] ?? {}).filter(
    (t) =>
      t.database === org.glue.database &&
      t.name !== org.glue.table &&
      (t.partitionKeys.length === 0 || isCompactedTable(t)),
  );
  const engine = await DuckDbEngine.open({
    s3Root: store.s3Path(''),
    table,
    tables,
    today,
    transpileCache: join(store.dir, TRANSPILE_CACHE),
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  });
  const views = Object.values(state.athenaViews?.[org.glue.region] ?? {}).filter(
    (v) => v.database === org.glue.database,
  );
  await createViewsInOrder(engine, views, onViewError ?? (() => {}));
  return engine;
}

export class LocalAthenaViewProvider implements Provider<'athena-view'> {
  readonly kind = 'athena-view';
  private engine: Promise<DuckDbEngine> | undefined;

  constructor(
    private readonly store: LocalStore,
    private readonly org: OrgConfig,
    private readonly today: string,
  ) {}

  async read(): Promise<CurrentResource<'athena-view'>[]> {
    const state = await this.store.load();
    const out: CurrentResource<'athena-view'>[] = [];
    for (const [region, views] of Object.entries(state.athenaViews ?? {})) {
      for (const [qualified, properties] of Object.entries(views)) {
        // Everything in the local state was put there by this tool.
        out.push({
          kind: 'athena-view',
          key: resourceKey('athena-view', region, qualified),
          region,
          properties,
          owned: true,
        });
      }
    }
    return out;
  }

  async apply(change: Change<'athena-view'>): Promise<void> {
    if (change.action === 'no-op') return;
    this.engine ??= openLocalEngine(this.store, this.org, this.today);
    const engine = await this.engine;
    if (change.action === 'delete') {
      const before = change.before;
      if (!before) throw new Error(`Change ${change.key} (delete) carries no Athena view properties`);
      await engine.dropView(before.database, before.name);
      await this.store.update((state) => {
        delete state.athenaViews?.[change.region]?.[`${before.database}.${before.name}`];
      });
      return;
    }
    const view = change.after;
    if (!view) throw new Error(`Change ${change.key} (${change.action}) carries no Athena view properties`);
    await engine.createView(view);
    await this.store.update((state) => {
      state.athenaViews ??= {};
      state.athenaViews[change.region] ??= {};
      const views = state.athenaViews[change.region] ?? {};
      views[`${view.database}.${view.name}`] = view;
    });
  }

  /** Closes the DuckDB instance opened by apply, if any. */
  async close(): Promise<void> {
    if (this.engine) (await this.engine).close();
    this.engine = undefined;
  }
}
