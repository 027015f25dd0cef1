/**
 * What the Trino suite runs against: one generated organization, its snapshot files uploaded to
 * moto's S3 with the real keys, the Glue table written into moto's Glue by our own apply, Trino
 * reading both through its Hive connector (Glue metastore, native S3, Athena's partition
 * projection) with every view created in it, and DuckDB (the local target) over the same files.
 */

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { parseDocument } from 'yaml';
import { apply } from '../../../src/apply/apply.js';
import { writeSnapshots } from '../../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../../src/demo/workspace.js';
import { desiredResources } from '../../../src/desired/index.js';
import { desiredViews } from '../../../src/desired/views.js';
import { loadRepository } from '../../../src/load/index.js';
import { loadViewCanonicalizer } from '../../../src/load/view-canonical.js';
import type { Repository } from '../../../src/model/config.js';
import { toIsoDate } from '../../../src/model/dates.js';
import type { ApplyResult, Plan } from '../../../src/model/plan.js';
import type { QuerySession } from '../../../src/model/provider.js';
import {
  type AthenaViewProperties,
  type DesiredResource,
  type GlueTableProperties,
  resourcesOfKind,
} from '../../../src/model/resources.js';
import { runPlan } from '../../../src/pipeline/plan.js';
import { plan } from '../../../src/plan/plan.js';
import { AwsAthenaViewProvider, type ViewStatementRunner } from '../../../src/providers/aws/athena-views.js';
import { type AwsClients, createAwsClients } from '../../../src/providers/aws/clients.js';
import { tableInputFromProperties } from '../../../src/providers/aws/glue-table.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { type AwsTarget, createAwsTarget } from '../../../src/providers/aws/target.js';
import { createLocalTarget } from '../../../src/providers/local/target.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../../helpers/expected.js';
import { REPO_ROOT } from '../../helpers/repo.js';
import { MOTO_CREDENTIALS, type Moto, motoS3Client, startMoto, uploadTree } from '../harness/moto.js';
import {
  ensureTrino,
  findJava,
  glueHiveCatalog,
  progress,
  startTrino,
  type Trino,
  type TrinoClient,
  TrinoQueryError,
} from '../harness/trino.js';

/**
 * The demo's exceptions name no tag; two more that do, fitted to the generated data, so that both
 * engines judge tags too: one with two tags of a resource that catalog rules evaluate (it covers
 * that resource and any other carrying both), one with the same two tags, one of them with
 * another value (it covers nothing), first by id. Returns the repository loaded again.
 */
async function withTaggedExceptions(
  root: string,
  localDir: string,
  repo: Repository,
  today: string,
): Promise<Repository> {
  const projected = new Set(repo.accounts.map((a) => a.id));
  const daily = newestPerDay(await readSnapshots(join(localDir, 's3'), repo, projected));
  const skip = repo.org.compliance.excludeTag?.key;
  const pair = daily
    .flatMap((f) => evaluationsOf(f, repo))
    .filter((e) => e.inCatalog)
    .map((e) => Object.entries(e.tags).filter(([k]) => k !== skip))
    .find((tags) => tags.length >= 2);
  if (!pair) throw new Error('the generated data has no catalog evaluation of a resource with two tags');
  const [[k1, v1], [k2, v2]] = pair as [[string, string], [string, string]];
  const q = (v: string) => JSON.stringify(v);
  const file = join(root, 'config', 'exceptions.yaml');
  const text = `${(await readFile(file, 'utf8')).replace(/^exceptions: \[\]$/m, 'exceptions:')}  - id: a-tags-one-off
    rules: ['*']
    tags: {${q(k1)}: ${q(v1)}, ${q(k2)}: ${q(`${v2}-other`)}}
    reason: Covers nothing - one of its tags has another value on every resource.
    owner: team-platform
    expires: '${addDays(today, 30)}'
  - id: b-tags-both
    rules: ['*']
    tags: {${q(k1)}: ${q(v1)}, ${q(k2)}: ${q(v2)}}
    reason: Resources carrying both tags are reviewed together.
    owner: team-platform
    expires: '${addDays(today, 30)}'
`;
  await writeFile(file, text);
  const loaded = await loadRepository(root, { today, previousExceptionsText: text });
  if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.repository;
}

/** Athena's catalog name: the views resolve `"org_compliance".x` in it, as they would in Athena. */
export const CATALOG = 'awsdatacatalog';
/** The bucket's region on moto (the Glue table's region comes from config/org.yaml). */
const S3_REGION = 'us-east-1';
const ACCOUNTS = 8;
const REGIONS = 2;
const SEED = 77;
/** moto's default account: the QuickSight ARNs of the desired state name it (QuickSight is not on moto). */
const MOTO_ACCOUNT = '123456789012';

/**
 * Days of snapshots ending today: at least 6, and reaching back to a day whose month or day of
 * month has one digit, so a `yyyy/MM/dd` projection (zero-padded) misses files whatever today is.
 */
export function daysOfData(today: string, min = 6): number {
  const [, month, day] = today.split('-').map(Number) as [number, number, number];
  if (month < 10 || day - (min - 1) <= 9) return min;
  return day - 8; // back to the 9th of this month
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface ViewResult {
  columns: { name: string; type: string }[];
  trino: unknown[][];
  duckdb: Record<string, unknown>[];
}

export interface World {
  today: string;
  days: number;
  repo: Repository;
  /** The local target's directory: org.json, state.json and s3/<bucket>/<key>. */
  localDir: string;
  moto: Moto;
  trino: Trino;
  /** Trino, with Athena's catalog and the Glue database as the session's. */
  client: TrinoClient;
  /** DuckDB through the local target's query session over the same files. */
  duckdb: QuerySession;
  /** Every view as apply deploys it (generated VALUES views first), in creation order. */
  views: DesiredResource<'athena-view'>[];
  /** The aws target pointed at moto (write mode). */
  aws: AwsTarget;
  /**
   * Our athena-view provider as apply runs it on AWS, with Trino in Athena's place: the DDL goes to
   * Trino, which stores each view in Glue on moto; the provider reads and marks them there.
   */
  viewProvider: AwsAthenaViewProvider;
  glue: GlueClient;
  /** Milliseconds per phase, in the order they ran. */
  timings: [phase: string, ms: number][];
  time<T>(phase: string, work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** The desired Glue table of the repository (there is one). */
/** The desired Glue table `name` (default: the snapshot table). */
export function desiredTable(
  repo: Repository,
  today: string,
  name = repo.org.glue.table,
): DesiredResource<'glue-table'> {
  const [table] = desiredResources(repo, today, { quickSightAccountId: MOTO_ACCOUNT }).filter(
    (d): d is DesiredResource<'glue-table'> => d.kind === 'glue-table' && d.properties.name === name,
  );
  if (!table) throw new Error(`desired state has no Glue table ${name}`);
  return table;
}

/**
 * Our plan and apply of the Glue tables (snapshots and reference tables) and the reference data
 * (objects in moto's S3): the kinds of the aws target that moto serves, before any view.
 */
export async function applyDataKinds(
  aws: AwsTarget,
  repo: Repository,
  today: string,
): Promise<{ plan: Plan; result: ApplyResult }> {
  const desired = desiredResources(repo, today, { quickSightAccountId: MOTO_ACCOUNT }).filter(
    (d) => d.kind === 'glue-table' || d.kind === 'table-data',
  );
  const current = [
    ...(await aws.providers['glue-table'].read(resourcesOfKind(desired, 'glue-table'))),
    ...(await aws.providers['table-data'].read(resourcesOfKind(desired, 'table-data'))),
  ];
  const planned = plan(desired, current);
  const result = await apply(planned, aws);
  if (!result.ok) throw new Error(`apply of the tables on moto failed: ${JSON.stringify(result.results)}`);
  return { plan: planned, result };
}

/** Athena's place taken by Trino: each statement runs there, a failure names what it was for. */
export function trinoAsAthena(client: TrinoClient, region: string): ViewStatementRunner {
  return {
    region,
    run: async (sql, what) => {
      try {
        return await client.query(sql);
      } catch (e) {
        throw new Error(`${what} failed on Trino: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

/** The views of `desired` deployed through our provider (plan against what it reads, then apply in order). */
export async function deployViews(
  provider: AwsAthenaViewProvider,
  desired: DesiredResource<'athena-view'>[],
): Promise<Plan> {
  const planned = plan(desired, await provider.read(desired));
  if (planned.conflicts.length) throw new Error(planned.conflicts.map((c) => c.message).join('\n'));
  for (const change of planned.changes) {
    if (change.kind === 'athena-view' && change.action !== 'no-op') await provider.apply(change);
  }
  return planned;
}

/** Our plan and apply for the Glue table alone (the aws target's other kinds are not on moto). */
export async function applyGlueTable(
  aws: AwsTarget,
  repo: Repository,
  today: string,
  name = repo.org.glue.table,
): Promise<{ plan: Plan; result: ApplyResult }> {
  const desired = [desiredTable(repo, today, name)];
  // The provider always reads the snapshot table too: only the table named is planned here.
  const current = (await aws.providers['glue-table'].read(desired)).filter((c) => c.key === desired[0]?.key);
  const planned = plan(desired, current);
  const result = await apply(planned, aws);
  if (!result.ok)
    throw new Error(`apply of the Glue table on moto failed: ${JSON.stringify(result.results)}`);
  return { plan: planned, result };
}

/** Replaces the table on moto by UpdateTable with `mutate` applied to what GetTable reads now. */
export async function updateTableBehindOurBack(
  world: World,
  mutate: (p: GlueTableProperties) => void,
  name = world.repo.org.glue.table,
): Promise<void> {
  const desired = desiredTable(world.repo, world.today, name);
  const current = (await world.aws.providers['glue-table'].read([desired])).find(
    (c) => c.key === desired.key,
  );
  if (!current) throw new Error('the Glue table is not on moto');
  const properties = structuredClone(current.properties);
  mutate(properties);
  await world.glue.send(
    new UpdateTableCommand({
      DatabaseName: properties.database,
      TableInput: tableInputFromProperties(properties),
    }),
  );
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates the views on Trino in rank order, `CREATE OR REPLACE VIEW "<db>"."<name>" AS <sql>`.
 * A view Trino refuses fails with its name, its file and Trino's message (line and column are
 * those of the view's SQL).
 */
export async function createViewsOnTrino(
  client: TrinoClient,
  views: Pick<DesiredResource<'athena-view'>, 'rank' | 'properties'>[],
  files: Map<string, string> = new Map(),
): Promise<void> {
  for (const view of [...views].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))) {
    const { database, name, sql } = view.properties;
    try {
      await client.query(`CREATE OR REPLACE VIEW ${quote(database)}.${quote(name)} AS ${sql}`);
    } catch (e) {
      const where =
        e instanceof TrinoQueryError && e.line !== undefined ? ` at line ${e.line}:${e.column}` : '';
      throw new Error(
        `view ${name} (${files.get(name) ?? 'generated'}) is not valid on Trino${where}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
}

/** `SELECT * FROM "<db>"."<view>"` on both engines. */
export async function queryView(world: World, view: AthenaViewProperties): Promise<ViewResult> {
  const sql = `SELECT * FROM ${quote(view.database)}.${quote(view.name)}`;
  const [trino, duckdb] = await Promise.all([
    world.client.query(sql).catch((e: Error) => {
      throw new Error(`view ${view.name} failed on Trino: ${e.message}`, { cause: e });
    }),
    world.duckdb.query(sql, view.name).catch((e: Error) => {
      throw new Error(`view ${view.name} failed on DuckDB: ${e.message}`, { cause: e });
    }),
  ]);
  return { columns: trino.columns, trino: trino.rows, duckdb };
}

/** SDK clients on moto with its dummy credentials. */
export function motoClients(endpoint: string): AwsClients {
  const credentials = async () => ({ ...MOTO_CREDENTIALS });
  return createAwsClients({ endpoint, credentials: { management: credentials, data: credentials } });
}

export interface WorldOptions {
  /** Accounts of the generated organization (default 8). */
  accounts?: number;
  /** Regions: the first this many of the demo's (default 2). */
  regions?: number;
  /** Days of snapshots ending today (default `daysOfData(today)`). */
  days?: number;
  /**
   * Keeps config/org.yaml's `projection.startDate` and `compliance.trendDays` as shipped instead of
   * fitting them to the short data set (default false: fitted, see `buildWorld`), for measuring
   * what a real organization's range costs.
   */
  shippedProjection?: boolean;
  /** Trino's JVM heap, e.g. `6G` (default: the harness's, 2G). */
  trinoHeap?: string;
  /** Properties added to (or replacing those of) the Glue Hive catalog (default none). */
  catalogProperties?: Record<string, string>;
  /** One account whose newest snapshot files hold this many more resources (over 32 MB). */
  large?: { resources: number; days?: number };
}

/**
 * Builds the world. Whatever was started is stopped again when a later step fails; otherwise
 * `stop()` does it (and the harness ends leftover servers when the process exits).
 */
export async function buildWorld(options: WorldOptions = {}): Promise<World> {
  const today = toIsoDate(new Date());
  const days = options.days ?? daysOfData(today);
  const accounts = options.accounts ?? ACCOUNTS;
  const regions = options.regions ?? REGIONS;
  const timings: [string, number][] = [];
  const time = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      const ms = Date.now() - started;
      timings.push([phase, ms]);
      progress(`${phase}: ${(ms / 1000).toFixed(1)} s`);
    }
  };
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {});
  };

  try {
    const base = await mkdtemp(join(tmpdir(), 'org-compliance-trino-world-'));
    stops.push(() => rm(base, { recursive: true, force: true }));
    const localDir = join(base, 'local');
    const root = join(base, 'repo');

    // Trino's download and unpack (when not cached) run while the organization is generated.
    // A missing JDK fails here, before anything else is started.
    const installing = time('Trino download/unpack (when not cached)', async () => {
      await findJava();
      return ensureTrino();
    });
    installing.catch(() => {});

    const repo = await time(`generate ${accounts} accounts × ${regions} regions × ${days} days`, async () => {
      await mkdir(localDir, { recursive: true });
      const organization = syntheticOrganization({
        organizationId: 'o-a1b2c3d4e5',
        accounts,
        ous: 6,
        seed: SEED,
        until: today,
      });
      await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
      await prepareDemoWorkspace({
        sourceRoot: REPO_ROOT,
        root,
        organization,
        notYetListed: [],
        regions,
        today,
      });
      // Two settings fitted to a short data set, for Trino's sake (DuckDB reads the same config),
      // unless options.shippedProjection keeps the shipped ones:
      // - Trino enumerates every partition of the projection's range on each table scan and then
      //   filters them (a range from 2025 is ~20,000 partitions per scan, seconds of planning);
      //   the range starts a month before the data here.
      // - The views list every partition of their trend window, and Trino lists empty ones again
      //   on every scan (listings of non-empty ones are cached): a window just longer than the
      //   data keeps a few empty days without listing months of them on moto.
      if (!options.shippedProjection) {
        const orgYaml = join(root, 'config', 'org.yaml');
        const doc = parseDocument(await readFile(orgYaml, 'utf8'));
        doc.setIn(['projection', 'startDate'], addDays(today, -(days + 30)));
        doc.setIn(['compliance', 'trendDays'], days + 2);
        await writeFile(orgYaml, doc.toString({ lineWidth: 0 }));
      }
      // One rule kept out of two active accounts (excludedAccounts), so that both engines judge
      // coverage's exclusion of them too (catalog_rules.excluded_accounts).
      const kept = organization.accounts.filter((a) => a.state === 'ACTIVE').slice(0, 2);
      const rulesYaml = join(root, 'config', 'rules.yaml');
      const rulesText = await readFile(rulesYaml, 'utf8');
      await writeFile(
        rulesYaml,
        rulesText.replace(
          /(- name: security-iam-password-policy\n)/,
          `$1    excludedAccounts: [${kept.map((a) => `'${a.id}'`).join(', ')}]\n`,
        ),
      );
      const loaded = await loadRepository(root, { today });
      if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
      await writeSnapshots({
        org: loaded.repository.org,
        organization,
        rules: loaded.repository.rules,
        days,
        until: today,
        seed: SEED,
        s3Dir: join(localDir, 's3'),
        ...(options.large ? { large: options.large } : {}),
      });
      return await withTaggedExceptions(root, localDir, loaded.repository, today);
    });

    const moto = await time('moto start', () => startMoto());
    stops.push(() => moto.stop());
    // Trino starts while the files are uploaded and DuckDB reads them; it needs moto's endpoint.
    await installing;
    const trinoStarting = time('Trino start', () =>
      startTrino({
        catalogs: {
          [CATALOG]: {
            ...glueHiveCatalog(
              {
                endpoint: moto.endpoint,
                accessKey: MOTO_CREDENTIALS.accessKeyId,
                secretKey: MOTO_CREDENTIALS.secretAccessKey,
              },
              {
                glueRegion: repo.org.glue.region,
                s3Region: S3_REGION,
                cachedTables: [`${repo.org.glue.database}.${repo.org.glue.table}`],
              },
            ),
            ...options.catalogProperties,
          },
        },
        session: { catalog: CATALOG, schema: repo.org.glue.database },
        ...(options.trinoHeap ? { heap: options.trinoHeap } : {}),
      }),
    );
    // An unhandled rejection must not escape while the other steps run; it is awaited below.
    trinoStarting.catch(() => {});
    stops.push(async () => (await trinoStarting.catch(() => undefined))?.stop());

    await time('upload snapshots to moto S3', async () => {
      const s3 = motoS3Client(moto, S3_REGION);
      try {
        const bucket = repo.org.snapshots.bucket;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await uploadTree(s3, bucket, join(localDir, 's3', bucket));
      } finally {
        s3.destroy();
      }
    });

    const credentials = async () => ({ ...MOTO_CREDENTIALS });
    const aws = createAwsTarget(repo.org, {
      mode: 'write',
      clients: createAwsClients({
        endpoint: moto.endpoint,
        credentials: { management: credentials, data: credentials },
      }),
      maxAttempts: 2,
    });
    await time('our apply: Glue tables and reference data into moto', () => applyDataKinds(aws, repo, today));
    // The views read the compacted tables: our compaction from moto's S3 into moto's S3, as the
    // nightly workflow runs it (the local target compacts its own tree when its session opens).
    await time('our compaction: snapshot files on moto S3 into the compacted tables', () => aws.compact());
    const glue = new GlueClient({
      endpoint: moto.endpoint,
      region: repo.org.glue.region,
      credentials: MOTO_CREDENTIALS,
    });
    stops.push(async () => glue.destroy());

    const duckdb = await time('DuckDB: local apply + session', async () => {
      const local = createLocalTarget(repo.org, localDir, { today });
      const result = await apply((await runPlan(repo, local, { today })).plan, local);
      if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
      return createLocalTarget(repo.org, localDir, { today }).openQuerySession();
    });
    stops.push(() => duckdb.close());

    const trino = await trinoStarting;
    const client = trino.client;
    const views = desiredViews(repo, { today });
    const viewProvider = new AwsAthenaViewProvider({
      clients: motoClients(moto.endpoint),
      send: createSend({ retry: { maxAttempts: 2 } }),
      org: repo.org,
      runner: trinoAsAthena(client, repo.org.glue.region),
      canonical: () => loadViewCanonicalizer(),
    });
    await time(`create ${views.length} views the way Athena does (Trino, marked by our provider)`, () =>
      deployViews(viewProvider, views),
    );

    return {
      today,
      days,
      repo,
      localDir,
      moto,
      trino,
      client,
      duckdb,
      views,
      aws,
      viewProvider,
      glue,
      timings,
      time,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
