/**
 * Athena views in the Glue database of config/org.yaml. Reads them from the Glue Data Catalog, where
 * Athena keeps a view as a `VIRTUAL_VIEW` table whose ViewOriginalText is
 * `/* Presto View: <base64 of JSON> *\/` (JSON with `originalSql`, `catalog`, `schema`, `columns`);
 * writes them with `CREATE OR REPLACE VIEW` / `DROP VIEW IF EXISTS` through the Athena query runner.
 *
 * Athena (Trino) does not keep the text it is given: CREATE VIEW stores the query formatted, without
 * its comments. So after each CREATE this provider marks the view's Glue table (UpdateTable) with
 * the ownership parameter, the SQL it deployed and a SHA-256 of the text the engine stored. A read
 * gives the deployed SQL back while the stored text still has that digest, and the stored text
 * itself once someone changed the view, so a plan compares the repository with what it deployed
 * and still sees a change made behind its back.
 *
 * Ownership is per view: a view carrying the mark is ours. A view without it is left alone (a
 * plan lists it as not managed) unless it is in a database this tool created (the database has the
 * ownership parameter) and the repository names it: views deployed before views were marked, and
 * views replaced by hand (Athena's CREATE OR REPLACE drops the mark), are taken over by the next
 * apply. Elsewhere a view of a name the repository wants is a conflict, never replaced.
 */

import { createHash } from 'node:crypto';
import {
  GetDatabaseCommand,
  GetTableCommand,
  GetTablesCommand,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { createViewStatement } from '../../desired/views.js';
import type { ViewCanonicalizer } from '../../load/view-canonical.js';
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
import { present } from '../../model/values.js';
import { AthenaQueryError, type AthenaRunOptions, parseAthenaPosition } from './athena.js';
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

/** The Glue table parameter holding the SQL this tool deployed (as the repository has it). */
export const DEPLOYED_SQL_PARAMETER = 'org-compliance:sql';
/** The Glue table parameter holding the SHA-256 (hex) of the text the engine stored for that SQL. */
export const STORED_SQL_DIGEST_PARAMETER = 'org-compliance:stored-sql-sha256';

/** Hex SHA-256 of a text's UTF-8 bytes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** What runs a view's DDL: Athena (AthenaQueryRunner), or Trino in the integration suite. */
export interface ViewStatementRunner {
  /** Where the statements run (the Glue region). */
  readonly region: string;
  run(sql: string, what: string, options?: AthenaRunOptions): Promise<unknown>;
}

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
  runner: ViewStatementRunner;
  /**
   * The canonical form of a query (src/load/view-canonical.ts), loaded when first needed: a view
   * without our mark (or changed since) that is the same query as its file is no change. Absent,
   * or answering undefined (no sdk here), such a view is compared as text.
   */
  canonical?: () => Promise<ViewCanonicalizer | undefined>;
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
  readonly #runner: ViewStatementRunner;
  readonly #loadCanonical: () => Promise<ViewCanonicalizer | undefined>;
  #canonical: Promise<ViewCanonicalizer | undefined> | undefined;

  constructor(options: AwsAthenaViewProviderOptions) {
    this.#clients = options.clients;
    this.#send = options.send;
    this.#org = options.org;
    this.#runner = options.runner;
    this.#loadCanonical = options.canonical ?? (async () => undefined);
  }

  async read(desired: DesiredResource<'athena-view'>[]): Promise<CurrentResource<'athena-view'>[]> {
    // The configured database is always read; a desired view elsewhere brings its own database along.
    const databases = new Map<string, ViewDatabase>();
    const { region, database } = this.#org.glue;
    databases.set(`${region}|${database}`, { region, database });
    const desiredKeys = new Map<string, DesiredResource<'athena-view'>>();
    for (const resource of desired) {
      const db = resource.properties.database;
      databases.set(`${resource.region}|${db}`, { region: resource.region, database: db });
      desiredKeys.set(`${resource.region}|${db}|${resource.properties.name}`, resource);
    }

    const found: CurrentResource<'athena-view'>[] = [];
    for (const location of databases.values()) {
      const ownDatabase = await this.#databaseOwnership(location);
      if (ownDatabase === undefined) continue;
      for (const table of await this.#views(location)) {
        const name = table.Name ?? '';
        const wanted = desiredKeys.get(`${location.region}|${location.database}|${name}`);
        const view = await this.#readView(table, location, wanted?.properties.sql);
        found.push({
          kind: 'athena-view',
          key: wanted?.key ?? athenaViewKey(location.region, location.database, name),
          region: location.region,
          properties: { database: location.database, name, sql: view.sql },
          // An unmarked view in our own database that the repository names is ours to take over.
          owned: view.marked || (ownDatabase && wanted !== undefined),
        });
      }
    }
    return found;
  }

  /**
   * A view's SQL as this tool deployed it (while the engine's text is unchanged), and its mark.
   * Otherwise the stored text, or the repository's SQL (`wanted`) when both are the same query in
   * canonical form: Athena made the view from that query, whoever sent it.
   */
  async #readView(
    table: Table,
    location: ViewDatabase,
    wanted: string | undefined,
  ): Promise<{ sql: string; marked: boolean }> {
    const stored = viewSql(table, location);
    const parameters = table.Parameters ?? {};
    const { tagKey, tagValue } = this.#org.ownership;
    const marked = parameters[tagKey] === tagValue;
    const deployed = parameters[DEPLOYED_SQL_PARAMETER];
    const unchanged = parameters[STORED_SQL_DIGEST_PARAMETER] === sha256(stored);
    if (marked && unchanged && deployed !== undefined) return { sql: deployed, marked };
    if (wanted === undefined || wanted === stored) return { sql: stored, marked };
    this.#canonical ??= this.#loadCanonical();
    const canonical = await this.#canonical;
    const form = canonical?.(stored);
    return { sql: form !== undefined && form === canonical?.(wanted) ? wanted : stored, marked };
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
    await this.#mark(change.region, view);
  }

  /**
   * Adds the ownership mark, the deployed SQL and the digest of the engine's text to the view's Glue
   * table, keeping everything the engine wrote (UpdateTable replaces the whole TableInput; the
   * VersionId read makes a concurrent change fail instead of being overwritten).
   */
  async #mark(region: string, view: AthenaViewProperties): Promise<void> {
    const glue = this.#clients.glue(region);
    const read = await this.#send(
      glue,
      new GetTableCommand({ DatabaseName: view.database, Name: view.name }),
      {
        what: `read Athena view ${view.database}.${view.name} back`,
        region,
      },
    );
    const table = read.Table;
    if (table === undefined || table.TableType !== VIEW_TABLE_TYPE) {
      throw new Error(
        `Athena view ${view.database}.${view.name} is not in the Glue Data Catalog after CREATE VIEW succeeded`,
      );
    }
    const stored = viewSql(table, { region, database: view.database });
    const { tagKey, tagValue } = this.#org.ownership;
    await this.#send(
      glue,
      new UpdateTableCommand({
        DatabaseName: view.database,
        TableInput: {
          ...tableInputOf(table),
          Parameters: {
            ...(table.Parameters ?? {}),
            [tagKey]: tagValue,
            [DEPLOYED_SQL_PARAMETER]: view.sql,
            [STORED_SQL_DIGEST_PARAMETER]: sha256(stored),
          },
        },
        ...present({ VersionId: table.VersionId }),
      }),
      {
        what: `mark Athena view ${view.database}.${view.name} as managed by org-compliance`,
        region,
        write: true,
      },
    );
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

/** The TableInput that recreates a table as GetTable returned it (what UpdateTable must be sent). */
export function tableInputOf(table: Table): TableInput {
  return {
    Name: table.Name ?? '',
    ...present({
      Description: table.Description,
      Owner: table.Owner,
      LastAccessTime: table.LastAccessTime,
      LastAnalyzedTime: table.LastAnalyzedTime,
      Retention: table.Retention,
      StorageDescriptor: table.StorageDescriptor,
      PartitionKeys: table.PartitionKeys,
      ViewOriginalText: table.ViewOriginalText,
      ViewExpandedText: table.ViewExpandedText,
      TableType: table.TableType,
      Parameters: table.Parameters,
      TargetTable: table.TargetTable,
    }),
  };
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
