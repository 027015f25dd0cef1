/**
 * The `aws` target: the Organization, Organization Config Rules, the Glue table, the Athena views
 * and the QuickSight resources (made when first used, once the account is known), over one
 * send-wrapper that retries and counts writes.
 */

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type CompactionResult, dayProgress } from '../../compact/run.js';
import { loadLocalEngine } from '../../engines/local-engine.js';
import type { OrgConfig, TargetMode } from '../../model/config.js';
import { toIsoDate } from '../../model/dates.js';
import { organizationsRegion } from '../../model/partition.js';
import type { CompactOptions, ProgressReporter, Provider, Target } from '../../model/provider.js';
import type { QuickSightKind } from '../../model/quicksight.js';
import { present } from '../../model/values.js';
import type { AnalysisSource } from '../../quicksight/analysis-export.js';
import { AthenaQueryRunner } from './athena.js';
import { AwsAthenaViewProvider } from './athena-views.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from './clients.js';
import { AwsConfigRuleProvider } from './config-rules.js';
import { credentialSources } from './credentials.js';
import { AwsGlueTableProvider } from './glue-table.js';
import { S3ApplyLock } from './lock.js';
import { AwsOrganizationSource } from './organization.js';
import { awsAnalysisSource } from './quicksight/analysis-source.js';
import { createQuickSightProviders, type QuickSightProviders } from './quicksight/index.js';
import { type AwsSend, createSend, type RetryPolicy, type Sleep } from './retry.js';
import { AwsTableDataProvider } from './table-data.js';
import { WriteCounter } from './write-counter.js';

export interface AwsTargetOptions {
  /**
   * Which roles from config/org.yaml to assume: read for plan and discover, write for apply,
   * compact for compaction (the data account's compact role, no management role). Default read.
   */
  mode?: TargetMode;
  /** Injected clients (tests); otherwise built by createAwsClients with `endpoint`. */
  clients?: AwsClients;
  /** Endpoint override for every client (moto, LocalStack); `AWS_ENDPOINT_URL` works without it. */
  endpoint?: AwsClientOptions['endpoint'];
  /** Version in the `org-compliance/<version>` user agent; defaults to package.json's. */
  version?: AwsClientOptions['version'];
  sleep?: Sleep;
  random?: () => number;
  /** Milliseconds since the epoch; used to bound waits for busy Config rules. */
  now?: () => number;
  progress?: ProgressReporter;
  /** Attempts per AWS call, the first included. Default 8. */
  maxAttempts?: number;
  /** Parents (root or OU) read at once while walking the Organization. Default 8. */
  organizationConcurrency?: number;
  /** Bound and poll interval for Config rules busy in `*_IN_PROGRESS`. Defaults 10 min / 15 s. */
  busyTimeoutMs?: number;
  busyPollMs?: number;
  /** Bound and poll interval for QuickSight's asynchronous creates and updates. Defaults 10 min / 5 s. */
  quickSightTimeoutMs?: number;
  quickSightPollMs?: number;
}

export interface AwsTarget extends Target {
  readonly name: 'aws';
  /** Write requests per operation so far. */
  writesByOperation(): Record<string, number>;
  /** Runs SQL in org.athena.workgroup against org.glue.database (reports, checks). */
  readonly athena: AthenaQueryRunner;
  /** The analyses of the QuickSight account and region, for export-quicksight (same clients and account). */
  quickSightAnalyses(): Promise<AnalysisSource>;
}

export function createAwsTarget(org: OrgConfig, options: AwsTargetOptions = {}): AwsTarget {
  const mode = options.mode ?? 'read';
  const endpoint = present({ endpoint: options.endpoint });
  // Organizations answers in one region per partition: the home region says which partition.
  const orgRegion = organizationsRegion(org.homeRegion);
  const clients =
    options.clients ??
    createAwsClients({
      ...endpoint,
      ...present({ version: options.version }),
      credentials: credentialSources(org, mode, endpoint),
      organizationsRegion: orgRegion,
    });
  const writes = new WriteCounter();
  const retry: Partial<RetryPolicy> = {};
  if (options.sleep) retry.sleep = options.sleep;
  if (options.random) retry.random = options.random;
  if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
  const send = createSend({ retry, writes });

  const organization = new AwsOrganizationSource({
    clients,
    send,
    region: orgRegion,
    ...present({ concurrency: options.organizationConcurrency, progress: options.progress }),
  });
  const configRules = new AwsConfigRuleProvider({
    clients,
    send,
    regions: org.regions,
    descriptionMarker: org.ownership.descriptionMarker,
    ...present({
      busyTimeoutMs: options.busyTimeoutMs,
      busyPollMs: options.busyPollMs,
      now: options.now,
      sleep: options.sleep,
    }),
  });
  const glueTable = new AwsGlueTableProvider({ clients, send, org });
  const athena = new AthenaQueryRunner({
    clients,
    send,
    region: org.glue.region,
    workgroup: org.athena.workgroup,
    ...present({ outputLocation: org.athena.outputLocation }),
    database: org.glue.database,
    ...present({ now: options.now, sleep: options.sleep }),
  });
  const athenaViews = new AwsAthenaViewProvider({
    clients,
    send,
    org,
    runner: athena,
    // Loaded only when a view is read that this tool did not mark: it brings the SQL parser.
    canonical: async () => (await import('../../load/view-canonical.js')).loadViewCanonicalizer(),
  });

  const quickSight = lazyQuickSight(org, clients, send, options);

  return {
    name: 'aws',
    // The lock is written with the data credentials: only a write target takes it (apply).
    ...(mode === 'write' ? { applyLock: new S3ApplyLock(clients, send, org) } : {}),
    organization,
    providers: {
      'glue-table': glueTable,
      'table-data': new AwsTableDataProvider({ clients, send, org }),
      'athena-view': athenaViews,
      'config-rule': configRules,
      ...quickSight.providers,
    },
    quickSightAccountId: quickSight.accountId,
    writeCount: () => writes.total,
    writesByOperation: () => writes.byOperation(),
    athena,
    quickSightAnalyses: async () =>
      awsAnalysisSource({
        clients,
        send,
        accountId: await quickSight.accountId(),
        region: org.quicksight.region,
      }),
    openQuerySession: async () => ({
      query: async (sql, what) => rowsAsRecords(await athena.run(sql, what)),
      close: async () => {},
    }),
    compact: (o: CompactOptions = {}) =>
      compactOnAws({
        clients,
        send,
        org,
        glueTable,
        ...present({ progress: o.progress ?? options.progress, workers: o.workers, now: options.now }),
      }),
  };
}

/**
 * Compaction from the runner (docs/compaction.md): the deployed snapshot table's projection says
 * what to list; DuckDB, from node_modules, writes the Parquet (the CLI after npm ci, not a bundle).
 */
async function compactOnAws(o: {
  clients: AwsClients;
  send: AwsSend;
  org: OrgConfig;
  glueTable: AwsGlueTableProvider;
  progress?: ProgressReporter;
  workers?: number;
  now?: () => number;
}): Promise<CompactionResult> {
  const { org } = o;
  const [table] = await o.glueTable.read([]);
  if (!table) {
    throw new Error(
      `The Glue table ${org.glue.database}.${org.glue.table} does not exist in ${org.glue.region}: run apply first (compaction reads its projection)`,
    );
  }
  const { DuckDbParquet } = await loadLocalEngine(
    'Compaction',
    () => import('../../engines/duckdb/parquet.js'),
  );
  const { compactAws } = await import('./compaction.js');
  const writer = await DuckDbParquet.open();
  const progress = o.progress;
  try {
    return await compactAws({
      clients: o.clients,
      send: o.send,
      org,
      table: table.properties,
      writer,
      today: toIsoDate(new Date(o.now?.() ?? Date.now())),
      days: org.compliance.trendDays,
      ...present({ workers: o.workers }),
      ...present({ onDay: dayProgress(progress) }),
    });
  } finally {
    writer.close();
  }
}

/** Athena's rows as records keyed by column, as a query session returns them. */
function rowsAsRecords(result: { columns: string[]; rows: (string | null)[][] }): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])));
}

/**
 * The QuickSight account and providers, made when first used. QuickSight's ARNs and every call
 * name the account; unless org.yaml gives it, the data credentials say which it is (STS), asked
 * once and only when QuickSight is used at all. A failed attempt is forgotten, so the next use
 * asks again.
 */
function lazyQuickSight(
  org: OrgConfig,
  clients: AwsClients,
  send: AwsSend,
  options: AwsTargetOptions,
): { accountId: () => Promise<string>; providers: QuickSightProviders } {
  let account: Promise<string> | undefined;
  const accountId = (): Promise<string> => {
    account ??= org.quicksight.accountId
      ? Promise.resolve(org.quicksight.accountId)
      : send(clients.sts(org.quicksight.region), new GetCallerIdentityCommand({}), {
          what: 'find the account of the data credentials (STS GetCallerIdentity) for QuickSight',
          region: org.quicksight.region,
        }).then((answer) => {
          if (!answer.Account) throw new Error('STS GetCallerIdentity returned no account id');
          return answer.Account;
        });
    account.catch(() => {
      account = undefined;
    });
    return account;
  };
  let made: Promise<QuickSightProviders> | undefined;
  const all = (): Promise<QuickSightProviders> => {
    made ??= accountId().then((id) =>
      createQuickSightProviders({
        clients,
        send,
        accountId: id,
        region: org.quicksight.region,
        ownership: { tagKey: org.ownership.tagKey, tagValue: org.ownership.tagValue },
        ...present({
          now: options.now,
          sleep: options.sleep,
          timeoutMs: options.quickSightTimeoutMs,
          pollMs: options.quickSightPollMs,
        }),
      }),
    );
    made.catch(() => {
      made = undefined;
    });
    return made;
  };
  const lazy = <K extends QuickSightKind>(kind: K): Provider<K> => ({
    kind,
    read: async (desired) => {
      const provider: Provider<K> = (await all())[kind];
      return provider.read(desired);
    },
    apply: async (change) => {
      const provider: Provider<K> = (await all())[kind];
      return provider.apply(change);
    },
  });
  return {
    accountId,
    providers: {
      'quicksight-data-source': lazy('quicksight-data-source'),
      'quicksight-data-set': lazy('quicksight-data-set'),
      'quicksight-refresh-schedule': lazy('quicksight-refresh-schedule'),
      'quicksight-analysis': lazy('quicksight-analysis'),
      'quicksight-dashboard': lazy('quicksight-dashboard'),
    },
  };
}
