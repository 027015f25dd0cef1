/**
 * The `aws` target: the Organization, Organization Config Rules, the Glue table and the Athena views,
 * over one send-wrapper.
 */

import type { AccessMode, OrgConfig } from '../../model/config.js';
import type { ProgressReporter, Target } from '../../model/provider.js';
import { AthenaQueryRunner } from './athena.js';
import { AwsAthenaViewProvider } from './athena-views.js';
import { type AwsClientOptions, type AwsClients, createAwsClients } from './clients.js';
import { AwsConfigRuleProvider } from './config-rules.js';
import { credentialSources } from './credentials.js';
import { AwsGlueTableProvider } from './glue-table.js';
import { AwsOrganizationSource } from './organization.js';
import { createSend, type RetryPolicy, type Sleep } from './retry.js';
import { WriteCounter } from './write-counter.js';

export interface AwsTargetOptions {
  /** Which roles from config/org.yaml to assume: read for plan and discover, write for apply. Default read. */
  mode?: AccessMode;
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
}

export interface AwsTarget extends Target {
  readonly name: 'aws';
  /** Write requests per operation so far. */
  writesByOperation(): Record<string, number>;
  /** Runs SQL in org.athena.workgroup against org.glue.database (reports, checks). */
  readonly athena: AthenaQueryRunner;
}

export function createAwsTarget(org: OrgConfig, options: AwsTargetOptions = {}): AwsTarget {
  const mode = options.mode ?? 'read';
  const endpoint = options.endpoint !== undefined ? { endpoint: options.endpoint } : {};
  const clients =
    options.clients ??
    createAwsClients({
      ...endpoint,
      ...(options.version !== undefined ? { version: options.version } : {}),
      credentials: credentialSources(org, mode, endpoint),
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
    ...(options.organizationConcurrency !== undefined
      ? { concurrency: options.organizationConcurrency }
      : {}),
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const configRules = new AwsConfigRuleProvider({
    clients,
    send,
    regions: org.regions,
    descriptionMarker: org.ownership.descriptionMarker,
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    ...(options.busyPollMs !== undefined ? { busyPollMs: options.busyPollMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const glueTable = new AwsGlueTableProvider({ clients, send, org });
  const athena = new AthenaQueryRunner({
    clients,
    send,
    region: org.glue.region,
    workgroup: org.athena.workgroup,
    ...(org.athena.outputLocation !== undefined ? { outputLocation: org.athena.outputLocation } : {}),
    database: org.glue.database,
    ...(options.now ? { now: options.now } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const athenaViews = new AwsAthenaViewProvider({ clients, send, org, runner: athena });

  return {
    name: 'aws',
    organization,
    providers: { 'glue-table': glueTable, 'athena-view': athenaViews, 'config-rule': configRules },
    writeCount: () => writes.total,
    writesByOperation: () => writes.byOperation(),
    athena,
    openQuerySession: async () => ({
      query: async (sql, what) => {
        const result = await athena.run(sql, what);
        return result.rows.map((row) =>
          Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])),
        );
      },
      close: async () => {},
    }),
  };
}
