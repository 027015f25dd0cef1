/**
 * Benchmark: a no-op plan on the aws target against an in-process fake Organization of 5,000
 * accounts in 200 OUs with the 68-rule catalog deployed in 3 regions and quicksight/ deployed,
 * 50 ms of latency per call.
 * Prints the API calls made against the minimum possible for that data, and the wall time against
 * the critical path (the longest chain of calls that must be sequential) and against the floor
 * that the Organizations concurrency limit allows. Figures are ratios measured in this run.
 */
import { resolve } from 'node:path';
import { apply } from '../apply/apply.js';
import { syntheticOrganization } from '../demo/synthetic-org.js';
import { loadRepository } from '../load/index.js';
import type { Account, Repository } from '../model/config.js';
import { runPlan } from '../pipeline/plan.js';
import { createAwsTarget } from '../providers/aws/target.js';
import { FakeAws } from './fake-aws.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5000);
const OUS = Number(process.env.BENCH_OUS ?? 200);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const TODAY = '2026-11-28';
const ORG_PAGE = 20;
const CONFIG_PAGE = 100;
const GLUE_TABLES_PAGE = 100;
const QUICKSIGHT_PAGE = 100;

function pages(n: number, size: number): number {
  return Math.max(1, Math.ceil(n / size));
}

/** The repository with a synthetic Organization, everything deployed, and a fake with latency holding it. */
async function setUp() {
  const root = resolve(import.meta.dirname, '../..');
  const loaded = await loadRepository(root);
  if (!loaded.repository) throw new Error('config/ does not load; run validate');
  const org = syntheticOrganization({
    organizationId: loaded.repository.org.organizationId,
    accounts: ACCOUNTS,
    ous: OUS,
    seed: 5000,
    until: '2026-10-31',
  });
  const accounts: Account[] = org.accounts.map((a) => ({
    id: a.id,
    name: a.name,
    state: a.state as Account['state'],
    ouPath: a.ouPath,
    joined: a.joined,
    ...(a.state === 'ACTIVE' ? {} : { closed: '2026-10-01' }),
    extra: {},
  }));
  const repo: Repository = { ...loaded.repository, accounts };

  // Deploy everything with no latency, so the measured plan is a no-op.
  const fake = new FakeAws(org);
  // No waiting between QuickSight's status looks while setting up.
  const setup = createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {} });
  const deployed = await apply((await runPlan(repo, setup, { today: TODAY })).plan, setup, {
    concurrency: 16,
  });
  if (!deployed.ok) throw new Error('setup apply failed');

  const measured = new FakeAws(org, { latencyMs: LATENCY_MS });
  for (const [region, rules] of fake.rules) measured.rules.set(region, rules);
  for (const [region, tables] of fake.tables) measured.tables.set(region, tables);
  for (const [region, dbs] of fake.databases) measured.databases.set(region, dbs);
  for (const [region, parameters] of fake.databaseParameters)
    measured.databaseParameters.set(region, parameters);
  for (const [key, object] of fake.objects) measured.objects.set(key, object);
  for (const [key, store] of fake.quickSight.stores) measured.quickSight.stores.set(key, store);
  return { repo, org, fake, measured };
}

type SetUp = Awaited<ReturnType<typeof setUp>>;

/** The fewest calls a plan of this data can make, per service. */
function minimumCalls({ repo, fake, measured }: SetUp) {
  // Every parent needs at least one page of OUs and one of accounts.
  const parents = measured.parents();
  const organizations =
    2 + parents.reduce((n, p) => n + pages(p.ous, ORG_PAGE) + pages(p.accounts, ORG_PAGE), 0);
  const rulesPerRegion = repo.org.regions.map((r) => fake.rules.get(r)?.size ?? 0);
  const config = rulesPerRegion.reduce((n, count) => n + 2 * pages(count, CONFIG_PAGE), 0);
  // Glue: each desired table (GetTable: the snapshot table and the reference tables); for the
  // views, the database's ownership marker (GetDatabase) and every table of the database, views
  // included, 100 a page (GetTables). S3: each reference table's one object (GetObject).
  const database = repo.org.glue.database;
  const tablesInDatabase = [...(fake.tables.get(repo.org.glue.region)?.keys() ?? [])].filter((key) =>
    key.startsWith(`${database}.`),
  ).length;
  const referenceTables = fake.objects.size;
  const glue = 1 + referenceTables + 1 + pages(tablesInDatabase, GLUE_TABLES_PAGE);
  const s3 = referenceTables;
  // QuickSight, whatever the number of accounts: STS once for the account (unless org.yaml names
  // it); one page of each List* call per 100 resources; for every listed resource one
  // ListTagsForResource (ownership is a tag, and no List* answer carries tags) and one
  // Describe*Permissions; the body of each data set (DescribeDataSet), analysis and dashboard
  // (Describe*Definition), as their summaries carry none (ListDataSources' answer does); and one
  // ListRefreshSchedules per SPICE data set. A data set is one resource however many providers
  // look at it: listing the data sets or reading their tags twice counts above this minimum.
  const qs = fake.quickSight.store(repo.org.quicksight.region);
  const dataSets = [...qs.dataSets.values()];
  const spice = dataSets.filter((d) => d.body.ImportMode === 'SPICE').length;
  const counts = [qs.dataSources.size, qs.dataSets.size, qs.analyses.size, qs.dashboards.size];
  const listed = counts.reduce((n, c) => n + c, 0);
  const quickSight =
    repo.quicksight.length === 0
      ? 0
      : (repo.org.quicksight.accountId ? 0 : 1) +
        counts.reduce((n, c) => n + pages(c, QUICKSIGHT_PAGE), 0) +
        2 * listed +
        qs.dataSets.size +
        qs.analyses.size +
        qs.dashboards.size +
        spice;
  return { organizations, config, glue, s3, quickSight, parents, rulesPerRegion, counts, dataSets, spice };
}

/**
 * The longest chain of calls that must run one after another: a parent is known once the page
 * naming it arrives, and its OU pages and account pages are each a sequential chain; Config rules
 * and statuses page independently; QuickSight needs the account (STS), then a list's pages, then
 * calls per listed resource, which can all run at once.
 */
function criticalPathCalls(repo: Repository, min: ReturnType<typeof minimumCalls>): number {
  const byId = new Map(min.parents.map((p) => [p.id, p]));
  const found = new Map<string, number>();
  const foundAt = (id: string): number => {
    const cached = found.get(id);
    if (cached !== undefined) return cached;
    const p = byId.get(id);
    const value = !p?.parentId ? 1 : foundAt(p.parentId) + Math.floor(p.indexInParent / ORG_PAGE) + 1;
    found.set(id, value);
    return value;
  };
  const orgChain = Math.max(
    ...min.parents.map((p) => foundAt(p.id) + Math.max(pages(p.ous, ORG_PAGE), pages(p.accounts, ORG_PAGE))),
  );
  const configChain = Math.max(...min.rulesPerRegion.map((n) => pages(n, CONFIG_PAGE)));
  const quickSightChain =
    min.quickSight === 0
      ? 0
      : (repo.org.quicksight.accountId ? 0 : 1) +
        Math.max(...min.counts.map((c) => pages(c, QUICKSIGHT_PAGE))) +
        1;
  return Math.max(orgChain, configChain, quickSightChain, 1);
}

async function main(): Promise<void> {
  const world = await setUp();
  const { repo, org, measured } = world;
  const target = createAwsTarget(repo.org, {
    clients: measured.clients(),
    organizationConcurrency: CONCURRENCY,
  });

  const started = performance.now();
  const { plan, accounts: accountChanges } = await runPlan(repo, target, { today: TODAY });
  const wallMs = performance.now() - started;
  if (plan.hasChanges || accountChanges.changed) throw new Error('the benchmark plan is not a no-op');

  const min = minimumCalls(world);
  const minimum = min.organizations + min.config + min.glue + min.s3 + min.quickSight;
  const made = measured.calls.length;
  const orgMade = measured.calls.filter((c) => c.service === 'organizations').length;
  const glueMade = measured.calls.filter((c) => c.service === 'glue').length;
  const s3Made = measured.calls.filter((c) => c.service === 's3').length;
  const quickSightMade = measured.calls.filter(
    (c) => c.service === 'quicksight' || c.service === 'sts',
  ).length;
  const criticalCalls = criticalPathCalls(repo, min);
  const criticalMs = criticalCalls * LATENCY_MS;
  const concurrencyFloorMs = Math.max(criticalMs, Math.ceil(min.organizations / CONCURRENCY) * LATENCY_MS);
  const { parents, counts, dataSets, spice, rulesPerRegion } = min;

  const rows: [string, string][] = [
    [
      'organization',
      `${org.accounts.length} accounts, ${parents.length - 1} OUs (depth ${Math.max(...parents.map((p) => p.depth))})`,
    ],
    [
      'catalog',
      `${repo.rules.length} rules in ${repo.org.regions.length} regions (${rulesPerRegion.join(' + ')} deployed)`,
    ],
    [
      'quicksight',
      `${counts[0]} data source, ${counts[1]} data sets (${spice} SPICE, ${dataSets.reduce((n, d) => n + d.schedules.size, 0)} refresh schedules), ${counts[2]} analysis, ${counts[3]} dashboard`,
    ],
    ['latency per call', `${LATENCY_MS} ms; Organizations concurrency ${CONCURRENCY}`],
    [
      'API calls made',
      `${made} (Organizations ${orgMade}, Config ${made - orgMade - glueMade - s3Made - quickSightMade}, Glue ${glueMade}, S3 ${s3Made}, QuickSight and STS ${quickSightMade})`,
    ],
    [
      'minimum possible calls',
      `${minimum} (Organizations ${min.organizations}, Config ${min.config}, Glue ${min.glue}, S3 ${min.s3}, QuickSight and STS ${min.quickSight})`,
    ],
    ['calls / minimum', (made / minimum).toFixed(3)],
    ['wall time', `${wallMs.toFixed(0)} ms`],
    ['critical path', `${criticalCalls} calls = ${criticalMs} ms`],
    ['wall / critical path', (wallMs / criticalMs).toFixed(2)],
    [
      'floor with the concurrency limit',
      `${concurrencyFloorMs} ms (max of critical path and ${min.organizations} calls / ${CONCURRENCY})`,
    ],
    ['wall / concurrency floor', (wallMs / concurrencyFloorMs).toFixed(2)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('No-op plan on the aws target (in-process fake AWS)');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

await main();
