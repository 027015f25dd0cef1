/**
 * QuickSight on the local target: what apply "deploys" is kept in state.json (the resolved,
 * normalised bodies and permissions, like the aws target reads them back), and deploying a
 * dashboard renders it to a static page, quicksight/dashboards/<id>.html under the local
 * directory, with its data sets' rows from DuckDB. Deleting a dashboard removes its page. The page
 * is drawn again whenever the data it shows changes (refreshDashboardPages): the local target
 * calls it after an apply that changed anything and after a compaction that wrote days.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadLocalEngine } from '../../engines/local-engine.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { ProgressReporter, Provider, QuerySession } from '../../model/provider.js';
import type { QuickSightKind, QuickSightProperties } from '../../model/quicksight.js';
import type { CurrentResource, DesiredResource } from '../../model/resources.js';
import type { LocalStore } from './store.js';

/** The account id of QuickSight ARNs on the local target when config/org.yaml names none. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Where the local target puts a deployed dashboard's page, relative to its directory. */
export function dashboardPagePath(dir: string, dashboardId: string): string {
  return join(dir, 'quicksight', 'dashboards', `${dashboardId}.html`);
}

export interface LocalQuickSightOptions {
  store: LocalStore;
  /** The day the data is "as of" (the engine's today). */
  today: string;
  /** A query session over the deployed table and views (DuckDB). */
  openSession: () => Promise<QuerySession>;
  progress?: ProgressReporter;
}

export class LocalQuickSightProvider<K extends QuickSightKind> implements Provider<K> {
  constructor(
    readonly kind: K,
    private readonly o: LocalQuickSightOptions,
  ) {}

  async read(_desired: DesiredResource<K>[]): Promise<CurrentResource<K>[]> {
    const state = await this.o.store.load();
    return Object.entries(state.quicksight[this.kind] ?? {}).map(
      ([key, properties]) =>
        ({
          kind: this.kind,
          key,
          region: key.split('/')[1] ?? '',
          properties,
          // The state file is the tool's own: everything in it was put there by apply.
          owned: true,
        }) as CurrentResource<K>,
    );
  }

  async apply(change: Change<K>): Promise<void> {
    assertKind(change, this.kind);
    if (change.action === 'no-op') return;
    const after: QuickSightProperties | undefined = change.after;
    const id = (after ?? change.before)?.id;
    if (id === undefined)
      throw new Error(`Change ${change.key} (${change.action}) carries no QuickSight properties`);
    if (this.kind === 'quicksight-dashboard') {
      const page = dashboardPagePath(this.o.store.dir, id);
      if (change.action === 'delete') await rm(page, { force: true });
      else if (after) await this.render(after, page);
    }
    await this.o.store.update((state) => {
      state.quicksight[this.kind] ??= {};
      const own: Record<string, QuickSightProperties> = state.quicksight[this.kind] ?? {};
      if (change.action === 'delete') delete own[change.key];
      else if (after) own[change.key] = after;
    });
  }

  /** Renders before the state records the dashboard: a page that cannot be built fails the change. */
  private async render(dashboard: QuickSightProperties, page: string): Promise<void> {
    const state = await this.o.store.load();
    await drawPage(this.o, state.quicksight['quicksight-data-set'] ?? {}, dashboard, page, false);
  }
}

/**
 * Reads a dashboard's data and writes its page, unless `onlyIfChanged` and the page on disk
 * already carries the fingerprint of this data (then nothing is written). True when written.
 */
async function drawPage(
  o: LocalQuickSightOptions,
  deployedDataSets: Record<string, QuickSightProperties>,
  dashboard: QuickSightProperties,
  page: string,
  onlyIfChanged: boolean,
): Promise<boolean> {
  const dataSets = new Map(Object.values(deployedDataSets).map((d) => [d.id, d.body] as const));
  // Loaded when a dashboard is drawn: the renderer and ECharts take most of a second to load,
  // which a command that draws nothing (the report) should not pay.
  const { loadDeployedDashboard, drawDashboard, pageFingerprint } = await loadLocalEngine(
    'Drawing the local dashboard',
    () => import('../../quicksight/render/index.js'),
  );
  const session = await o.openSession();
  let loaded: Awaited<ReturnType<typeof loadDeployedDashboard>>;
  try {
    loaded = await loadDeployedDashboard({
      body: dashboard.body,
      dashboardId: dashboard.id,
      dataSets,
      query: (sql, what) => session.query(sql, what),
      generatedAt: o.today,
    });
  } finally {
    await session.close();
  }
  if (onlyIfChanged) {
    const before = await readFile(page, 'utf8').catch(() => '');
    if (pageFingerprint(before) === loaded.fingerprint) return false;
  }
  o.progress?.(`Rendering dashboard ${dashboard.id} with data from DuckDB`);
  const html = drawDashboard(loaded).html;
  await mkdir(dirname(page), { recursive: true });
  const tmp = `${page}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, page);
  return true;
}

/**
 * Draws again every deployed dashboard whose data changed since its page was drawn (the page
 * records a fingerprint of the definition and of every row it read): after an apply that changed
 * reference data, views or data sets, and after a compaction that wrote days. Returns the ids of
 * the dashboards drawn.
 */
export async function refreshDashboardPages(o: LocalQuickSightOptions): Promise<string[]> {
  const state = await o.store.load();
  const drawn: string[] = [];
  const dashboards = Object.values(state.quicksight['quicksight-dashboard'] ?? {}).sort((a, b) =>
    a.id.localeCompare(b.id),
  );
  for (const d of dashboards) {
    const page = dashboardPagePath(o.store.dir, d.id);
    if (await drawPage(o, state.quicksight['quicksight-data-set'] ?? {}, d, page, true)) drawn.push(d.id);
  }
  return drawn;
}

export type LocalQuickSightProviders = { [K in QuickSightKind]: LocalQuickSightProvider<K> };

export function createLocalQuickSight(o: LocalQuickSightOptions): LocalQuickSightProviders {
  return {
    'quicksight-data-source': new LocalQuickSightProvider('quicksight-data-source', o),
    'quicksight-data-set': new LocalQuickSightProvider('quicksight-data-set', o),
    'quicksight-refresh-schedule': new LocalQuickSightProvider('quicksight-refresh-schedule', o),
    'quicksight-analysis': new LocalQuickSightProvider('quicksight-analysis', o),
    'quicksight-dashboard': new LocalQuickSightProvider('quicksight-dashboard', o),
  };
}
