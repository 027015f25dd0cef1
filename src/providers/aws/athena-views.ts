/**
 * Athena views in the Glue database of config/org.yaml. Reads them from the Glue Data Catalog, where
 * Athena keeps a view as a `VIRTUAL_VIEW` table whose ViewOriginalText is
 * `/* Presto View: <base64 of JSON> *\/` (JSON with `originalSql`, `catalog`, `schema`, `columns`);
 * writes them with `CREATE OR REPLACE VIEW` / `DROP VIEW IF EXISTS` through the Athena query runner.
 *
 * Ownership: a view is ours when it lives in a database carrying the ownership parameter
 * (`Parameters[org.ownership.tagKey] === org.ownership.tagValue`), as the database this tool creates does.
 */

import { GetDatabaseCommand, GetTablesCommand, type Table } from '@aws-sdk/client-glue';
import type { OrgConfig } from '../../model/config.js';
import { errorMessage } from '../../model/errors.js';
import { assertKind } from '../../model/kinds.js';
import type { Change } from '../../model/plan.js';
import type { Provider } from '../../model/provider.js';
import {
  type AthenaViewProperties,
  type CurrentResource,
  type DesiredResource,
  resourceKey,
} from '../../model/resources.js';
import { AthenaQueryError, type AthenaQueryRunner, parseAthenaPosition } from './athena.js';
import type { AwsClients } from './clients.js';
import { allPages, nextToken } from './paging.js';
import { type AwsSend, errorName, type Sleep } from './retry.js';

export const PRESTO_VIEW_PREFIX = '/* Presto View: ';
export const PRESTO_VIEW_SUFFIX = ' */';
/** The Glue table type of every view (Athena's, Hive's, Spark's). */
export const VIEW_TABLE_TYPE = 'VIRTUAL_VIEW';
/** Athena database and view names this provider puts into SQL. */
export const ATHENA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,254}$/;
/** Glue GetTables returns at most 100 tables a page. */
export const GLUE_TABLES_PAGE_SIZE = 100;

/** The JSON inside `/* Presto View: … *\/`, as Athena (and Trino's Hive connector) writes it. */
export interface PrestoView {
  /** The view's query: the text after `AS` in CREATE VIEW. */
  originalSql: string;
  catalog: string;
  schema: string;
  columns: { name: string; type: string }[];
  owner?: string;
  runAsInvoker?: boolean;
}

/** Decodes Athena's ViewOriginalText. Throws, saying why, when the text is not a Presto view. */
export function decodePrestoView(text: string): PrestoView {
  if (!text.startsWith(PRESTO_VIEW_PREFIX) || !text.endsWith(PRESTO_VIEW_SUFFIX)) {
    throw new Error(
      `not a Presto view: the text does not have the form '${PRESTO_VIEW_PREFIX}<base64>${PRESTO_VIEW_SUFFIX}'`,
    );
  }
  const encoded = text.slice(PRESTO_VIEW_PREFIX.length, text.length - PRESTO_VIEW_SUFFIX.length).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
    throw new Error('the Presto view payload is not base64');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (error) {
    throw new Error(`the Presto view payload is not JSON: ${errorMessage(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('the Presto view payload is not a JSON object');
  }
  const view = parsed as Record<string, unknown>;
  if (typeof view.originalSql !== 'string') {
    throw new Error('the Presto view payload has no originalSql');
  }
  const columns = Array.isArray(view.columns) ? view.columns : [];
  return {
    originalSql: view.originalSql,
    catalog: typeof view.catalog === 'string' ? view.catalog : '',
    schema: typeof view.schema === 'string' ? view.schema : '',
    columns: columns.map((column: unknown) => {
      const c = (typeof column === 'object' && column !== null ? column : {}) as Record<string, unknown>;
      return {
        name: typeof c.name === 'string' ? c.name : '',
        type: typeof c.type === 'string' ? c.type : '',
      };
    }),
    ...(typeof view.owner === 'string' ? { owner: view.owner } : {}),
    ...(typeof view.runAsInvoker === 'boolean' ? { runAsInvoker: view.runAsInvoker } : {}),
  };
}

/** `/* Presto View: <base64 of JSON> *\/`: what Athena stores as ViewOriginalText (used by tests and fakes). */
export function encodePrestoView(view: PrestoView): string {
  return `${PRESTO_VIEW_PREFIX}${Buffer.from(JSON.stringify(view), 'utf8').toString('base64')}${PRESTO_VIEW_SUFFIX}`;
}

/** `athena-view/<region>/<database>.<name>`. */
export function athenaViewKey(region: string, database: string, name: string): string {
  return resourceKey('athena-view', region, `${database}.${name}`);
}

/** Throws unless `value` is a database or view name that may go into SQL as `"<value>"`. */
export function assertAthenaName(what: 'database' | 'view', value: string, subject: string): void {
  if (!ATHENA_NAME_PATTERN.test(value)) {
    throw new Error(
      `Refusing to write ${subject}: the ${what} name '${value}' is not a valid Athena name ` +
        '(lower-case letters, digits and underscores, starting with a letter or an underscore, at most 255 characters)',
    );
  }
}

/** `CREATE OR REPLACE VIEW "<database>"."<name>" AS` + a newline + the view's SQL. */
export function createViewStatement(view: AthenaViewProperties): string {
  return `CREATE OR REPLACE VIEW "${view.database}"."${view.name}" AS\n${view.sql}`;
}

export function dropViewStatement(database: string, name: string): string {
  return `DROP VIEW IF EXISTS "${database}"."${name}"`;
}

/** Lines of the CREATE VIEW statement before the view's own SQL. */
const CREATE_VIEW_HEADER_LINES = 1;

/**
 * Athena's reason in terms of the view's own SQL: the `line N:C` it names is moved back by the
 * lines put in front of the SQL, and a leading error code (`SYNTAX_ERROR: …`) goes to the end in
 * parentheses: `line 11:8: Column 'x' cannot be resolved (SYNTAX_ERROR)`. A position inside the
 * lines in front is said to be in the statement.
 */
export function viewErrorDetail(reason: string, linesBefore: number): string {
  const coded = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason.trim());
  const code = coded?.[1];
  const message = coded?.[2] ?? reason.trim();
  const position = parseAthenaPosition(message);
  let mapped = message;
  if (position !== undefined && linesBefore > 0) {
    const at = `line ${position.line}:${position.column}`;
    mapped =
      position.line > linesBefore
        ? message.replace(at, `line ${position.line - linesBefore}:${position.column}`)
        : message.replace(at, `${at} of the CREATE VIEW statement`);
  }
  return `${mapped}${code !== undefined ? ` (${code})` : ''}`;
}

export interface AwsAthenaViewProviderOptions {
  clients: AwsClients;
  send: AwsSend;
  /** Where the views live (org.glue: database and region) and what marks the database as ours (org.ownership). */
  org: Pick<OrgConfig, 'glue' | 'ownership'>;
  /** Runs the DDL; it has its own clock and bound for waiting on Athena. */
  runner: AthenaQueryRunner;
  /** Accepted like the other providers'; the waiting is the runner's, so the provider itself never sleeps. */
  now?: () => number;
  sleep?: Sleep;
}

interface ViewDatabase {
  region: string;
  database: string;
}

export class AwsAthenaViewProvider implements Provider<'athena-view'> {
  readonly kind = 'athena-view' as const;
  readonly #clients: AwsClients;
  readonly #send: AwsSend;
  readonly #org: Pick<OrgConfig, 'glue' | 'ownership'>;
  readonly #runner: AthenaQueryRunner;

  constructor(options: AwsAthenaViewProviderOptions) {
    this.#clients = options.clients;
    this.#send = options.send;
    this.#org = options.org;
    this.#runner = options.runner;
  }

  async read(desired: DesiredResource<'athena-view'>[]): Promise<CurrentResource<'athena-view'>[]> {
    // The configured database is always read; a desired view elsewhere brings its own database along.
    const databases = new Map<string, ViewDatabase>();
    const { region, database } = this.#org.glue;
    databases.set(`${region}|${database}`, { region, database });
    const desiredKeys = new Map<string, string>();
    for (const resource of desired) {
      const db = resource.properties.database;
      databases.set(`${resource.region}|${db}`, { region: resource.region, database: db });
      desiredKeys.set(`${resource.region}|${db}|${resource.properties.name}`, resource.key);
    }

    const found: CurrentResource<'athena-view'>[] = [];
    for (const location of databases.values()) {
      const owned = await this.#databaseOwnership(location);
      if (owned === undefined) continue;
      for (const table of await this.#views(location)) {
        const name = table.Name ?? '';
        found.push({
          kind: 'athena-view',
          key:
            desiredKeys.get(`${location.region}|${location.database}|${name}`) ??
            athenaViewKey(location.region, location.database, name),
          region: location.region,
          properties: { database: location.database, name, sql: viewSql(table, location) },
          owned,
        });
      }
    }
    return found;
  }

  async apply(change: Change<'athena-view'>): Promise<void> {
    assertKind(change, 'athena-view');
    switch (change.action) {
      case 'no-op':
        return;
      case 'create':
      case 'update':
        return this.#createOrReplace(change, viewProperties(change, change.after));
      case 'delete':
        return this.#drop(
          change,
          change.before !== undefined ? viewProperties(change, change.before) : viewFromKey(change),
        );
    }
  }

  async #createOrReplace(change: Change<'athena-view'>, view: AthenaViewProperties): Promise<void> {
    const subject = `Athena view ${change.key}`;
    assertAthenaName('database', view.database, subject);
    assertAthenaName('view', view.name, subject);
    this.#assertRegion(change);
    try {
      await this.#runner.run(createViewStatement(view), `view ${view.name}`, { write: true });
    } catch (error) {
      if (!(error instanceof AthenaQueryError)) throw error;
      throw new Error(
        `View ${view.name} failed in Athena: ${failureDetail(error, CREATE_VIEW_HEADER_LINES)}`,
        {
          cause: error,
        },
      );
    }
  }

  async #drop(
    change: Change<'athena-view'>,
    view: Pick<AthenaViewProperties, 'database' | 'name'>,
  ): Promise<void> {
    const subject = `Athena view ${change.key}`;
    assertAthenaName('database', view.database, subject);
    assertAthenaName('view', view.name, subject);
    this.#assertRegion(change);
    try {
      await this.#runner.run(dropViewStatement(view.database, view.name), `drop of view ${view.name}`, {
        write: true,
      });
    } catch (error) {
      if (!(error instanceof AthenaQueryError)) throw error;
      throw new Error(`Dropping view ${view.name} failed in Athena: ${failureDetail(error, 0)}`, {
        cause: error,
      });
    }
  }

  #assertRegion(change: Change<'athena-view'>): void {
    if (change.region !== this.#runner.region) {
      throw new Error(
        `Athena view ${change.key} is in ${change.region}, but Athena queries run in ${this.#runner.region} (glue.region)`,
      );
    }
  }

  /** Whether the database carries the ownership parameter; undefined when it does not exist. */
  async #databaseOwnership({ region, database }: ViewDatabase): Promise<boolean | undefined> {
    try {
      const answer = await this.#send(
        this.#clients.glue(region),
        new GetDatabaseCommand({ Name: database }),
        {
          what: `read Glue database ${database}`,
          region,
        },
      );
      const { tagKey, tagValue } = this.#org.ownership;
      return answer.Database?.Parameters?.[tagKey] === tagValue;
    } catch (error) {
      if (errorName(error) === 'EntityNotFoundException') return undefined;
      throw error;
    }
  }

  async #views({ region, database }: ViewDatabase): Promise<Table[]> {
    const pages = await allPages((token) =>
      this.#send(
        this.#clients.glue(region),
        new GetTablesCommand({
          DatabaseName: database,
          MaxResults: GLUE_TABLES_PAGE_SIZE,
          ...nextToken(token),
        }),
        { what: `list the tables of Glue database ${database}`, region },
      ),
    );
    return pages
      .flatMap((page) => page.TableList ?? [])
      .filter((table) => table.TableType === VIEW_TABLE_TYPE);
  }
}

/**
 * A view table's SQL: `originalSql` of a Presto (Athena) view, trimmed. A view some other engine made
 * (Hive, Spark) keeps its plain SQL in ViewOriginalText; it is read as that text, so a plan replaces it.
 */
function viewSql(table: Table, { database }: ViewDatabase): string {
  const text = table.ViewOriginalText ?? '';
  if (!text.startsWith(PRESTO_VIEW_PREFIX)) return text.trim();
  try {
    return decodePrestoView(text).originalSql.trim();
  } catch (error) {
    throw new Error(`Could not read Athena view ${database}.${table.Name ?? ''}: ${errorMessage(error)}`);
  }
}

function failureDetail(error: AthenaQueryError, linesBefore: number): string {
  if (error.reason.trim() === '') return `query ${error.queryExecutionId} ended ${error.state}`;
  return viewErrorDetail(error.reason, linesBefore);
}

function viewProperties(
  change: Change<'athena-view'>,
  properties: AthenaViewProperties | undefined,
): AthenaViewProperties {
  if (properties === undefined) {
    throw new Error(`Change ${change.key} (${change.action}) carries no Athena view properties`);
  }
  return properties;
}

/** `athena-view/<region>/<database>.<name>` → database and name, for a delete without `before`. */
function viewFromKey(change: Change<'athena-view'>): Pick<AthenaViewProperties, 'database' | 'name'> {
  const prefix = `athena-view/${change.region}/`;
  const rest = change.key.startsWith(prefix) ? change.key.slice(prefix.length) : '';
  const dot = rest.indexOf('.');
  if (dot <= 0) {
    throw new Error(
      `Change ${change.key} (delete) names no Athena view: expected athena-view/<region>/<database>.<name>`,
    );
  }
  return { database: rest.slice(0, dot), name: rest.slice(dot + 1) };
}
