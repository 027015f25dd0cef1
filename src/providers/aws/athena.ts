/**
 * Runs one SQL statement in Athena and waits for it: StartQueryExecution, then GetQueryExecution
 * until the query settles (polling from 1 s, growing to 5 s, within a bound), then GetQueryResults
 * page by page. A failed or cancelled query becomes an AthenaQueryError that carries Athena's reason
 * and the line and column it names; a query that outlives the bound is stopped.
 *
 * Before its first query the runner reads the workgroup (GetWorkGroup, once) and decides where
 * results go. Athena refuses every query that has no result location from either the workgroup or
 * the request ("No output location provided…"); a workgroup that enforces its configuration
 * (`EnforceWorkGroupConfiguration`) uses its own settings and ignores the request's. So:
 * - the workgroup enforces and has a location, or stores results in Athena managed storage: no
 *   ResultConfiguration is sent (Athena would ignore it; a managed-results workgroup is reported to
 *   refuse a query location outright);
 * - otherwise org.athena.outputLocation is sent; without it, the workgroup's own location applies;
 * - with neither, or a workgroup that is missing or DISABLED, an AthenaWorkGroupError names the
 *   setting to add before any query is sent.
 */

import { randomUUID } from 'node:crypto';
import {
  type AthenaError,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsOutput,
  GetWorkGroupCommand,
  type QueryExecution,
  type ResultConfiguration,
  StartQueryExecutionCommand,
  type StartQueryExecutionInput,
  StopQueryExecutionCommand,
  type WorkGroup,
} from '@aws-sdk/client-athena';
import { errorMessage } from '../../model/errors.js';
import type { AwsClients } from './clients.js';
import { nextToken } from './paging.js';
import { type AwsSend, errorName, realSleep, type Sleep } from './retry.js';

/** Athena's catalog for the Glue Data Catalog of the account. */
export const ATHENA_CATALOG = 'AwsDataCatalog';
/** GetQueryResults returns at most 1,000 rows a page. */
export const ATHENA_RESULTS_PAGE_SIZE = 1000;
export const DEFAULT_ATHENA_POLL_MS = 1000;
export const DEFAULT_ATHENA_MAX_POLL_MS = 5000;
export const DEFAULT_ATHENA_TIMEOUT_MS = 5 * 60_000;

const SETTLED_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface AthenaQueryRunnerOptions {
  clients: AwsClients;
  send: AwsSend;
  /** Where the queries run (the Glue region, org.glue.region). */
  region: string;
  /** org.athena.workgroup. */
  workgroup: string;
  /**
   * org.athena.outputLocation: sent when set, unless the workgroup enforces its own location or uses
   * Athena managed query results; without it, the workgroup's own location applies.
   */
  outputLocation?: string;
  /**
   * Read the workgroup (GetWorkGroup) before the first query and refuse to run any when no result
   * location would apply. Default true; false sends `outputLocation` (when set) unchecked.
   */
  checkWorkGroup?: boolean;
  /** Default database of every query (org.glue.database). */
  database: string;
  now?: () => number;
  sleep?: Sleep;
  /** First poll interval; it doubles up to `maxPollMs`. Default 1 s. */
  pollMs?: number;
  /** Longest poll interval. Default 5 s. */
  maxPollMs?: number;
  /** How long to wait for a query to settle before stopping it. Default 5 minutes. */
  timeoutMs?: number;
}

export interface AthenaRunOptions {
  /** The statement changes state (DDL for a view): its StartQueryExecution counts as a write. */
  write?: boolean;
}

export interface AthenaQueryResult {
  queryExecutionId: string;
  /** Column names, in order; empty for statements without a result set. */
  columns: string[];
  /** Every data row (the header row of a SELECT is not one); SQL NULL is `null`. */
  rows: (string | null)[][];
}

/** A line and column as Athena (Trino) reports them: both count from 1. */
export interface AthenaPosition {
  line: number;
  column: number;
}

/** The position in `line 3:8: Column 'x' cannot be resolved` (anywhere in the message), or undefined. */
export function parseAthenaPosition(message: string): AthenaPosition | undefined {
  const match = /\bline (\d+):(\d+)\b/.exec(message);
  if (!match) return undefined;
  return { line: Number(match[1]), column: Number(match[2]) };
}

/** A query that Athena ran and that ended FAILED or CANCELLED. */
export class AthenaQueryError extends Error {
  /** What the query was for, e.g. `view evaluations`. */
  readonly what: string;
  readonly queryExecutionId: string;
  /** FAILED or CANCELLED. */
  readonly state: string;
  /** Athena's StateChangeReason (or, without one, AthenaError.ErrorMessage); may be empty. */
  readonly reason: string;
  readonly athenaError: AthenaError | undefined;
  /** Where in the query Athena places the error, when the reason says. */
  readonly position: AthenaPosition | undefined;

  constructor(
    what: string,
    queryExecutionId: string,
    state: string,
    reason: string,
    athenaError?: AthenaError,
  ) {
    super(
      `Athena query ${queryExecutionId} (${what}) ${state}${reason !== '' ? `: ${reason}` : ''}${errorSuffix(athenaError)}`,
    );
    this.name = 'AthenaQueryError';
    this.what = what;
    this.queryExecutionId = queryExecutionId;
    this.state = state;
    this.reason = reason;
    this.athenaError = athenaError;
    this.position = parseAthenaPosition(reason);
  }
}

/** ` [category 2, type 1006]` when Athena classified the error. */
function errorSuffix(error: AthenaError | undefined): string {
  if (error?.ErrorCategory === undefined && error?.ErrorType === undefined) return '';
  const parts = [
    ...(error.ErrorCategory !== undefined ? [`category ${error.ErrorCategory}`] : []),
    ...(error.ErrorType !== undefined ? [`type ${error.ErrorType}`] : []),
  ];
  return ` [${parts.join(', ')}]`;
}

/** Where config/org.yaml names the workgroup and the result location, for messages. */
const WORKGROUP_SETTING = 'athena.workgroup in config/org.yaml';
const OUTPUT_SETTING = 'athena.outputLocation';

/** The workgroup cannot run this tool's queries: missing, DISABLED, or no result location anywhere. */
export class AthenaWorkGroupError extends Error {
  readonly workgroup: string;
  readonly region: string;

  constructor(workgroup: string, region: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AthenaWorkGroupError';
    this.workgroup = workgroup;
    this.region = region;
  }
}

/** Where the results of this runner's queries go, as decided from the workgroup. */
export interface ResultPlacement {
  /** What StartQueryExecution sends; absent when the workgroup decides on its own. */
  resultConfiguration?: ResultConfiguration;
  /** In words: `s3://… (athena.outputLocation)`, `s3://… (workgroup primary, enforced)`, … */
  description: string;
}

/**
 * Decides where results go from GetWorkGroup's answer (`found`, undefined when the workgroup does
 * not exist) and org.athena.outputLocation; throws an AthenaWorkGroupError naming what to change
 * when the workgroup is DISABLED or no location would apply. Pure.
 */
export function resultPlacement(
  workgroup: string,
  region: string,
  found: WorkGroup | undefined,
  outputLocation: string | undefined,
): ResultPlacement {
  const fail = (message: string) => new AthenaWorkGroupError(workgroup, region, message);
  if (found === undefined) throw fail(missingWorkGroupMessage(workgroup, region));
  if (found.State === 'DISABLED') {
    throw fail(
      `Athena workgroup '${workgroup}' in ${region} is DISABLED and runs no queries: enable it ` +
        `(aws athena update-work-group --work-group ${workgroup} --state ENABLED --region ${region}) ` +
        `or set ${WORKGROUP_SETTING} to an enabled workgroup.`,
    );
  }
  const configuration = found.Configuration ?? {};
  const own = nonEmpty(configuration.ResultConfiguration?.OutputLocation);
  const managed = configuration.ManagedQueryResultsConfiguration?.Enabled === true;
  const enforced = configuration.EnforceWorkGroupConfiguration === true;
  if (managed) return { description: `Athena managed query results (workgroup ${workgroup})` };
  if (enforced) {
    if (own !== undefined) return { description: `${own} (workgroup ${workgroup}, enforced)` };
    throw fail(
      `Athena workgroup '${workgroup}' in ${region} overrides client-side settings ` +
        '(EnforceWorkGroupConfiguration) but has no query result location of its own, so Athena ' +
        `ignores ${OUTPUT_SETTING} and refuses every query: give the workgroup a result location ` +
        `(ResultConfiguration.OutputLocation), or turn off its "Override client-side settings" and set ` +
        `${OUTPUT_SETTING} in config/org.yaml.`,
    );
  }
  if (outputLocation !== undefined) {
    return {
      resultConfiguration: { OutputLocation: outputLocation },
      description: `${outputLocation} (${OUTPUT_SETTING})`,
    };
  }
  if (own !== undefined) return { description: `${own} (workgroup ${workgroup})` };
  throw fail(
    `Athena workgroup '${workgroup}' in ${region} has no query result location and config/org.yaml ` +
      `sets no ${OUTPUT_SETTING}, so Athena would refuse every query ("No output location provided"): ` +
      `add ${OUTPUT_SETTING} to config/org.yaml (an S3 URI such as s3://<bucket>/org-compliance/), or ` +
      'give the workgroup a result location and turn on its "Override client-side settings" ' +
      '(EnforceWorkGroupConfiguration).',
  );
}

function missingWorkGroupMessage(workgroup: string, region: string): string {
  return (
    `Athena workgroup '${workgroup}' does not exist in ${region}: set ${WORKGROUP_SETTING} to an ` +
    `existing workgroup (the default is 'primary'), or create '${workgroup}' in ${region}.`
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== '' ? value : undefined;
}

export class AthenaQueryRunner {
  readonly region: string;
  readonly workgroup: string;
  readonly database: string;
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #outputLocation: string | undefined;
  readonly #checkWorkGroup: boolean;
  #placement: Promise<ResultPlacement> | undefined;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #pollMs: number;
  readonly #maxPollMs: number;
  readonly #timeoutMs: number;

  constructor(options: AthenaQueryRunnerOptions) {
    if (options.workgroup === '') throw new Error('The Athena workgroup (athena.workgroup) is empty');
    if (options.database === '') throw new Error('The Athena database (glue.database) is empty');
    this.#clients = options.clients;
    this.#send = options.send;
    this.region = options.region;
    this.workgroup = options.workgroup;
    this.database = options.database;
    this.#outputLocation =
      options.outputLocation !== undefined && options.outputLocation !== ''
        ? options.outputLocation
        : undefined;
    this.#checkWorkGroup = options.checkWorkGroup ?? true;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? realSleep;
    this.#pollMs = options.pollMs ?? DEFAULT_ATHENA_POLL_MS;
    this.#maxPollMs = Math.max(this.#pollMs, options.maxPollMs ?? DEFAULT_ATHENA_MAX_POLL_MS);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_ATHENA_TIMEOUT_MS;
  }

  /** Runs `sql` and returns its result set; `what` names the query in errors (`view evaluations`). */
  async run(sql: string, what: string, options: AthenaRunOptions = {}): Promise<AthenaQueryResult> {
    const queryExecutionId = await this.#start(sql, what, options.write === true);
    const execution = await this.#waitUntilSettled(queryExecutionId, what);
    const status = execution.Status ?? {};
    const state = status.State ?? 'UNKNOWN';
    if (state !== 'SUCCEEDED') {
      const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? '';
      throw new AthenaQueryError(what, queryExecutionId, state, reason, status.AthenaError);
    }
    return this.#results(queryExecutionId, what, execution.StatementType);
  }

  /**
   * Where results go: decided once, from GetWorkGroup, before the first query (a failed look is
   * forgotten, so the next query asks again).
   */
  resultPlacement(): Promise<ResultPlacement> {
    if (!this.#checkWorkGroup) {
      const location = this.#outputLocation;
      return Promise.resolve(
        location !== undefined
          ? {
              resultConfiguration: { OutputLocation: location },
              description: `${location} (${OUTPUT_SETTING})`,
            }
          : { description: `the workgroup's own location (workgroup ${this.workgroup}, not checked)` },
      );
    }
    this.#placement ??= this.#lookAtWorkGroup();
    this.#placement.catch(() => {
      this.#placement = undefined;
    });
    return this.#placement;
  }

  async #lookAtWorkGroup(): Promise<ResultPlacement> {
    let found: WorkGroup | undefined;
    try {
      const answer = await this.#send(
        this.#athena(),
        new GetWorkGroupCommand({ WorkGroup: this.workgroup }),
        { what: `read Athena workgroup '${this.workgroup}'`, region: this.region },
      );
      found = answer.WorkGroup ?? undefined;
    } catch (error) {
      // Athena answers a name it does not know with InvalidRequestException "WorkGroup is not found."
      if (
        errorName(error) === 'InvalidRequestException' &&
        /not found|does not exist/i.test(errorMessage(error))
      ) {
        throw new AthenaWorkGroupError(
          this.workgroup,
          this.region,
          missingWorkGroupMessage(this.workgroup, this.region),
          { cause: error },
        );
      }
      if (errorName(error) === 'AccessDeniedException') {
        throw new AthenaWorkGroupError(
          this.workgroup,
          this.region,
          `${errorMessage(error)}. The data role needs athena:GetWorkGroup on workgroup '${this.workgroup}' ` +
            '(docs/setup.md lists the read permissions).',
          { cause: error },
        );
      }
      throw error;
    }
    return resultPlacement(this.workgroup, this.region, found, this.#outputLocation);
  }

  async #start(sql: string, what: string, write: boolean): Promise<string> {
    const placement = await this.resultPlacement();
    const input: StartQueryExecutionInput = {
      // One token for every attempt of this start: if an answer is lost and the call is retried,
      // Athena recognises the same request instead of running the query a second time.
      ClientRequestToken: randomUUID(),
      QueryString: sql,
      WorkGroup: this.workgroup,
      QueryExecutionContext: { Catalog: ATHENA_CATALOG, Database: this.database },
      ...(placement.resultConfiguration ? { ResultConfiguration: placement.resultConfiguration } : {}),
    };
    const answer = await this.#send(this.#athena(), new StartQueryExecutionCommand(input), {
      what: `start the Athena query for ${what}`,
      region: this.region,
      ...(write ? { write: true } : {}),
    });
    if (answer.QueryExecutionId === undefined || answer.QueryExecutionId === '') {
      throw new Error(
        `Athena returned no query execution id for ${what} (StartQueryExecution in ${this.region})`,
      );
    }
    return answer.QueryExecutionId;
  }

  async #waitUntilSettled(queryExecutionId: string, what: string): Promise<QueryExecution> {
    const started = this.#now();
    let interval = this.#pollMs;
    for (;;) {
      const answer = await this.#send(
        this.#athena(),
        new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
        { what: `read the state of Athena query ${queryExecutionId} (${what})`, region: this.region },
      );
      const execution = answer.QueryExecution ?? {};
      const state = execution.Status?.State ?? 'UNKNOWN';
      if (SETTLED_STATES.has(state)) return execution;

      const waited = this.#now() - started;
      if (waited >= this.#timeoutMs) {
        throw new Error(
          `Athena query ${queryExecutionId} (${what}) was still ${state} after waiting ${duration(waited)} ` +
            `(limit ${duration(this.#timeoutMs)}); ${await this.#stop(queryExecutionId, what)}`,
        );
      }
      await this.#sleep(Math.min(interval, this.#timeoutMs - waited));
      interval = Math.min(this.#maxPollMs, interval * 2);
    }
  }

  /** Stops a query that outlived the bound; says what became of it, for the timeout message. */
  async #stop(queryExecutionId: string, what: string): Promise<string> {
    try {
      await this.#send(
        this.#athena(),
        new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
        { what: `stop Athena query ${queryExecutionId} (${what})`, region: this.region },
      );
      return 'it has been stopped.';
    } catch (error) {
      return `stopping it failed too: ${errorMessage(error)}`;
    }
  }

  async #results(
    queryExecutionId: string,
    what: string,
    statementType: string | undefined,
  ): Promise<AthenaQueryResult> {
    const columns: string[] = [];
    const rows: (string | null)[][] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page: GetQueryResultsOutput = await this.#send(
        this.#athena(),
        new GetQueryResultsCommand({
          QueryExecutionId: queryExecutionId,
          MaxResults: ATHENA_RESULTS_PAGE_SIZE,
          ...nextToken(token),
        }),
        { what: `read the results of Athena query ${queryExecutionId} (${what})`, region: this.region },
      );
      let pageRows = (page.ResultSet?.Rows ?? []).map((row) =>
        (row.Data ?? []).map((d) => d.VarCharValue ?? null),
      );
      if (first) {
        columns.push(...(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? ''));
        // Athena names the columns of every SELECT, even one with no rows. A result without them
        // did not come from a query that ran (an emulator's canned answer): refuse to read nothing as
        // "no data".
        if (statementType === 'DML' && columns.length === 0) {
          throw new Error(
            `Athena query ${queryExecutionId} (${what}) succeeded, but its result has no columns, which no SELECT returns: the service that answered did not run the query`,
          );
        }
        // A SELECT's first row repeats the column names; DDL and utility statements (SHOW …) have no header.
        const header = pageRows[0];
        if (
          statementType !== 'DDL' &&
          statementType !== 'UTILITY' &&
          header !== undefined &&
          header.length === columns.length &&
          header.every((value, i) => value === columns[i])
        ) {
          pageRows = pageRows.slice(1);
        }
        first = false;
      }
      rows.push(...pageRows);
      token = page.NextToken;
    } while (token);
    return { queryExecutionId, columns, rows };
  }

  #athena() {
    return this.#clients.athena(this.region);
  }
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
