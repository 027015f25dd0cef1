export const id = 12;
export const ids = [12];
export const modules = {

/***/ 9012:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createAwsTarget: () => (/* binding */ createAwsTarget)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(1695);
// EXTERNAL MODULE: ./lib/model/quicksight.js
var quicksight = __webpack_require__(8685);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-athena/dist-cjs/index.js
var client_athena_dist_cjs = __webpack_require__(2204);
;// CONCATENATED MODULE: ./lib/providers/aws/retry.js
/**
 * The one wrapper every AWS call goes through: retries throttling and transient failures with
 * full-jitter exponential backoff, counts write requests, and rethrows whatever escapes with
 * context (`Could not <what> (<Operation> in <region>): <message>`).
 *
 * The SDK clients are built with `maxAttempts: 1` (see clients.ts) so that this is the only
 * retry loop; its sleep and random functions are injectable so tests never wait.
 */
const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DEFAULT_RETRY_POLICY = {
    maxAttempts: 8,
    baseDelayMs: 100,
    maxDelayMs: 20_000,
    sleep: realSleep,
    random: Math.random,
};
function retryPolicy(overrides = {}) {
    const policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(overrides) };
    if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
        throw new Error(`Retry maxAttempts must be a whole number of at least 1, got ${policy.maxAttempts}`);
    }
    return policy;
}
/** Full jitter: a uniformly random delay between 0 and min(cap, base * 2^retry). `retry` counts from 0. */
function backoffDelay(retry, policy) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
    return Math.floor(policy.random() * ceiling);
}
/** Error names AWS services use for "slow down". ConcurrentModificationException is deliberately absent. */
const THROTTLING_NAMES = new Set([
    'TooManyRequestsException',
    'ThrottlingException',
    'Throttling',
    'RequestLimitExceeded',
    'ThrottledException',
    'RequestThrottled',
    'RequestThrottledException',
    'SlowDown',
    'ProvisionedThroughputExceededException',
    'BandwidthLimitExceeded',
]);
const TRANSIENT_NAMES = new Set([
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'InternalFailure',
    'InternalError',
    'InternalServerError',
    'ServiceUnavailable',
    'ServiceUnavailableException',
]);
const NETWORK_ERROR_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
]);
function shape(error) {
    return typeof error === 'object' && error !== null ? error : {};
}
/** The service's name for an error (`EntityNotFoundException`), or `Error` when it has none. */
function errorName(error) {
    if (error instanceof AwsCallError)
        return error.name;
    const name = shape(error).name;
    return typeof name === 'string' && name !== '' ? name : 'Error';
}
function errorMessage(error) {
    const message = shape(error).message;
    if (typeof message === 'string' && message !== '')
        return message;
    return typeof error === 'string' ? error : errorName(error);
}
function isThrottlingError(error) {
    const e = shape(error);
    if (typeof e.name === 'string' && THROTTLING_NAMES.has(e.name))
        return true;
    if (e.$metadata?.httpStatusCode === 429)
        return true;
    const retryable = e.$retryable;
    return (typeof retryable === 'object' &&
        retryable !== null &&
        retryable.throttling === true);
}
function isTransientError(error) {
    const e = shape(error);
    if (e.name === 'AbortError')
        return false;
    if (e.$retryable !== undefined)
        return true;
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name))
        return true;
    if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code))
        return true;
    const status = e.$metadata?.httpStatusCode;
    return typeof status === 'number' && status >= 500 && status <= 599;
}
function isRetryableError(error) {
    return isThrottlingError(error) || isTransientError(error);
}
/**
 * An AWS call that failed. `name` is the service's error name (so `error.name === 'EntityNotFoundException'`
 * still works), `cause` is the SDK's own error.
 */
class AwsCallError extends Error {
    operation;
    region;
    attempts;
    retryable;
    constructor(what, operation, region, cause, attempts) {
        const retryable = isRetryableError(cause);
        const gaveUp = retryable && attempts > 1 ? ` (gave up after ${attempts} attempts)` : '';
        super(`Could not ${what} (${operation} in ${region}): ${errorMessage(cause)}${gaveUp}`, { cause });
        this.name = errorName(cause);
        this.operation = operation;
        this.region = region;
        this.attempts = attempts;
        this.retryable = retryable;
    }
}
/** `PutOrganizationConfigRuleCommand` → `PutOrganizationConfigRule`. */
function operationName(command) {
    const name = command.constructor?.name ?? '';
    return name.endsWith('Command') ? name.slice(0, -'Command'.length) : name || 'UnknownOperation';
}
/** Builds the send-wrapper. Every provider call goes through the returned function. */
function createSend(options = {}) {
    const policy = retryPolicy(options.retry);
    const writes = options.writes;
    return async (client, command, context) => {
        const operation = operationName(command);
        for (let attempt = 1;; attempt++) {
            try {
                if (context.write)
                    writes?.add(operation);
                return (await client.send(command));
            }
            catch (error) {
                if (attempt >= policy.maxAttempts || !isRetryableError(error)) {
                    throw new AwsCallError(context.what, operation, context.region, error, attempt);
                }
                await policy.sleep(backoffDelay(attempt - 1, policy));
            }
        }
    };
}
function definedOnly(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
//# sourceMappingURL=retry.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/athena.js
/**
 * Runs one SQL statement in Athena and waits for it: StartQueryExecution, then GetQueryExecution
 * until the query settles (polling from 1 s, growing to 5 s, within a bound), then GetQueryResults
 * page by page. A failed or cancelled query becomes an AthenaQueryError that carries Athena's reason
 * and the line and column it names; a query that outlives the bound is stopped.
 */


/** Athena's catalog for the Glue Data Catalog of the account. */
const ATHENA_CATALOG = 'AwsDataCatalog';
/** GetQueryResults returns at most 1,000 rows a page. */
const ATHENA_RESULTS_PAGE_SIZE = 1000;
const DEFAULT_ATHENA_POLL_MS = 1000;
const DEFAULT_ATHENA_MAX_POLL_MS = 5000;
const DEFAULT_ATHENA_TIMEOUT_MS = 5 * 60_000;
const SETTLED_STATES = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** The position in `line 3:8: Column 'x' cannot be resolved` (anywhere in the message), or undefined. */
function parseAthenaPosition(message) {
    const match = /\bline (\d+):(\d+)\b/.exec(message);
    if (!match)
        return undefined;
    return { line: Number(match[1]), column: Number(match[2]) };
}
/** A query that Athena ran and that ended FAILED or CANCELLED. */
class AthenaQueryError extends Error {
    /** What the query was for, e.g. `view evaluations`. */
    what;
    queryExecutionId;
    /** FAILED or CANCELLED. */
    state;
    /** Athena's StateChangeReason (or, without one, AthenaError.ErrorMessage); may be empty. */
    reason;
    athenaError;
    /** Where in the query Athena places the error, when the reason says. */
    position;
    constructor(what, queryExecutionId, state, reason, athenaError) {
        super(`Athena query ${queryExecutionId} (${what}) ${state}${reason !== '' ? `: ${reason}` : ''}${errorSuffix(athenaError)}`);
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
function errorSuffix(error) {
    if (error?.ErrorCategory === undefined && error?.ErrorType === undefined)
        return '';
    const parts = [
        ...(error.ErrorCategory !== undefined ? [`category ${error.ErrorCategory}`] : []),
        ...(error.ErrorType !== undefined ? [`type ${error.ErrorType}`] : []),
    ];
    return ` [${parts.join(', ')}]`;
}
class AthenaQueryRunner {
    region;
    workgroup;
    database;
    #clients;
    #send;
    #outputLocation;
    #now;
    #sleep;
    #pollMs;
    #maxPollMs;
    #timeoutMs;
    constructor(options) {
        if (options.workgroup === '')
            throw new Error('The Athena workgroup (athena.workgroup) is empty');
        if (options.database === '')
            throw new Error('The Athena database (glue.database) is empty');
        this.#clients = options.clients;
        this.#send = options.send;
        this.region = options.region;
        this.workgroup = options.workgroup;
        this.database = options.database;
        this.#outputLocation =
            options.outputLocation !== undefined && options.outputLocation !== ''
                ? options.outputLocation
                : undefined;
        this.#now = options.now ?? Date.now;
        this.#sleep = options.sleep ?? realSleep;
        this.#pollMs = options.pollMs ?? DEFAULT_ATHENA_POLL_MS;
        this.#maxPollMs = Math.max(this.#pollMs, options.maxPollMs ?? DEFAULT_ATHENA_MAX_POLL_MS);
        this.#timeoutMs = options.timeoutMs ?? DEFAULT_ATHENA_TIMEOUT_MS;
    }
    /** Runs `sql` and returns its result set; `what` names the query in errors (`view evaluations`). */
    async run(sql, what, options = {}) {
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
    async #start(sql, what, write) {
        const input = {
            QueryString: sql,
            WorkGroup: this.workgroup,
            QueryExecutionContext: { Catalog: ATHENA_CATALOG, Database: this.database },
            ...(this.#outputLocation !== undefined
                ? { ResultConfiguration: { OutputLocation: this.#outputLocation } }
                : {}),
        };
        const answer = await this.#send(this.#athena(), new client_athena_dist_cjs/* StartQueryExecutionCommand */.Wjk(input), {
            what: `start the Athena query for ${what}`,
            region: this.region,
            ...(write ? { write: true } : {}),
        });
        if (answer.QueryExecutionId === undefined || answer.QueryExecutionId === '') {
            throw new Error(`Athena returned no query execution id for ${what} (StartQueryExecution in ${this.region})`);
        }
        return answer.QueryExecutionId;
    }
    async #waitUntilSettled(queryExecutionId, what) {
        const started = this.#now();
        let interval = this.#pollMs;
        for (;;) {
            const answer = await this.#send(this.#athena(), new client_athena_dist_cjs/* GetQueryExecutionCommand */.mRu({ QueryExecutionId: queryExecutionId }), { what: `read the state of Athena query ${queryExecutionId} (${what})`, region: this.region });
            const execution = answer.QueryExecution ?? {};
            const state = execution.Status?.State ?? 'UNKNOWN';
            if (SETTLED_STATES.has(state))
                return execution;
            const waited = this.#now() - started;
            if (waited >= this.#timeoutMs) {
                throw new Error(`Athena query ${queryExecutionId} (${what}) was still ${state} after waiting ${duration(waited)} ` +
                    `(limit ${duration(this.#timeoutMs)}); ${await this.#stop(queryExecutionId, what)}`);
            }
            await this.#sleep(Math.min(interval, this.#timeoutMs - waited));
            interval = Math.min(this.#maxPollMs, interval * 2);
        }
    }
    /** Stops a query that outlived the bound; says what became of it, for the timeout message. */
    async #stop(queryExecutionId, what) {
        try {
            await this.#send(this.#athena(), new client_athena_dist_cjs/* StopQueryExecutionCommand */.aaO({ QueryExecutionId: queryExecutionId }), { what: `stop Athena query ${queryExecutionId} (${what})`, region: this.region });
            return 'it has been stopped.';
        }
        catch (error) {
            return `stopping it failed too: ${errorMessage(error)}`;
        }
    }
    async #results(queryExecutionId, what, statementType) {
        const columns = [];
        const rows = [];
        let token;
        let first = true;
        do {
            const page = await this.#send(this.#athena(), new client_athena_dist_cjs/* GetQueryResultsCommand */.sAK({
                QueryExecutionId: queryExecutionId,
                MaxResults: ATHENA_RESULTS_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
            }), { what: `read the results of Athena query ${queryExecutionId} (${what})`, region: this.region });
            let pageRows = (page.ResultSet?.Rows ?? []).map((row) => (row.Data ?? []).map((d) => d.VarCharValue ?? null));
            if (first) {
                columns.push(...(page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? ''));
                // A SELECT's first row repeats the column names; DDL and utility statements (SHOW …) have no header.
                const header = pageRows[0];
                if (statementType !== 'DDL' &&
                    statementType !== 'UTILITY' &&
                    header !== undefined &&
                    header.length === columns.length &&
                    header.every((value, i) => value === columns[i])) {
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
function duration(ms) {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
//# sourceMappingURL=athena.js.map
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-glue/dist-cjs/index.js
var client_glue_dist_cjs = __webpack_require__(6542);
// EXTERNAL MODULE: ./lib/model/resources.js
var resources = __webpack_require__(5780);
;// CONCATENATED MODULE: ./lib/providers/aws/athena-views.js
/**
 * Athena views in the Glue database of config/org.yaml. Reads them from the Glue Data Catalog, where
 * Athena keeps a view as a `VIRTUAL_VIEW` table whose ViewOriginalText is
 * `/* Presto View: <base64 of JSON> *\/` (JSON with `originalSql`, `catalog`, `schema`, `columns`);
 * writes them with `CREATE OR REPLACE VIEW` / `DROP VIEW IF EXISTS` through the Athena query runner.
 *
 * Ownership: a view is ours when it lives in a database carrying the ownership parameter
 * (`Parameters[org.ownership.tagKey] === org.ownership.tagValue`), as the database this tool creates does.
 */




const PRESTO_VIEW_PREFIX = '/* Presto View: ';
const PRESTO_VIEW_SUFFIX = ' */';
/** The Glue table type of every view (Athena's, Hive's, Spark's). */
const VIEW_TABLE_TYPE = 'VIRTUAL_VIEW';
/** Athena database and view names this provider puts into SQL. */
const ATHENA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,254}$/;
/** Glue GetTables returns at most 100 tables a page. */
const GLUE_TABLES_PAGE_SIZE = 100;
/** Decodes Athena's ViewOriginalText. Throws, saying why, when the text is not a Presto view. */
function decodePrestoView(text) {
    if (!text.startsWith(PRESTO_VIEW_PREFIX) || !text.endsWith(PRESTO_VIEW_SUFFIX)) {
        throw new Error(`not a Presto view: the text does not have the form '${PRESTO_VIEW_PREFIX}<base64>${PRESTO_VIEW_SUFFIX}'`);
    }
    const encoded = text.slice(PRESTO_VIEW_PREFIX.length, text.length - PRESTO_VIEW_SUFFIX.length).trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) {
        throw new Error('the Presto view payload is not base64');
    }
    let parsed;
    try {
        parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    }
    catch (error) {
        throw new Error(`the Presto view payload is not JSON: ${error.message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the Presto view payload is not a JSON object');
    }
    const view = parsed;
    if (typeof view.originalSql !== 'string') {
        throw new Error('the Presto view payload has no originalSql');
    }
    const columns = Array.isArray(view.columns) ? view.columns : [];
    return {
        originalSql: view.originalSql,
        catalog: typeof view.catalog === 'string' ? view.catalog : '',
        schema: typeof view.schema === 'string' ? view.schema : '',
        columns: columns.map((column) => {
            const c = (typeof column === 'object' && column !== null ? column : {});
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
function encodePrestoView(view) {
    return `${PRESTO_VIEW_PREFIX}${Buffer.from(JSON.stringify(view), 'utf8').toString('base64')}${PRESTO_VIEW_SUFFIX}`;
}
/** `athena-view/<region>/<database>.<name>`. */
function athenaViewKey(region, database, name) {
    return (0,resources/* resourceKey */.ik)('athena-view', region, `${database}.${name}`);
}
/** Throws unless `value` is a database or view name that may go into SQL as `"<value>"`. */
function assertAthenaName(what, value, subject) {
    if (!ATHENA_NAME_PATTERN.test(value)) {
        throw new Error(`Refusing to write ${subject}: the ${what} name '${value}' is not a valid Athena name ` +
            '(lower-case letters, digits and underscores, starting with a letter or an underscore, at most 255 characters)');
    }
}
/** `CREATE OR REPLACE VIEW "<database>"."<name>" AS` + a newline + the view's SQL. */
function createViewStatement(view) {
    return `CREATE OR REPLACE VIEW "${view.database}"."${view.name}" AS\n${view.sql}`;
}
function dropViewStatement(database, name) {
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
function viewErrorDetail(reason, linesBefore) {
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
class AwsAthenaViewProvider {
    kind = 'athena-view';
    #clients;
    #send;
    #org;
    #runner;
    constructor(options) {
        this.#clients = options.clients;
        this.#send = options.send;
        this.#org = options.org;
        this.#runner = options.runner;
    }
    async read(desired) {
        // The configured database is always read; a desired view elsewhere brings its own database along.
        const databases = new Map();
        const { region, database } = this.#org.glue;
        databases.set(`${region}|${database}`, { region, database });
        const desiredKeys = new Map();
        for (const resource of desired) {
            const db = resource.properties.database;
            databases.set(`${resource.region}|${db}`, { region: resource.region, database: db });
            desiredKeys.set(`${resource.region}|${db}|${resource.properties.name}`, resource.key);
        }
        const found = [];
        for (const location of databases.values()) {
            const owned = await this.#databaseOwnership(location);
            if (owned === undefined)
                continue;
            for (const table of await this.#views(location)) {
                const name = table.Name ?? '';
                found.push({
                    kind: 'athena-view',
                    key: desiredKeys.get(`${location.region}|${location.database}|${name}`) ??
                        athenaViewKey(location.region, location.database, name),
                    region: location.region,
                    properties: { database: location.database, name, sql: viewSql(table, location) },
                    owned,
                });
            }
        }
        return found;
    }
    async apply(change) {
        if (change.kind !== 'athena-view') {
            throw new Error(`The Athena view provider cannot apply a ${change.kind} change (${change.key})`);
        }
        switch (change.action) {
            case 'no-op':
                return;
            case 'create':
            case 'update':
                return this.#createOrReplace(change, viewProperties(change, change.after));
            case 'delete':
                return this.#drop(change, change.before !== undefined ? viewProperties(change, change.before) : viewFromKey(change));
        }
    }
    async #createOrReplace(change, view) {
        const subject = `Athena view ${change.key}`;
        assertAthenaName('database', view.database, subject);
        assertAthenaName('view', view.name, subject);
        this.#assertRegion(change);
        try {
            await this.#runner.run(createViewStatement(view), `view ${view.name}`, { write: true });
        }
        catch (error) {
            if (!(error instanceof AthenaQueryError))
                throw error;
            throw new Error(`View ${view.name} failed in Athena: ${failureDetail(error, CREATE_VIEW_HEADER_LINES)}`, {
                cause: error,
            });
        }
    }
    async #drop(change, view) {
        const subject = `Athena view ${change.key}`;
        assertAthenaName('database', view.database, subject);
        assertAthenaName('view', view.name, subject);
        this.#assertRegion(change);
        try {
            await this.#runner.run(dropViewStatement(view.database, view.name), `drop of view ${view.name}`, {
                write: true,
            });
        }
        catch (error) {
            if (!(error instanceof AthenaQueryError))
                throw error;
            throw new Error(`Dropping view ${view.name} failed in Athena: ${failureDetail(error, 0)}`, {
                cause: error,
            });
        }
    }
    #assertRegion(change) {
        if (change.region !== this.#runner.region) {
            throw new Error(`Athena view ${change.key} is in ${change.region}, but Athena queries run in ${this.#runner.region} (glue.region)`);
        }
    }
    /** Whether the database carries the ownership parameter; undefined when it does not exist. */
    async #databaseOwnership({ region, database }) {
        try {
            const answer = await this.#send(this.#clients.glue(region), new client_glue_dist_cjs/* GetDatabaseCommand */.vU({ Name: database }), {
                what: `read Glue database ${database}`,
                region,
            });
            const { tagKey, tagValue } = this.#org.ownership;
            return answer.Database?.Parameters?.[tagKey] === tagValue;
        }
        catch (error) {
            if (errorName(error) === 'EntityNotFoundException')
                return undefined;
            throw error;
        }
    }
    async #views({ region, database }) {
        const views = [];
        let token;
        do {
            const page = await this.#send(this.#clients.glue(region), new client_glue_dist_cjs/* GetTablesCommand */.dhF({
                DatabaseName: database,
                MaxResults: GLUE_TABLES_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
            }), { what: `list the tables of Glue database ${database}`, region });
            views.push(...(page.TableList ?? []).filter((table) => table.TableType === VIEW_TABLE_TYPE));
            token = page.NextToken;
        } while (token);
        return views;
    }
}
/**
 * A view table's SQL: `originalSql` of a Presto (Athena) view, trimmed. A view some other engine made
 * (Hive, Spark) keeps its plain SQL in ViewOriginalText; it is read as that text, so a plan replaces it.
 */
function viewSql(table, { database }) {
    const text = table.ViewOriginalText ?? '';
    if (!text.startsWith(PRESTO_VIEW_PREFIX))
        return text.trim();
    try {
        return decodePrestoView(text).originalSql.trim();
    }
    catch (error) {
        throw new Error(`Could not read Athena view ${database}.${table.Name ?? ''}: ${error.message}`);
    }
}
function failureDetail(error, linesBefore) {
    if (error.reason.trim() === '')
        return `query ${error.queryExecutionId} ended ${error.state}`;
    return viewErrorDetail(error.reason, linesBefore);
}
function viewProperties(change, properties) {
    if (properties === undefined || !('sql' in properties)) {
        throw new Error(`Change ${change.key} (${change.action}) carries no Athena view properties`);
    }
    return properties;
}
/** `athena-view/<region>/<database>.<name>` → database and name, for a delete without `before`. */
function viewFromKey(change) {
    const prefix = `athena-view/${change.region}/`;
    const rest = change.key.startsWith(prefix) ? change.key.slice(prefix.length) : '';
    const dot = rest.indexOf('.');
    if (dot <= 0) {
        throw new Error(`Change ${change.key} (delete) names no Athena view: expected athena-view/<region>/<database>.<name>`);
    }
    return { database: rest.slice(0, dot), name: rest.slice(dot + 1) };
}
//# sourceMappingURL=athena-views.js.map
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-config-service/dist-cjs/index.js
var client_config_service_dist_cjs = __webpack_require__(7101);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-organizations/dist-cjs/index.js
var client_organizations_dist_cjs = __webpack_require__(2503);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-quicksight/dist-cjs/index.js
var client_quicksight_dist_cjs = __webpack_require__(6069);
;// CONCATENATED MODULE: ./lib/version.js
/** This tool's version; a test keeps it equal to package.json's. */
const VERSION = '0.1.0';
//# sourceMappingURL=version.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/clients.js
/**
 * The one place that builds SDK clients. Every client gets its region, `maxAttempts: 1` (retry.ts
 * is the only retry loop), the user agent `org-compliance/<version>`, and an explicit endpoint
 * only when one was asked for, so that the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>`
 * handling keeps working.
 */







/** Organizations is a global service served from us-east-1. */
const ORGANIZATIONS_REGION = 'us-east-1';
const USER_AGENT_NAME = 'org-compliance';
/** Settings shared by every client, exported so tests can check them. */
function clientSettings(region, options = {}, credentials) {
    return {
        ...(credentials ? { credentials } : {}),
        region,
        maxAttempts: 1,
        customUserAgent: [[USER_AGENT_NAME, options.version ?? packageVersion()]],
        ...(options.endpoint !== undefined && options.endpoint !== '' ? { endpoint: options.endpoint } : {}),
    };
}
/** Builds clients lazily and keeps one per region. */
function createAwsClients(options = {}) {
    let organizations;
    const config = new Map();
    const glue = new Map();
    const athena = new Map();
    const quicksight = new Map();
    const sts = new Map();
    return {
        organizations() {
            organizations ??= new client_organizations_dist_cjs/* OrganizationsClient */.gnq(clientSettings(ORGANIZATIONS_REGION, options, options.credentials?.management));
            return organizations;
        },
        config(region) {
            return cached(config, region, () => new client_config_service_dist_cjs/* ConfigServiceClient */.D99(clientSettings(region, options, options.credentials?.management)));
        },
        glue(region) {
            return cached(glue, region, () => new client_glue_dist_cjs/* GlueClient */.lPz(clientSettings(region, options, options.credentials?.data)));
        },
        athena(region) {
            return cached(athena, region, () => new client_athena_dist_cjs/* AthenaClient */.T7g(clientSettings(region, options, options.credentials?.data)));
        },
        quicksight(region) {
            return cached(quicksight, region, () => new client_quicksight_dist_cjs/* QuickSightClient */.SzC(clientSettings(region, options, options.credentials?.data)));
        },
        sts(region) {
            return cached(sts, region, () => new dist_cjs/* STSClient */.iM(clientSettings(region, options, options.credentials?.data)));
        },
    };
}
function cached(map, region, build) {
    if (region === '')
        throw new Error('An AWS client needs a region, got an empty string');
    let client = map.get(region);
    if (client === undefined) {
        client = build();
        map.set(region, client);
    }
    return client;
}
/** This package's version, for the user agent. */
function packageVersion() {
    return VERSION;
}
//# sourceMappingURL=clients.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/config-rules.js
/**
 * Organization Config Rules in every configured region. One provider instance covers all regions.
 *
 * Ownership: the API takes no tags, so a rule is ours when its description ends with
 * `org.ownership.descriptionMarker`. Desired descriptions carry the marker already; this provider
 * writes descriptions verbatim and refuses to write one without it (the rule would stop being ours).
 *
 * Rules are refused changes (`ResourceInUseException`) while a deployment is `*_IN_PROGRESS`: the
 * provider then polls the rule's status until it settles, within a bound, and writes again.
 */



/** DescribeOrganizationConfigRules and the status calls return at most 100 a page. */
const CONFIG_PAGE_SIZE = 100;
/** Member failures listed in a rule's status details before `… and N more`. */
const MAX_STATUS_DETAILS = 20;
const FAILED_MEMBER_STATUSES = [
    'CREATE_FAILED',
    'UPDATE_FAILED',
    'DELETE_FAILED',
];
/** Identifier of a custom-policy (Guard) rule, which has no identifier of its own. */
const CUSTOM_POLICY_IDENTIFIER = 'custom-policy';
const CUSTOM_LAMBDA_PREFIX = 'custom:';
class AwsConfigRuleProvider {
    kind = 'config-rule';
    #clients;
    #send;
    #regions;
    #marker;
    #busyTimeoutMs;
    #busyPollMs;
    #now;
    #sleep;
    constructor(options) {
        if (options.descriptionMarker === '') {
            throw new Error('ownership.descriptionMarker is empty: every Organization Config Rule would look owned');
        }
        this.#clients = options.clients;
        this.#send = options.send;
        this.#regions = [...options.regions];
        this.#marker = options.descriptionMarker;
        this.#busyTimeoutMs = options.busyTimeoutMs ?? 10 * 60_000;
        this.#busyPollMs = options.busyPollMs ?? 15_000;
        this.#now = options.now ?? Date.now;
        this.#sleep = options.sleep ?? realSleep;
    }
    async read(desired) {
        const regions = [...new Set([...this.#regions, ...desired.map((resource) => resource.region)])].sort();
        const perRegion = await Promise.all(regions.map((region) => this.#readRegion(region)));
        return perRegion.flat();
    }
    async apply(change) {
        if (change.kind !== 'config-rule') {
            throw new Error(`The Config rule provider cannot apply a ${change.kind} change (${change.key})`);
        }
        switch (change.action) {
            case 'no-op':
                return;
            case 'create':
            case 'update': {
                const rule = ruleProperties(change);
                const input = putRuleInput(rule, this.#marker, change.action);
                await this.#whenIdle(rule.name, change.region, () => this.#send(this.#clients.config(change.region), new client_config_service_dist_cjs/* PutOrganizationConfigRuleCommand */.OHJ(input), {
                    what: `${change.action} Organization Config Rule ${rule.name}`,
                    region: change.region,
                    write: true,
                }));
                return;
            }
            case 'delete': {
                const name = change.before !== undefined && 'identifier' in change.before ? change.before.name : change.name;
                await this.#whenIdle(name, change.region, async () => {
                    try {
                        await this.#send(this.#clients.config(change.region), new client_config_service_dist_cjs/* DeleteOrganizationConfigRuleCommand */.Q4Z({ OrganizationConfigRuleName: name }), { what: `delete Organization Config Rule ${name}`, region: change.region, write: true });
                    }
                    catch (error) {
                        // Already gone: the delete has nothing left to do.
                        if (errorName(error) !== 'NoSuchOrganizationConfigRuleException')
                            throw error;
                    }
                });
                return;
            }
        }
    }
    async #readRegion(region) {
        const rules = await this.#describeRules(region);
        // A region without rules of ours needs no status call.
        if (rules.length === 0)
            return [];
        const statuses = await this.#describeStatuses(region);
        const current = [];
        for (const rule of rules) {
            const properties = propertiesFromRule(rule, region);
            const custom = rule.OrganizationManagedRuleMetadata === undefined;
            const status = statuses.get(properties.name);
            const resource = {
                kind: 'config-rule',
                key: (0,resources/* resourceKey */.ik)('config-rule', region, properties.name),
                region,
                properties,
                owned: !custom && properties.description.endsWith(this.#marker),
            };
            if (status !== undefined)
                resource.status = await this.#resourceStatus(status, region);
            current.push(resource);
        }
        return current;
    }
    async #describeRules(region) {
        const rules = [];
        let token;
        do {
            const page = await this.#send(this.#clients.config(region), new client_config_service_dist_cjs/* DescribeOrganizationConfigRulesCommand */.Hp({
                Limit: CONFIG_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
            }), { what: 'list Organization Config Rules', region });
            rules.push(...(page.OrganizationConfigRules ?? []));
            token = page.NextToken;
        } while (token);
        return rules;
    }
    async #describeStatuses(region, names) {
        const statuses = new Map();
        let token;
        do {
            const page = await this.#send(this.#clients.config(region), new client_config_service_dist_cjs/* DescribeOrganizationConfigRuleStatusesCommand */.c4v({
                ...(names ? { OrganizationConfigRuleNames: names } : {}),
                Limit: CONFIG_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
            }), {
                what: names
                    ? `read the status of Organization Config Rule ${names.join(', ')}`
                    : 'read Organization Config Rule statuses',
                region,
            });
            for (const status of page.OrganizationConfigRuleStatuses ?? []) {
                if (status.OrganizationConfigRuleName)
                    statuses.set(status.OrganizationConfigRuleName, status);
            }
            token = page.NextToken;
        } while (token);
        return statuses;
    }
    async #resourceStatus(status, region) {
        const state = status.OrganizationRuleStatus ?? 'UNKNOWN';
        const message = [status.ErrorCode, status.ErrorMessage]
            .filter((part) => part !== undefined && part !== '')
            .join(': ');
        const details = state.endsWith('_FAILED') && status.OrganizationConfigRuleName
            ? memberFailureLines(await this.#failedMembers(status.OrganizationConfigRuleName, region))
            : [];
        return { state, ...(message !== '' ? { message } : {}), details };
    }
    async #failedMembers(name, region) {
        const members = [];
        for (const memberStatus of FAILED_MEMBER_STATUSES) {
            let token;
            do {
                let page;
                try {
                    page = await this.#detailedStatusPage(name, region, memberStatus, token);
                }
                catch (error) {
                    // Deleted between the two calls: nothing to report.
                    if (errorName(error) === 'NoSuchOrganizationConfigRuleException')
                        return members;
                    throw error;
                }
                members.push(...(page.OrganizationConfigRuleDetailedStatus ?? []));
                token = page.NextToken;
            } while (token);
        }
        return members;
    }
    #detailedStatusPage(name, region, memberStatus, token) {
        return this.#send(this.#clients.config(region), new client_config_service_dist_cjs/* GetOrganizationConfigRuleDetailedStatusCommand */.lXK({
            OrganizationConfigRuleName: name,
            Filters: { MemberAccountRuleStatus: memberStatus },
            Limit: CONFIG_PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
        }), { what: `read the ${memberStatus} member accounts of Organization Config Rule ${name}`, region });
    }
    /** Runs `write`; while the rule is busy (`ResourceInUseException`), waits for it to settle and runs it again. */
    async #whenIdle(name, region, write) {
        const started = this.#now();
        for (;;) {
            try {
                await write();
                return;
            }
            catch (error) {
                if (errorName(error) !== 'ResourceInUseException')
                    throw error;
            }
            await this.#waitWhileInProgress(name, region, started);
        }
    }
    async #waitWhileInProgress(name, region, started) {
        let state = await this.#ruleState(name, region);
        if (!isInProgress(state)) {
            // Busy a moment ago, settled now: give the service one interval before writing again.
            this.#checkWaitBound(name, region, state, started);
            await this.#sleep(this.#busyPollMs);
            return;
        }
        while (isInProgress(state)) {
            this.#checkWaitBound(name, region, state, started);
            await this.#sleep(this.#busyPollMs);
            state = await this.#ruleState(name, region);
        }
    }
    #checkWaitBound(name, region, state, started) {
        const waited = this.#now() - started;
        if (waited >= this.#busyTimeoutMs) {
            throw new Error(`Organization Config Rule ${name} in ${region} is still busy (last status ${state}) after waiting ` +
                `${config_rules_duration(waited)} (limit ${config_rules_duration(this.#busyTimeoutMs)}): AWS refuses changes while a deployment ` +
                'is in progress. Run apply again once it has finished.');
        }
    }
    async #ruleState(name, region) {
        try {
            const statuses = await this.#describeStatuses(region, [name]);
            return statuses.get(name)?.OrganizationRuleStatus ?? 'UNKNOWN';
        }
        catch (error) {
            if (errorName(error) === 'NoSuchOrganizationConfigRuleException')
                return 'NOT_FOUND';
            throw error;
        }
    }
}
function isInProgress(state) {
    return state.endsWith('_IN_PROGRESS');
}
/**
 * An Organization Config Rule in the shape desired state has. Custom rules get the identifier
 * `custom:<LambdaFunctionArn>` or `custom-policy`.
 */
function propertiesFromRule(rule, region) {
    const name = rule.OrganizationConfigRuleName ?? '';
    const managed = rule.OrganizationManagedRuleMetadata;
    const lambda = rule.OrganizationCustomRuleMetadata;
    const policy = rule.OrganizationCustomPolicyRuleMetadata;
    const metadata = managed ?? lambda ?? policy ?? {};
    const identifier = managed
        ? (managed.RuleIdentifier ?? '')
        : lambda
            ? `${CUSTOM_LAMBDA_PREFIX}${lambda.LambdaFunctionArn ?? ''}`
            : CUSTOM_POLICY_IDENTIFIER;
    const properties = {
        name,
        identifier,
        description: metadata.Description ?? '',
        inputParameters: parseInputParameters(metadata.InputParameters, name, region),
        resourceTypesScope: [...(metadata.ResourceTypesScope ?? [])],
        excludedAccounts: [...(rule.ExcludedAccounts ?? [])].sort(),
    };
    if (present(metadata.MaximumExecutionFrequency))
        properties.maximumExecutionFrequency = metadata.MaximumExecutionFrequency;
    if (present(metadata.ResourceIdScope))
        properties.resourceIdScope = metadata.ResourceIdScope;
    if (present(metadata.TagKeyScope))
        properties.tagKeyScope = metadata.TagKeyScope;
    if (present(metadata.TagValueScope))
        properties.tagValueScope = metadata.TagValueScope;
    return properties;
}
/** InputParameters (a JSON object in a string) as a map of strings; non-string values are written as JSON. */
function parseInputParameters(text, rule, region) {
    if (text === undefined || text.trim() === '')
        return {};
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw new Error(`Organization Config Rule ${rule} in ${region} has InputParameters that are not JSON: ${error.message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error(`Organization Config Rule ${rule} in ${region} has InputParameters that are not a JSON object: ${text}`);
    }
    const parameters = {};
    for (const [key, value] of Object.entries(parsed)) {
        parameters[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return parameters;
}
/** The parameters as InputParameters: JSON with keys sorted, so equal maps give equal strings. */
function inputParametersJson(parameters) {
    const entries = Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length === 0 ? undefined : JSON.stringify(Object.fromEntries(entries));
}
/**
 * The PutOrganizationConfigRule request for a managed rule. On update ExcludedAccounts is always
 * sent, `[]` included, so that a removed exclusion is really removed (the API's list allows 0 items).
 */
function putRuleInput(rule, descriptionMarker, action) {
    if (rule.identifier.startsWith(CUSTOM_LAMBDA_PREFIX) || rule.identifier === CUSTOM_POLICY_IDENTIFIER) {
        throw new Error(`Refusing to write Organization Config Rule ${rule.name}: org-compliance manages only AWS managed rules`);
    }
    if (!rule.description.endsWith(descriptionMarker)) {
        throw new Error(`Refusing to write Organization Config Rule ${rule.name}: its description does not end with the ownership ` +
            `marker '${descriptionMarker}', so the rule would no longer be recognised as managed by org-compliance. ` +
            'Desired state must append ownership.descriptionMarker to every description.');
    }
    const inputParameters = inputParametersJson(rule.inputParameters);
    const excluded = [...rule.excludedAccounts].sort();
    return {
        OrganizationConfigRuleName: rule.name,
        OrganizationManagedRuleMetadata: {
            RuleIdentifier: rule.identifier,
            Description: rule.description,
            ...(inputParameters !== undefined ? { InputParameters: inputParameters } : {}),
            ...(present(rule.maximumExecutionFrequency)
                ? { MaximumExecutionFrequency: rule.maximumExecutionFrequency }
                : {}),
            ...(rule.resourceTypesScope.length > 0 ? { ResourceTypesScope: [...rule.resourceTypesScope] } : {}),
            ...(present(rule.resourceIdScope) ? { ResourceIdScope: rule.resourceIdScope } : {}),
            ...(present(rule.tagKeyScope) ? { TagKeyScope: rule.tagKeyScope } : {}),
            ...(present(rule.tagValueScope) ? { TagValueScope: rule.tagValueScope } : {}),
        },
        ...(action === 'update' || excluded.length > 0 ? { ExcludedAccounts: excluded } : {}),
    };
}
/** `<accountId>: <status> (<ErrorCode>: <ErrorMessage>)`, at most 20 lines and then `… and N more`. */
function memberFailureLines(members, max = MAX_STATUS_DETAILS) {
    const sorted = [...members].sort((a, b) => (a.AccountId ?? '').localeCompare(b.AccountId ?? ''));
    const lines = sorted.slice(0, max).map((member) => {
        const reason = [member.ErrorCode, member.ErrorMessage]
            .filter((part) => part !== undefined && part !== '')
            .join(': ');
        return `${member.AccountId ?? 'unknown account'}: ${member.MemberAccountRuleStatus ?? 'UNKNOWN'}${reason !== '' ? ` (${reason})` : ''}`;
    });
    if (sorted.length > max)
        lines.push(`… and ${sorted.length - max} more`);
    return lines;
}
function ruleProperties(change) {
    const after = change.after;
    if (after === undefined || !('identifier' in after)) {
        throw new Error(`Change ${change.key} (${change.action}) carries no Config rule properties`);
    }
    return after;
}
function present(value) {
    return value !== undefined && value !== '';
}
function config_rules_duration(ms) {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
//# sourceMappingURL=config-rules.js.map
// EXTERNAL MODULE: ./node_modules/@aws-sdk/credential-providers/dist-cjs/index.js
var credential_providers_dist_cjs = __webpack_require__(9719);
;// CONCATENATED MODULE: ./lib/providers/aws/credentials.js
/**
 * Credentials for the aws target: the default chain, or the roles config/org.yaml names, assumed
 * with the SDK's own `fromTemporaryCredentials` (refreshed before they expire). Plans and
 * discover use the read roles; apply uses the write roles.
 */

function roleSessionName(mode) {
    return `org-compliance-${mode}`;
}
/**
 * One assumed-role session shared by every client of a group (each SDK client would otherwise
 * assume the role itself): the identity is kept until five minutes before it expires.
 */
function shared(provider, now = Date.now) {
    let current;
    return async () => {
        if (current) {
            const identity = await current.catch(() => undefined);
            const expires = identity?.expiration?.getTime();
            if (identity && (expires === undefined || expires - now() > 5 * 60_000))
                return identity;
        }
        current = provider();
        return current;
    };
}
function assumeRole(roleArn, mode, region, options = {}) {
    return shared((0,credential_providers_dist_cjs/* fromTemporaryCredentials */.ss)({
        params: { RoleArn: roleArn, RoleSessionName: roleSessionName(mode), DurationSeconds: 3600 },
        clientConfig: {
            region,
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
            ...options.stsClientConfig,
        },
    }));
}
/** The credential source for each group of clients, from the roles in org.yaml. */
function credentialSources(org, mode, options = {}) {
    const sources = {};
    const { management, data } = org.roles;
    if (management)
        sources.management = assumeRole(management[mode], mode, org.homeRegion, options);
    if (data)
        sources.data = assumeRole(data[mode], mode, org.glue.region, options);
    return sources;
}
//# sourceMappingURL=credentials.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/glue-table.js
/**
 * The Glue table over the Config snapshot bucket. Reads GetTable into GlueTableProperties; creates
 * (and the database when missing) or updates it with the whole TableInput. Never deletes a table.
 */



/**
 * Table parameters that Glue, Athena or the console set by themselves. They are not part of the
 * comparable properties (they would make every plan show a change) and UpdateTable drops them.
 */
const SERVICE_MANAGED_PARAMETERS = new Set([
    'transient_lastDdlTime',
    'last_modified_by',
    'last_modified_time',
]);
/** The TableInput that creates or replaces the table described by `p`. */
function tableInputFromProperties(p) {
    return {
        Name: p.name,
        TableType: p.tableType,
        Parameters: { ...p.parameters },
        PartitionKeys: p.partitionKeys.map(sdkColumn),
        StorageDescriptor: {
            Columns: p.columns.map(sdkColumn),
            Location: p.location,
            InputFormat: p.inputFormat,
            OutputFormat: p.outputFormat,
            SerdeInfo: {
                SerializationLibrary: p.serializationLibrary,
                Parameters: { ...p.serdeParameters },
            },
        },
    };
}
/** `glue-table/<region>/<database>.<table>`. */
function glueTableKey(region, database, table) {
    return (0,resources/* resourceKey */.ik)('glue-table', region, `${database}.${table}`);
}
/**
 * GetTable's `Table` in the shape desired state has. CreateTime, VersionId, CatalogId and the other
 * fields the service sets are left out; `owned` says whether `Parameters[tagKey] === tagValue`.
 */
function propertiesFromTable(table, marker) {
    const storage = table.StorageDescriptor ?? {};
    const parameters = withoutServiceManaged(table.Parameters ?? {});
    const properties = {
        database: table.DatabaseName ?? '',
        name: table.Name ?? '',
        tableType: table.TableType ?? '',
        parameters,
        columns: (storage.Columns ?? []).map(modelColumn),
        partitionKeys: (table.PartitionKeys ?? []).map(modelColumn),
        location: storage.Location ?? '',
        inputFormat: storage.InputFormat ?? '',
        outputFormat: storage.OutputFormat ?? '',
        serializationLibrary: storage.SerdeInfo?.SerializationLibrary ?? '',
        serdeParameters: { ...(storage.SerdeInfo?.Parameters ?? {}) },
    };
    return {
        properties,
        owned: table.Parameters?.[marker.tagKey] === marker.tagValue,
        ...(table.VersionId !== undefined ? { versionId: table.VersionId } : {}),
    };
}
class AwsGlueTableProvider {
    kind = 'glue-table';
    #clients;
    #send;
    #org;
    /** VersionId seen by the last read, per resource key: UpdateTable sends it so a concurrent change fails. */
    #versions = new Map();
    constructor(options) {
        this.#clients = options.clients;
        this.#send = options.send;
        this.#org = options.org;
    }
    async read(desired) {
        // The configured table is always looked at; a desired resource naming the same table lends it its key.
        const targets = new Map();
        const { region, database, table } = this.#org.glue;
        targets.set(`${region}|${database}|${table}`, {
            key: glueTableKey(region, database, table),
            region,
            database,
            name: table,
        });
        for (const resource of desired) {
            const { database: db, name } = resource.properties;
            targets.set(`${resource.region}|${db}|${name}`, {
                key: resource.key,
                region: resource.region,
                database: db,
                name,
            });
        }
        const found = [];
        for (const target of targets.values()) {
            const table = await this.#getTable(target.region, target.database, target.name);
            if (table === undefined)
                continue;
            const read = propertiesFromTable(table, this.#org.ownership);
            if (read.versionId !== undefined)
                this.#versions.set(target.key, read.versionId);
            else
                this.#versions.delete(target.key);
            found.push({
                kind: 'glue-table',
                key: target.key,
                region: target.region,
                properties: read.properties,
                owned: read.owned,
            });
        }
        return found;
    }
    async apply(change) {
        if (change.kind !== 'glue-table') {
            throw new Error(`The Glue table provider cannot apply a ${change.kind} change (${change.key})`);
        }
        switch (change.action) {
            case 'no-op':
                return;
            case 'delete':
                throw new Error(`Refusing to delete Glue table ${change.name} in ${change.region}: org-compliance never deletes tables. ` +
                    'Remove it by hand if it really must go.');
            case 'create':
                return this.#create(change.region, tableProperties(change));
            case 'update':
                return this.#update(change.key, change.region, tableProperties(change));
        }
    }
    async #getTable(region, database, name) {
        try {
            const answer = await this.#send(this.#clients.glue(region), new client_glue_dist_cjs/* GetTableCommand */.QuZ({ DatabaseName: database, Name: name }), { what: `read Glue table ${database}.${name}`, region });
            return answer.Table;
        }
        catch (error) {
            if (errorName(error) === 'EntityNotFoundException')
                return undefined;
            throw error;
        }
    }
    async #create(region, p) {
        const glue = this.#clients.glue(region);
        await this.#ensureDatabase(region, p.database);
        try {
            await this.#send(glue, new client_glue_dist_cjs/* CreateTableCommand */.IxS({ DatabaseName: p.database, TableInput: tableInputFromProperties(p) }), {
                what: `create Glue table ${p.database}.${p.name}`,
                region,
                write: true,
            });
        }
        catch (error) {
            if (errorName(error) === 'AlreadyExistsException') {
                throw new Error(`Glue table ${p.database}.${p.name} in ${region} was created by someone else since the plan was made; run plan again.`, { cause: error });
            }
            throw error;
        }
    }
    async #ensureDatabase(region, database) {
        const glue = this.#clients.glue(region);
        try {
            await this.#send(glue, new client_glue_dist_cjs/* GetDatabaseCommand */.vU({ Name: database }), {
                what: `read Glue database ${database}`,
                region,
            });
            return;
        }
        catch (error) {
            if (errorName(error) !== 'EntityNotFoundException')
                throw error;
        }
        try {
            await this.#send(glue, new client_glue_dist_cjs/* CreateDatabaseCommand */.x_P({
                DatabaseInput: {
                    Name: database,
                    Description: 'AWS Config snapshots across the organization, managed by org-compliance',
                    Parameters: { [this.#org.ownership.tagKey]: this.#org.ownership.tagValue },
                },
            }), { what: `create Glue database ${database}`, region, write: true });
        }
        catch (error) {
            // Created by someone else in the meantime: what we need is there.
            if (errorName(error) !== 'AlreadyExistsException')
                throw error;
        }
    }
    async #update(key, region, p) {
        const versionId = this.#versions.get(key);
        try {
            await this.#send(this.#clients.glue(region), new client_glue_dist_cjs/* UpdateTableCommand */.NQf({
                DatabaseName: p.database,
                TableInput: tableInputFromProperties(p),
                ...(versionId !== undefined ? { VersionId: versionId } : {}),
            }), { what: `update Glue table ${p.database}.${p.name}`, region, write: true });
        }
        catch (error) {
            if (errorName(error) === 'ConcurrentModificationException') {
                throw new Error(`Glue table ${p.database}.${p.name} in ${region} changed since the plan was made` +
                    `${versionId !== undefined ? ` (the plan read version ${versionId})` : ''}; run plan again.`, { cause: error });
            }
            throw error;
        }
        this.#versions.delete(key);
    }
}
function tableProperties(change) {
    const after = change.after;
    if (after === undefined || !('serializationLibrary' in after)) {
        throw new Error(`Change ${change.key} (${change.action}) carries no Glue table properties`);
    }
    return after;
}
function sdkColumn(column) {
    return { Name: column.name, Type: column.type };
}
function modelColumn(column) {
    return { name: column.Name ?? '', type: column.Type ?? '' };
}
function withoutServiceManaged(parameters) {
    return Object.fromEntries(Object.entries(parameters).filter(([key]) => !SERVICE_MANAGED_PARAMETERS.has(key)));
}
//# sourceMappingURL=glue-table.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/limiter.js
function createLimiter(concurrency) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new Error(`Concurrency must be a whole number of at least 1, got ${concurrency}`);
    }
    let running = 0;
    const waiting = [];
    const acquire = async (urgent) => {
        if (running < concurrency) {
            running += 1;
            return;
        }
        // The finishing task hands its slot over directly, so `running` stays the same.
        // Urgent tasks (the next page of a list already under way) go to the front of the queue.
        await new Promise((resolve) => (urgent ? waiting.unshift(resolve) : waiting.push(resolve)));
    };
    const release = () => {
        const next = waiting.shift();
        if (next)
            next();
        else
            running -= 1;
    };
    return async (task, options) => {
        await acquire(options?.urgent ?? false);
        try {
            return await task();
        }
        finally {
            release();
        }
    };
}
//# sourceMappingURL=limiter.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/organization.js
/**
 * Reads the Organization by walking its OU tree: ListRoots, then for every parent (root or OU)
 * its child OUs and its direct accounts. API calls grow with the number of OUs (each parent costs
 * its OU pages plus its account pages), never one call per account.
 */



/** ListAccountsForParent and ListOrganizationalUnitsForParent accept at most 20. */
const ORGANIZATIONS_PAGE_SIZE = 20;
class AwsOrganizationSource {
    #clients;
    #send;
    #concurrency;
    #progressEvery;
    #progress;
    constructor(options) {
        this.#clients = options.clients;
        this.#send = options.send;
        this.#concurrency = options.concurrency ?? 8;
        this.#progressEvery = options.progressEvery ?? 10;
        this.#progress = options.progress;
    }
    async readOrganization(progress) {
        const report = progress ?? this.#progress;
        // Every call takes a slot, so at most `concurrency` requests are in flight; a child OU is
        // walked as soon as the page that names it arrives, and a parent's OU pages and account
        // pages are read side by side. The longest chain is then the tree's depth in pages.
        const limit = createLimiter(this.#concurrency);
        const [organizationId, roots] = await Promise.all([
            limit(() => this.#organizationId()),
            this.#roots(limit),
        ]);
        const accounts = [];
        let parentsDone = 0;
        const walk = async (parent) => {
            const children = [];
            const [, found] = await Promise.all([
                this.#childUnits(parent, limit, (units) => {
                    for (const unit of units)
                        children.push(walk(unit));
                }),
                this.#childAccounts(parent, limit),
            ]);
            accounts.push(...found);
            parentsDone += 1;
            if (report && parentsDone % this.#progressEvery === 0) {
                report(`Organizations: read ${parentsDone} parents (root and OUs), ${accounts.length} accounts so far`);
            }
            await Promise.all(children);
        };
        await Promise.all(roots.map((root) => walk(root)));
        report?.(`Organizations: read ${parentsDone} parents (root and OUs), ${accounts.length} accounts in all`);
        accounts.sort((a, b) => a.id.localeCompare(b.id));
        return { organizationId, accounts };
    }
    async #organizationId() {
        const answer = await this.#send(this.#clients.organizations(), new client_organizations_dist_cjs/* DescribeOrganizationCommand */.ov$({}), {
            what: 'describe the organization',
            region: ORGANIZATIONS_REGION,
        });
        const id = answer.Organization?.Id;
        if (!id)
            throw new Error('DescribeOrganization returned no organization id');
        return id;
    }
    async #roots(limit) {
        const roots = [];
        let token;
        do {
            const next = token;
            const page = await limit(() => this.#send(this.#clients.organizations(), new client_organizations_dist_cjs/* ListRootsCommand */.Hkb({
                MaxResults: ORGANIZATIONS_PAGE_SIZE,
                ...(next ? { NextToken: next } : {}),
            }), { what: 'list the organization roots', region: ORGANIZATIONS_REGION }), { urgent: next !== undefined });
            roots.push(...(page.Roots ?? []));
            token = page.NextToken;
        } while (token);
        if (roots.length === 0)
            throw new Error('ListRoots returned no root: is this account in an organization?');
        return roots.map((root) => ({
            id: required(root.Id, 'Id', 'a root'),
            path: `/${required(root.Name, 'Name', `root ${root.Id}`)}`,
        }));
    }
    /** Lists the OUs under a parent, handing each page's OUs to `onPage` as soon as it arrives. */
    async #childUnits(parent, limit, onPage) {
        let token;
        do {
            const next = token;
            const page = await limit(() => this.#send(this.#clients.organizations(), new client_organizations_dist_cjs/* ListOrganizationalUnitsForParentCommand */.sUM({
                ParentId: parent.id,
                MaxResults: ORGANIZATIONS_PAGE_SIZE,
                ...(next ? { NextToken: next } : {}),
            }), {
                what: `list the organizational units under ${parent.id} (${parent.path})`,
                region: ORGANIZATIONS_REGION,
            }), { urgent: next !== undefined });
            onPage((page.OrganizationalUnits ?? []).map((unit) => {
                const id = required(unit.Id, 'Id', `an organizational unit under ${parent.path}`);
                return { id, path: `${parent.path}/${required(unit.Name, 'Name', `organizational unit ${id}`)}` };
            }));
            token = page.NextToken;
        } while (token);
    }
    async #childAccounts(parent, limit) {
        const accounts = [];
        let token;
        do {
            const next = token;
            const page = await limit(() => this.#send(this.#clients.organizations(), new client_organizations_dist_cjs/* ListAccountsForParentCommand */.Jgz({
                ParentId: parent.id,
                MaxResults: ORGANIZATIONS_PAGE_SIZE,
                ...(next ? { NextToken: next } : {}),
            }), { what: `list the accounts under ${parent.id} (${parent.path})`, region: ORGANIZATIONS_REGION }), { urgent: next !== undefined });
            for (const account of page.Accounts ?? [])
                accounts.push(orgAccount(account, parent.path));
            token = page.NextToken;
        } while (token);
        return accounts;
    }
}
/** One account as ListAccountsForParent reports it, with the OU path of its parent. */
function orgAccount(account, ouPath) {
    const id = required(account.Id, 'Id', `an account under ${ouPath}`);
    if (!account.State) {
        throw new Error(`Account ${id} under ${ouPath} has no State in ListAccountsForParent's answer. ` +
            'The retired Status field is not used in its place: update the AWS SDK or check the endpoint.');
    }
    if (!account.JoinedTimestamp) {
        throw new Error(`Account ${id} under ${ouPath} has no JoinedTimestamp in ListAccountsForParent's answer`);
    }
    return {
        id,
        name: account.Name ?? '',
        state: account.State,
        ouPath,
        joined: utcDate(account.JoinedTimestamp),
    };
}
/** `YYYY-MM-DD` of an instant, in UTC. */
function utcDate(instant) {
    return instant.toISOString().slice(0, 10);
}
function required(value, field, what) {
    if (value === undefined || value === '')
        throw new Error(`Organizations returned ${what} without ${field}`);
    return value;
}
//# sourceMappingURL=organization.js.map
// EXTERNAL MODULE: ./lib/quicksight/normalize.js
var normalize = __webpack_require__(2671);
// EXTERNAL MODULE: ./lib/quicksight/permissions.js
var permissions = __webpack_require__(8900);
// EXTERNAL MODULE: ./lib/quicksight/resolve.js
var resolve = __webpack_require__(7764);
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/common.js
/**
 * What the five QuickSight providers share: their options, the resource and change shapes they
 * read and apply (typed here until the model's resource kinds include QuickSight), ownership by
 * tag, bounded waiting on asynchronous work, and permission syncing.
 *
 * Ownership: QuickSight resources take tags. Everything this tool creates carries
 * `org.ownership.tagKey = tagValue`; a resource is owned when ListTagsForResource shows that tag.
 * read() lists only resources whose id starts with `org-compliance`, whose id a desired resource
 * has, or that carry the tag; update and delete check the tag again right before they write and
 * refuse a resource that does not carry it.
 */






/** Resource ids with this prefix are listed even without the ownership tag, so that strays show up. */
const OWNED_ID_PREFIX = 'org-compliance';
/** The List* calls return at most 100 a page. */
const QUICKSIGHT_PAGE_SIZE = 100;
/** Tag look-ups run at once while reading. */
const TAG_CONCURRENCY = 4;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_POLL_MS = 5_000;
/**
 * What reads running at the same time share: the data set and refresh schedule providers both
 * list the data sets and read their tags. Kept only while at least one read is under way, so a
 * later plan sees fresh state; checks right before a write never use it.
 */
class SharedReads {
    active = 0;
    dataSets;
    tags = new Map();
    async during(work) {
        this.active++;
        try {
            return await work();
        }
        finally {
            if (--this.active === 0) {
                this.dataSets = undefined;
                this.tags.clear();
            }
        }
    }
    dataSetSummaries(list) {
        if (this.active === 0)
            return list();
        this.dataSets ??= list();
        return this.dataSets;
    }
    tag(arn, read) {
        if (this.active === 0)
            return read();
        let answer = this.tags.get(arn);
        if (!answer) {
            answer = read();
            this.tags.set(arn, answer);
        }
        return answer;
    }
}
/** Kind names in messages. */
const KIND_LABELS = {
    'quicksight-data-source': 'QuickSight data source',
    'quicksight-data-set': 'QuickSight data set',
    'quicksight-refresh-schedule': 'QuickSight refresh schedule',
    'quicksight-analysis': 'QuickSight analysis',
    'quicksight-dashboard': 'QuickSight dashboard',
};
function isQuickSightProperties(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const v = value;
    return (typeof v.id === 'string' &&
        typeof v.name === 'string' &&
        typeof v.body === 'object' &&
        v.body !== null &&
        Array.isArray(v.permissions));
}
/** Shared plumbing; each kind implements the calls that differ. */
class QuickSightProviderBase {
    clients;
    sendCall;
    accountId;
    region;
    ownership;
    now;
    sleep;
    timeoutMs;
    pollMs;
    shared;
    constructor(options) {
        if (options.ownership.tagKey === '' || options.ownership.tagValue === '') {
            throw new Error('ownership.tagKey and ownership.tagValue must not be empty: QuickSight resources are owned by tag');
        }
        if (!/^\d{12}$/.test(options.accountId)) {
            throw new Error(`QuickSight needs the 12-digit AWS account id it runs in, got '${options.accountId}'`);
        }
        this.clients = options.clients;
        this.sendCall = options.send;
        this.accountId = options.accountId;
        this.region = options.region;
        this.ownership = { ...options.ownership };
        this.now = options.now ?? Date.now;
        this.sleep = options.sleep ?? realSleep;
        this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
        this.shared = options.shared ?? new SharedReads();
    }
    /** The kind's own delete and permission calls; absent for refresh schedules, which override them. */
    own = undefined;
    ownCalls() {
        if (!this.own)
            throw new Error(`Bug: the ${KIND_LABELS[this.kind]} provider names no calls of its own`);
        return this.own;
    }
    arn(id) {
        return (0,resolve/* quickSightResourceArn */.ov)(this.region, this.accountId, this.ownCalls().arnType, id);
    }
    /** `{AwsAccountId, <idMember>: id, ...extra}` for one of the kind's own calls. */
    ownInput(id, extra = {}) {
        return { AwsAccountId: this.accountId, [this.ownCalls().idMember]: id, ...extra };
    }
    /** Deletes the resource if it exists and carries the ownership tag; refuses it otherwise. */
    async remove(properties, _change) {
        const id = properties.id;
        if (!(await this.assertOwned(this.arn(id), id, 'delete')))
            return;
        try {
            await this.call(new (this.ownCalls().delete)(this.ownInput(id)), `delete ${this.subject(id)}`, true);
        }
        catch (error) {
            if (errorName(error) !== 'ResourceNotFoundException')
                throw error;
        }
    }
    async apply(change) {
        if (change.kind !== this.kind) {
            throw new Error(`The ${KIND_LABELS[this.kind]} provider cannot apply a ${change.kind} change (${change.key})`);
        }
        if (change.region !== this.region) {
            throw new Error(`${change.key} is in ${change.region}, but QuickSight is managed in ${this.region}`);
        }
        switch (change.action) {
            case 'no-op':
                return;
            case 'create':
                return this.create(this.properties(change, 'after'), change);
            case 'update':
                return this.update(this.properties(change, 'after'), isQuickSightProperties(change.before) ? change.before : undefined, change);
            case 'delete':
                return this.remove(this.properties(change, 'before'), change);
        }
    }
    properties(change, side) {
        const value = change[side];
        if (!isQuickSightProperties(value)) {
            throw new Error(`Change ${change.key} (${change.action}) carries no ${KIND_LABELS[this.kind]} properties`);
        }
        return value;
    }
    subject(id) {
        return `${KIND_LABELS[this.kind]} ${id} (${this.region})`;
    }
    client() {
        return this.clients.quicksight(this.region);
    }
    call(command, what, write = false) {
        return this.sendCall(this.client(), command, { what, region: this.region, ...(write ? { write } : {}) });
    }
    ownershipTags() {
        return [{ Key: this.ownership.tagKey, Value: this.ownership.tagValue }];
    }
    /** Whether the resource carries the ownership tag; undefined when it does not exist. */
    async tagged(arn, id) {
        try {
            const answer = await this.call(new client_quicksight_dist_cjs/* ListTagsForResourceCommand */.a_e({ ResourceArn: arn }), `read the tags of ${this.subject(id)}`);
            return (answer.Tags ?? []).some((tag) => tag.Key === this.ownership.tagKey && tag.Value === this.ownership.tagValue);
        }
        catch (error) {
            if (errorName(error) === 'ResourceNotFoundException')
                return undefined;
            throw error;
        }
    }
    /**
     * The listed resources read() reports: ids with the org-compliance prefix, desired ids, and any
     * other that carries the ownership tag (every listed resource's tags are read to find those).
     */
    async candidates(items, idOf, arnOf, desiredIds) {
        const looked = await mapLimit(items, TAG_CONCURRENCY, async (item) => {
            const id = idOf(item);
            const arn = arnOf(item);
            const owned = await this.shared.tag(arn, () => this.tagged(arn, id));
            if (owned === undefined)
                return undefined;
            const wanted = id.startsWith(OWNED_ID_PREFIX) || desiredIds.has(id) || owned;
            return wanted ? { item, id, arn, owned } : undefined;
        });
        return looked.filter((c) => c !== undefined);
    }
    /**
     * Throws unless the resource carries the ownership tag. Returns false when it does not exist
     * (a delete then has nothing left to do).
     */
    async assertOwned(arn, id, action) {
        const owned = await this.tagged(arn, id);
        if (owned === undefined)
            return false;
        if (!owned) {
            throw new Error(`Refusing to ${action} ${this.subject(id)}: it does not carry the ownership tag ` +
                `${this.ownership.tagKey}=${this.ownership.tagValue}, so org-compliance did not create it`);
        }
        return true;
    }
    /** Before an update: the resource must still exist and carry the ownership tag. */
    async assertUpdatable(id, arn) {
        if (!(await this.assertOwned(arn, id, 'update'))) {
            throw new Error(`Cannot update ${this.subject(id)}: it no longer exists; run plan again`);
        }
    }
    /**
     * Looks at `state()` until it leaves `*_IN_PROGRESS`, sleeping pollMs
     * between looks, for at most timeoutMs. Returns the last state.
     */
    async waitWhileInProgress(id, state) {
        const started = this.now();
        for (;;) {
            const current = await state();
            if (!current.endsWith('_IN_PROGRESS'))
                return current;
            const waited = this.now() - started;
            if (waited >= this.timeoutMs) {
                throw new Error(`${this.subject(id)} is still ${current} after waiting ${common_duration(waited)} ` +
                    `(limit ${common_duration(this.timeoutMs)}). QuickSight may still finish it: run plan again to see where it ended.`);
            }
            await this.sleep(this.pollMs);
        }
    }
    /** Grants and revokes so that the resource's permissions become `desired`; no call when they already are. */
    async syncPermissions(id, desired) {
        const current = (0,normalize/* normalizePermissions */._6)(await this.describePermissions(id));
        const { grant, revoke } = (0,permissions/* permissionChanges */.BZ)(current, desired);
        if (grant.length === 0 && revoke.length === 0)
            return;
        await this.updatePermissions(id, grant, revoke);
    }
    /** Describe*Permissions; none for a kind without calls of its own (refresh schedules). */
    async describePermissions(id) {
        if (!this.own)
            return [];
        const answer = await this.call(new this.own.describePermissions(this.ownInput(id)), `read the permissions of ${this.subject(id)}`);
        return answer.Permissions ?? [];
    }
    async updatePermissions(id, grant, revoke) {
        if (!this.own)
            throw new Error(`${this.subject(id)} has no permissions of its own`);
        await this.call(new this.own.updatePermissions(this.ownInput(id, {
            ...(grant.length > 0 ? { GrantPermissions: grant } : {}),
            ...(revoke.length > 0 ? { RevokePermissions: revoke } : {}),
        })), `update the permissions of ${this.subject(id)}`, true);
    }
    /** Every data set summary of the account (ListDataSets, all pages). */
    async listDataSetSummaries() {
        return this.shared.dataSetSummaries(() => this.#listDataSetSummaries());
    }
    async #listDataSetSummaries() {
        const pages = await allPages((token) => this.call(new client_quicksight_dist_cjs/* ListDataSetsCommand */.fp_({
            AwsAccountId: this.accountId,
            MaxResults: QUICKSIGHT_PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
        }), 'list QuickSight data sets'));
        return pages.flatMap((page) => page.DataSetSummaries ?? []);
    }
    /** The desired resource's key when there is one, so plan pairs them; otherwise the kind's own. */
    keyOf(desired, id) {
        return desired.get(id)?.key ?? (0,resources/* resourceKey */.ik)(this.kind, this.region, id);
    }
}
/** Body members other than the id that differ, for deciding whether a write is needed at all. */
function bodyChanged(before, after) {
    return before === undefined || !(0,normalize/* deepEqualJson */.tP)(before.body, after.body);
}
/** Pages of a List* call, following NextToken. */
async function allPages(fetch) {
    const pages = [];
    let token;
    do {
        const page = await fetch(token);
        pages.push(page);
        token = page.NextToken;
    } while (token);
    return pages;
}
/** Runs `fn` over `items`, at most `limit` at once; results in input order. */
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
/** `{…body, AwsAccountId}` as a request; the body's members are the request's by construction. */
function requestOf(accountId, body, extra = {}) {
    return { ...body, ...extra, AwsAccountId: accountId };
}
function common_duration(ms) {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}
//# sourceMappingURL=common.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/definition-errors.js
/**
 * The `Errors[]` QuickSight reports for an analysis or dashboard version whose Definition it could
 * not accept, as lines naming the sheet and visual each error concerns.
 *
 * A ViolatedEntity's `Path` points into the submitted Definition. Both spellings seen in the wild
 * are understood: JSON-pointer-like positions (`/Sheets/0/Visuals/3/BarChartVisual/…`) and
 * id paths (`sheet/<SheetId>/visual/<VisualId>`); any segment that is a known sheet or visual id
 * names it too. A path that names neither is shown as it is.
 */
/** `COLUMN_NOT_FOUND: Column 'x' not found, at sheet "Accounts", visual "v1" (TableVisual) [/Sheets/0/…]`. */
function definitionErrorLines(errors, definition) {
    const index = indexDefinition(definition);
    return errors.map((error) => {
        const head = [error.Type, error.Message].filter((part) => part !== undefined && part !== '').join(': ');
        const places = (error.ViolatedEntities ?? [])
            .map((entity) => entity.Path ?? '')
            .filter((path) => path !== '')
            .map((path) => {
            const where = describePath(path, index);
            return where === '' ? path : `${where} [${path}]`;
        });
        return `${head === '' ? 'error' : head}${places.length > 0 ? `, at ${places.join('; ')}` : ''}`;
    });
}
function indexDefinition(definition) {
    const sheets = list(field(definition, 'Sheets')).map((sheet) => {
        const visuals = list(field(sheet, 'Visuals')).map((visual) => {
            const type = isObject(visual) ? (Object.keys(visual)[0] ?? 'Visual') : 'Visual';
            return { id: str(field(field(visual, type), 'VisualId')), type };
        });
        return { id: str(field(sheet, 'SheetId')), name: str(field(sheet, 'Name')), visuals };
    });
    return {
        sheets,
        filterGroups: list(field(definition, 'FilterGroups')).map((g) => str(field(g, 'FilterGroupId'))),
        calculatedFields: list(field(definition, 'CalculatedFields')).map((c) => str(field(c, 'Name'))),
    };
}
function describePath(path, index) {
    const parts = path.split('/').filter((part) => part !== '');
    let sheet;
    let visual;
    let other = '';
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i] ?? '';
        const next = parts[i + 1];
        const position = next !== undefined && /^\d+$/.test(next) ? Number(next) : undefined;
        const lower = part.toLowerCase();
        if ((lower === 'sheets' || lower === 'sheet') && next !== undefined) {
            sheet = position !== undefined && lower === 'sheets' ? index.sheets[position] : findSheet(index, next);
            if (sheet)
                i++;
        }
        else if ((lower === 'visuals' || lower === 'visual') && next !== undefined) {
            const pool = sheet ? sheet.visuals : index.sheets.flatMap((s) => s.visuals);
            visual =
                position !== undefined && lower === 'visuals' ? pool[position] : pool.find((v) => v.id === next);
            if (visual)
                i++;
        }
        else if (lower === 'filtergroups' && position !== undefined) {
            other = `filter group "${index.filterGroups[position] ?? next}"`;
            i++;
        }
        else if (lower === 'calculatedfields' && position !== undefined) {
            other = `calculated field "${index.calculatedFields[position] ?? next}"`;
            i++;
        }
        else if (!sheet && findSheet(index, part)) {
            sheet = findSheet(index, part);
        }
        else if (!visual && findVisual(index, part)) {
            const found = findVisual(index, part);
            visual = found?.visual;
            sheet ??= found?.sheet;
        }
    }
    const words = [];
    if (sheet)
        words.push(`sheet "${sheet.name !== '' ? sheet.name : sheet.id}"`);
    if (visual)
        words.push(`visual "${visual.id}" (${visual.type})`);
    if (other !== '')
        words.push(other);
    return words.join(', ');
}
function findSheet(index, id) {
    return index.sheets.find((sheet) => sheet.id === id && id !== '');
}
function findVisual(index, id) {
    for (const sheet of index.sheets) {
        const visual = sheet.visuals.find((v) => v.id === id && id !== '');
        if (visual)
            return { sheet, visual };
    }
    return undefined;
}
function list(value) {
    return Array.isArray(value) ? value : [];
}
function field(value, name) {
    return isObject(value) ? value[name] : undefined;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value) {
    return typeof value === 'string' ? value : '';
}
/** The error of a create or update that ended in a failed state, with QuickSight's errors listed. */
function settleFailure(what, state, lines) {
    return new Error(`${what} ended ${state}` +
        (lines.length > 0
            ? ` with ${lines.length} error${lines.length === 1 ? '' : 's'}:\n${lines.map((l) => `  - ${l}`).join('\n')}`
            : ' and QuickSight reported no errors'));
}
//# sourceMappingURL=definition-errors.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/export.js
/**
 * Analyses as QuickSight has them, for `export-quicksight` on the aws target:
 * DescribeAnalysisDefinition for one analysis (a missing one is `undefined`, not an error) and
 * ListAnalyses for the ids there, to name them when the one asked for does not exist. Read-only.
 */





function awsAnalysisSource(options) {
    const { clients, send, accountId, region } = options;
    const client = () => clients.quicksight(region);
    return {
        where: `account ${accountId} (${region})`,
        accountId,
        region,
        async describe(analysisId) {
            let answer;
            try {
                answer = await describeDefinition(analysisId);
            }
            catch (error) {
                if (errorName(error) === 'ResourceNotFoundException')
                    return undefined;
                throw error;
            }
            return {
                analysisId,
                status: answer.ResourceStatus ?? 'UNKNOWN',
                body: (0,normalize/* analysisBody */.DM)(answer),
                errors: definitionErrorLines(answer.Errors ?? [], answer.Definition),
            };
        },
        async list() {
            const pages = await allPages((token) => send(client(), new client_quicksight_dist_cjs/* ListAnalysesCommand */.CAx({
                AwsAccountId: accountId,
                MaxResults: QUICKSIGHT_PAGE_SIZE,
                ...(token ? { NextToken: token } : {}),
            }), { what: 'list QuickSight analyses', region }));
            return pages
                .flatMap((page) => page.AnalysisSummaryList ?? [])
                .filter((summary) => summary.Status !== 'DELETED' && summary.AnalysisId !== undefined)
                .map((summary) => summary.AnalysisId)
                .sort(normalize/* compareText */.n6);
        },
    };
    function describeDefinition(analysisId) {
        return send(client(), new client_quicksight_dist_cjs/* DescribeAnalysisDefinitionCommand */.a89({ AwsAccountId: accountId, AnalysisId: analysisId }), { what: `read the definition of QuickSight analysis ${analysisId}`, region });
    }
}
//# sourceMappingURL=export.js.map
// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/submodules/schema/index.js
var submodules_schema = __webpack_require__(6890);
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/timestamps.js
/**
 * Timestamps in a request body. Bodies hold them as ISO text (the repository's JSON, and what
 * normalize.ts makes of the Dates the SDK returns); the SDK serialises only Date objects as
 * timestamps (a string would go out verbatim), so before sending, every string at a position the
 * request's schema types as a timestamp becomes a Date. Driven by the runtime schemas the SDK
 * ships, so Definitions (parameter defaults, filter values) are covered as well as schedules.
 */

/** `value` with the strings at timestamp positions of `schema` turned into Dates; never mutates. */
function withRequestTimestamps(schema, value) {
    return revive(submodules_schema.NormalizedSchema.of(schema), value);
}
function revive(schema, value) {
    if (value === null || value === undefined)
        return value;
    if (schema.isTimestampSchema()) {
        if (typeof value !== 'string')
            return value;
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : date;
    }
    if (schema.isListSchema()) {
        if (!Array.isArray(value))
            return value;
        const member = schema.getValueSchema();
        return value.map((item) => revive(member, item));
    }
    if (schema.isMapSchema()) {
        if (!isRecord(value))
            return value;
        const member = schema.getValueSchema();
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(member, item)]));
    }
    if (schema.isStructSchema() || schema.isUnionSchema()) {
        if (!isRecord(value))
            return value;
        const members = new Map(schema.structIterator());
        return Object.fromEntries(Object.entries(value).map(([key, item]) => {
            const member = members.get(key);
            return [key, member ? revive(member, item) : item];
        }));
    }
    return value;
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
//# sourceMappingURL=timestamps.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/analyses.js
/**
 * QuickSight analyses (quicksight/analyses/<id>.json: AnalysisId, Name, Definition).
 *
 * CreateAnalysis / UpdateAnalysis send the Definition with `ValidationStrategy {Mode: STRICT}` and
 * answer before QuickSight has checked it: the provider polls DescribeAnalysis until the status
 * leaves `*_IN_PROGRESS` (bounded). On `*_FAILED` it reads DescribeAnalysisDefinition's `Errors[]`
 * and throws one error naming the analysis and listing every error with the sheet and visual it
 * concerns. read() compares the Definition DescribeAnalysisDefinition returns, normalised.
 */






/** Every Definition is checked strictly: a problem fails the write rather than leaving a broken visual. */
const VALIDATION_STRATEGY = { Mode: 'STRICT' };
class AwsQuickSightAnalysisProvider extends QuickSightProviderBase {
    kind = 'quicksight-analysis';
    // A deleted analysis stays restorable for QuickSight's default recovery window.
    own = {
        idMember: 'AnalysisId',
        arnType: 'analysis',
        delete: client_quicksight_dist_cjs/* DeleteAnalysisCommand */.$fl,
        describePermissions: client_quicksight_dist_cjs/* DescribeAnalysisPermissionsCommand */.b40,
        updatePermissions: client_quicksight_dist_cjs/* UpdateAnalysisPermissionsCommand */.V9R,
    };
    async read(desired) {
        const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
        const pages = await allPages((token) => this.call(new client_quicksight_dist_cjs/* ListAnalysesCommand */.CAx({
            AwsAccountId: this.accountId,
            MaxResults: QUICKSIGHT_PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
        }), 'list QuickSight analyses'));
        // Deleted analyses stay listed, as DELETED, during their recovery window.
        const summaries = pages
            .flatMap((page) => page.AnalysisSummaryList ?? [])
            .filter((a) => a.Status !== 'DELETED');
        const found = await this.candidates(summaries, (summary) => summary.AnalysisId ?? '', (summary) => summary.Arn ?? this.arn(summary.AnalysisId ?? ''), new Set(wanted.keys()));
        const current = [];
        for (const { id, owned } of found) {
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeAnalysisDefinitionCommand */.a89({ AwsAccountId: this.accountId, AnalysisId: id }), `read the definition of ${this.subject(id)}`);
            const raw = (0,normalize/* withoutServerChosen */.EW)(this.kind, (0,normalize/* analysisBody */.DM)(answer), wanted.get(id)?.properties.body ?? {});
            const resource = {
                kind: this.kind,
                key: this.keyOf(wanted, id),
                region: this.region,
                properties: {
                    id,
                    name: answer.Name ?? '',
                    body: (0,normalize/* normalizeBody */.Cs)(this.kind, raw),
                    permissions: (0,normalize/* normalizePermissions */._6)(await this.describePermissions(id)),
                },
                owned,
            };
            const state = answer.ResourceStatus;
            if (state?.endsWith('_FAILED')) {
                resource.status = { state, details: definitionErrorLines(answer.Errors ?? [], answer.Definition) };
            }
            current.push(resource);
        }
        return current;
    }
    async create(properties, _change) {
        const id = properties.id;
        const request = requestOf(this.accountId, properties.body, {
            AnalysisId: id,
            Name: properties.name,
            ValidationStrategy: VALIDATION_STRATEGY,
            ...(properties.permissions.length > 0
                ? { Permissions: (0,permissions/* resourcePermissions */.DQ)(properties.permissions) }
                : {}),
            Tags: this.ownershipTags(),
        });
        await this.call(new client_quicksight_dist_cjs/* CreateAnalysisCommand */.W8U(withRequestTimestamps(client_quicksight_dist_cjs/* CreateAnalysisRequest$ */.qqZ, request)), `create ${this.subject(id)}`, true);
        await this.#settle(properties, 'create');
    }
    async update(properties, before, _change) {
        const id = properties.id;
        await this.assertUpdatable(id, this.arn(id));
        if (bodyChanged(before, properties) || before?.name !== properties.name) {
            const request = requestOf(this.accountId, properties.body, {
                AnalysisId: id,
                Name: properties.name,
                ValidationStrategy: VALIDATION_STRATEGY,
            });
            await this.call(new client_quicksight_dist_cjs/* UpdateAnalysisCommand */.zsP(withRequestTimestamps(client_quicksight_dist_cjs/* UpdateAnalysisRequest$ */.Nao, request)), `update ${this.subject(id)}`, true);
            await this.#settle(properties, 'update');
        }
        await this.syncPermissions(id, properties.permissions);
    }
    /** Waits for QuickSight to finish; on failure throws with every error of DescribeAnalysisDefinition. */
    async #settle(properties, action) {
        const id = properties.id;
        const state = await this.waitWhileInProgress(id, async () => {
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeAnalysisCommand */.LQu({ AwsAccountId: this.accountId, AnalysisId: id }), `read the status of ${this.subject(id)}`);
            return answer.Analysis?.Status ?? 'UNKNOWN';
        });
        if (state.endsWith('_SUCCESSFUL'))
            return;
        const answer = await this.call(new client_quicksight_dist_cjs/* DescribeAnalysisDefinitionCommand */.a89({ AwsAccountId: this.accountId, AnalysisId: id }), `read the errors of ${this.subject(id)}`);
        const lines = definitionErrorLines(answer.Errors ?? [], properties.body.Definition ?? answer.Definition);
        throw settleFailure(`Could not ${action} ${this.subject(id)}: it`, state, lines);
    }
}
//# sourceMappingURL=analyses.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/dashboards.js
/**
 * QuickSight dashboards (quicksight/dashboards/<id>.json: DashboardId, Name, Definition, and
 * optionally DashboardPublishOptions / ThemeArn).
 *
 * CreateDashboard and UpdateDashboard each make a new version (its number is the last segment of
 * the answer's VersionArn) and answer before QuickSight has built it. The provider polls
 * DescribeDashboard for that version, bounded; only when the version ends `*_SUCCESSFUL` does it
 * publish it with UpdateDashboardPublishedVersion. A failed version is never published: the
 * provider throws with the version's `Errors[]`, each with the sheet and visual it concerns, and
 * viewers keep the version they had. read() compares the published version's Definition.
 */







class AwsQuickSightDashboardProvider extends QuickSightProviderBase {
    kind = 'quicksight-dashboard';
    own = {
        idMember: 'DashboardId',
        arnType: 'dashboard',
        delete: client_quicksight_dist_cjs/* DeleteDashboardCommand */.fIN,
        describePermissions: client_quicksight_dist_cjs/* DescribeDashboardPermissionsCommand */.nfs,
        updatePermissions: client_quicksight_dist_cjs/* UpdateDashboardPermissionsCommand */.fZs,
    };
    async read(desired) {
        const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
        const pages = await allPages((token) => this.call(new client_quicksight_dist_cjs/* ListDashboardsCommand */.Vyj({
            AwsAccountId: this.accountId,
            MaxResults: QUICKSIGHT_PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
        }), 'list QuickSight dashboards'));
        const found = await this.candidates(pages.flatMap((page) => page.DashboardSummaryList ?? []), (summary) => summary.DashboardId ?? '', (summary) => summary.Arn ?? this.arn(summary.DashboardId ?? ''), new Set(wanted.keys()));
        const current = [];
        for (const { id, owned } of found) {
            // Without a version number: the published version, the one viewers see.
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeDashboardDefinitionCommand */.gOS({ AwsAccountId: this.accountId, DashboardId: id }), `read the definition of ${this.subject(id)}`);
            const raw = (0,normalize/* withoutServerChosen */.EW)(this.kind, (0,normalize/* dashboardBody */.Zr)(answer), wanted.get(id)?.properties.body ?? {});
            const resource = {
                kind: this.kind,
                key: this.keyOf(wanted, id),
                region: this.region,
                properties: {
                    id,
                    name: answer.Name ?? '',
                    body: (0,normalize/* normalizeBody */.Cs)(this.kind, raw),
                    permissions: (0,normalize/* normalizePermissions */._6)(await this.describePermissions(id)),
                },
                owned,
            };
            const state = answer.ResourceStatus;
            if (state?.endsWith('_FAILED')) {
                resource.status = { state, details: definitionErrorLines(answer.Errors ?? [], answer.Definition) };
            }
            current.push(resource);
        }
        return current;
    }
    async create(properties, _change) {
        const id = properties.id;
        const request = requestOf(this.accountId, properties.body, {
            DashboardId: id,
            Name: properties.name,
            ValidationStrategy: VALIDATION_STRATEGY,
            ...(properties.permissions.length > 0
                ? { Permissions: (0,permissions/* resourcePermissions */.DQ)(properties.permissions) }
                : {}),
            Tags: this.ownershipTags(),
        });
        const answer = await this.call(new client_quicksight_dist_cjs/* CreateDashboardCommand */.CwK(withRequestTimestamps(client_quicksight_dist_cjs/* CreateDashboardRequest$ */.uEv, request)), `create ${this.subject(id)}`, true);
        const version = this.#versionNumber(id, answer.VersionArn);
        await this.#settle(properties, version, 'create');
        await this.#publish(id, version);
    }
    async update(properties, before, _change) {
        const id = properties.id;
        await this.assertUpdatable(id, this.arn(id));
        if (bodyChanged(before, properties) || before?.name !== properties.name) {
            const request = requestOf(this.accountId, properties.body, {
                DashboardId: id,
                Name: properties.name,
                ValidationStrategy: VALIDATION_STRATEGY,
            });
            const answer = await this.call(new client_quicksight_dist_cjs/* UpdateDashboardCommand */.rRv(withRequestTimestamps(client_quicksight_dist_cjs/* UpdateDashboardRequest$ */.fiz, request)), `update ${this.subject(id)}`, true);
            const version = this.#versionNumber(id, answer.VersionArn);
            await this.#settle(properties, version, 'update');
            await this.#publish(id, version);
        }
        await this.syncPermissions(id, properties.permissions);
    }
    /** `arn:…:dashboard/<id>/version/<n>` → n. */
    #versionNumber(id, versionArn) {
        const match = /\/version\/(\d+)$/.exec(versionArn ?? '');
        if (!match) {
            throw new Error(`QuickSight did not say which version of ${this.subject(id)} it made (VersionArn ${versionArn ?? 'missing'}); ` +
                'nothing was published');
        }
        return Number(match[1]);
    }
    /** Waits for the version; on failure throws with its errors (and nothing is published). */
    async #settle(properties, version, action) {
        const id = properties.id;
        let errors = [];
        const state = await this.waitWhileInProgress(id, async () => {
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeDashboardCommand */.XD4({
                AwsAccountId: this.accountId,
                DashboardId: id,
                VersionNumber: version,
            }), `read the status of version ${version} of ${this.subject(id)}`);
            errors = answer.Dashboard?.Version?.Errors ?? [];
            return answer.Dashboard?.Version?.Status ?? 'UNKNOWN';
        });
        if (state.endsWith('_SUCCESSFUL'))
            return;
        if (errors.length === 0) {
            const definition = await this.call(new client_quicksight_dist_cjs/* DescribeDashboardDefinitionCommand */.gOS({
                AwsAccountId: this.accountId,
                DashboardId: id,
                VersionNumber: version,
            }), `read the errors of version ${version} of ${this.subject(id)}`);
            errors = definition.Errors ?? [];
        }
        const lines = definitionErrorLines(errors, properties.body.Definition);
        const failure = settleFailure(`Could not ${action} ${this.subject(id)}: version ${version}`, state, lines);
        failure.message += '\nThe version was not published; viewers still see the previous one.';
        throw failure;
    }
    async #publish(id, version) {
        await this.call(new client_quicksight_dist_cjs/* UpdateDashboardPublishedVersionCommand */.pn_({
            AwsAccountId: this.accountId,
            DashboardId: id,
            VersionNumber: version,
        }), `publish version ${version} of ${this.subject(id)}`, true);
    }
}
//# sourceMappingURL=dashboards.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/data-sets.js
/**
 * QuickSight data sets (quicksight/data-sets/<id>.json, a CreateDataSet request). CreateDataSet and
 * UpdateDataSet answer synchronously (a SPICE data set starts an ingestion, which is not waited for).
 * ImportMode is required by both; a body without it is refused before anything is sent.
 */





const IMPORT_MODES = ['SPICE', 'DIRECT_QUERY'];
class AwsQuickSightDataSetProvider extends QuickSightProviderBase {
    kind = 'quicksight-data-set';
    own = {
        idMember: 'DataSetId',
        arnType: 'dataset',
        delete: client_quicksight_dist_cjs/* DeleteDataSetCommand */.J9X,
        describePermissions: client_quicksight_dist_cjs/* DescribeDataSetPermissionsCommand */.Dd$,
        updatePermissions: client_quicksight_dist_cjs/* UpdateDataSetPermissionsCommand */.BCC,
    };
    read(desired) {
        return this.shared.during(() => this.#read(desired));
    }
    async #read(desired) {
        const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
        const found = await this.candidates(await this.listDataSetSummaries(), (summary) => summary.DataSetId ?? '', (summary) => summary.Arn ?? this.arn(summary.DataSetId ?? ''), new Set(wanted.keys()));
        const current = [];
        for (const { id, owned } of found) {
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeDataSetCommand */.dKm({ AwsAccountId: this.accountId, DataSetId: id }), `read ${this.subject(id)}`);
            const dataSet = (answer.DataSet ?? {});
            const raw = (0,normalize/* withoutServerChosen */.EW)(this.kind, (0,normalize/* dataSetBody */.FJ)(dataSet), wanted.get(id)?.properties.body ?? {});
            current.push({
                kind: this.kind,
                key: this.keyOf(wanted, id),
                region: this.region,
                properties: {
                    id,
                    name: typeof dataSet.Name === 'string' ? dataSet.Name : '',
                    body: (0,normalize/* normalizeBody */.Cs)(this.kind, raw),
                    permissions: (0,normalize/* normalizePermissions */._6)(await this.describePermissions(id)),
                },
                owned,
            });
        }
        return current;
    }
    async create(properties, _change) {
        const id = properties.id;
        this.#assertImportMode(properties);
        const request = requestOf(this.accountId, properties.body, {
            DataSetId: id,
            Name: properties.name,
            ...(properties.permissions.length > 0
                ? { Permissions: (0,permissions/* resourcePermissions */.DQ)(properties.permissions) }
                : {}),
            Tags: this.ownershipTags(),
        });
        await this.call(new client_quicksight_dist_cjs/* CreateDataSetCommand */._oN(withRequestTimestamps(client_quicksight_dist_cjs/* CreateDataSetRequest$ */.mUP, request)), `create ${this.subject(id)}`, true);
    }
    async update(properties, before, _change) {
        const id = properties.id;
        this.#assertImportMode(properties);
        await this.assertUpdatable(id, this.arn(id));
        if (bodyChanged(before, properties) || before?.name !== properties.name) {
            const request = requestOf(this.accountId, properties.body, {
                DataSetId: id,
                Name: properties.name,
            });
            await this.call(new client_quicksight_dist_cjs/* UpdateDataSetCommand */.lsk(withRequestTimestamps(client_quicksight_dist_cjs/* UpdateDataSetRequest$ */.jKY, request)), `update ${this.subject(id)}`, true);
        }
        await this.syncPermissions(id, properties.permissions);
    }
    #assertImportMode(properties) {
        const mode = properties.body.ImportMode;
        if (!IMPORT_MODES.includes(mode)) {
            throw new Error(`Refusing to write ${this.subject(properties.id)}: ImportMode is required and must be SPICE or DIRECT_QUERY, ` +
                `got ${mode === undefined ? 'nothing' : JSON.stringify(mode)}`);
        }
    }
}
//# sourceMappingURL=data-sets.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/data-sources.js
/**
 * QuickSight data sources (quicksight/data-sources/<id>.json, a CreateDataSource request).
 * Creation and updates are asynchronous: the provider polls DescribeDataSource until the status
 * leaves CREATION_IN_PROGRESS / UPDATE_IN_PROGRESS, within a bound, and reports ErrorInfo on failure.
 */





class AwsQuickSightDataSourceProvider extends QuickSightProviderBase {
    kind = 'quicksight-data-source';
    own = {
        idMember: 'DataSourceId',
        arnType: 'datasource',
        delete: client_quicksight_dist_cjs/* DeleteDataSourceCommand */.MzZ,
        describePermissions: client_quicksight_dist_cjs/* DescribeDataSourcePermissionsCommand */.yKE,
        updatePermissions: client_quicksight_dist_cjs/* UpdateDataSourcePermissionsCommand */.ozD,
    };
    async read(desired) {
        const wanted = new Map(desired.filter((d) => d.kind === this.kind).map((d) => [d.properties.id, d]));
        const pages = await allPages((token) => this.call(new client_quicksight_dist_cjs/* ListDataSourcesCommand */.KVj({
            AwsAccountId: this.accountId,
            MaxResults: QUICKSIGHT_PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
        }), 'list QuickSight data sources'));
        const sources = pages.flatMap((page) => page.DataSources ?? []);
        const found = await this.candidates(sources, (source) => source.DataSourceId ?? '', (source) => source.Arn ?? this.arn(source.DataSourceId ?? ''), new Set(wanted.keys()));
        const current = [];
        for (const { item, id, owned } of found) {
            const resource = {
                kind: this.kind,
                key: this.keyOf(wanted, id),
                region: this.region,
                properties: {
                    id,
                    name: item.Name ?? '',
                    body: (0,normalize/* normalizeBody */.Cs)(this.kind, (0,normalize/* dataSourceBody */.m4)(item)),
                    permissions: (0,normalize/* normalizePermissions */._6)(await this.describePermissions(id)),
                },
                owned,
            };
            const status = dataSourceStatus(item);
            if (status)
                resource.status = status;
            current.push(resource);
        }
        return current;
    }
    async create(properties, _change) {
        const id = properties.id;
        const request = requestOf(this.accountId, properties.body, {
            DataSourceId: id,
            Name: properties.name,
            ...(properties.permissions.length > 0
                ? { Permissions: (0,permissions/* resourcePermissions */.DQ)(properties.permissions) }
                : {}),
            Tags: this.ownershipTags(),
        });
        await this.call(new client_quicksight_dist_cjs/* CreateDataSourceCommand */.LrR(withRequestTimestamps(client_quicksight_dist_cjs/* CreateDataSourceRequest$ */.LuN, request)), `create ${this.subject(id)}`, true);
        await this.#settle(id, 'create');
    }
    async update(properties, before, _change) {
        const id = properties.id;
        await this.assertUpdatable(id, this.arn(id));
        const type = properties.body.Type;
        if (before !== undefined && before.body.Type !== undefined && before.body.Type !== type) {
            throw new Error(`Cannot change the Type of ${this.subject(id)} from ${String(before.body.Type)} to ${String(type)}: ` +
                'QuickSight keeps a data source its type. Give the new one another DataSourceId.');
        }
        if (bodyChanged(before, properties) || before?.name !== properties.name) {
            const { Type: _type, ...updatable } = properties.body;
            const request = requestOf(this.accountId, updatable, {
                DataSourceId: id,
                Name: properties.name,
            });
            await this.call(new client_quicksight_dist_cjs/* UpdateDataSourceCommand */.oUN(request), `update ${this.subject(id)}`, true);
            await this.#settle(id, 'update');
        }
        await this.syncPermissions(id, properties.permissions);
    }
    /** Waits for the create or update to finish; throws with QuickSight's ErrorInfo when it failed. */
    async #settle(id, action) {
        let last;
        const state = await this.waitWhileInProgress(id, async () => {
            const answer = await this.call(new client_quicksight_dist_cjs/* DescribeDataSourceCommand */.Mi0({ AwsAccountId: this.accountId, DataSourceId: id }), `read the status of ${this.subject(id)}`);
            last = answer.DataSource;
            return last?.Status ?? 'UNKNOWN';
        });
        if (state.endsWith('_SUCCESSFUL'))
            return;
        const info = last?.ErrorInfo;
        const reason = [info?.Type, info?.Message].filter((part) => part !== undefined && part !== '').join(': ');
        throw new Error(`Could not ${action} ${this.subject(id)}: it ended ${state}${reason !== '' ? ` (${reason})` : ''}`);
    }
}
function dataSourceStatus(source) {
    const state = source.Status;
    if (state === undefined || !state.endsWith('_FAILED'))
        return undefined;
    const info = source.ErrorInfo;
    const message = [info?.Type, info?.Message].filter((part) => part !== undefined && part !== '').join(': ');
    return { state, ...(message !== '' ? { message } : {}), details: [] };
}
//# sourceMappingURL=data-sources.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/refresh-schedules.js
/**
 * SPICE refresh schedules (quicksight/refresh-schedules/<id>.json: CreateRefreshSchedule's Schedule
 * plus its DataSetId). A schedule belongs to a data set and has no tags of its own: it is owned
 * when its data set is. QuickSight takes at most five schedules a data set; more are refused before
 * anything is sent. Schedule ids are unique within their data set, so keys and pairing use
 * `<DataSetId>/<ScheduleId>`.
 */







/** CreateRefreshSchedule: at most five schedules a data set. */
const MAX_REFRESH_SCHEDULES_PER_DATA_SET = 5;
class AwsQuickSightRefreshScheduleProvider extends QuickSightProviderBase {
    kind = 'quicksight-refresh-schedule';
    read(desired) {
        return this.shared.during(() => this.#read(desired));
    }
    async #read(desired) {
        const mine = desired.filter((d) => d.kind === this.kind);
        const wanted = new Map(mine.map((d) => [scheduleRef(dataSetIdOf(d.properties), d.properties.id), d]));
        this.#assertScheduleLimit(mine);
        const found = await this.candidates(await this.listDataSetSummaries(), (summary) => summary.DataSetId ?? '', (summary) => summary.Arn ?? this.dataSetArn(summary.DataSetId ?? ''), new Set(mine.map((d) => dataSetIdOf(d.properties))));
        const current = [];
        for (const { item, id: dataSetId, owned } of found) {
            // Only SPICE data sets are refreshed; the API refuses schedules on direct-query ones.
            if (item.ImportMode !== 'SPICE')
                continue;
            for (const schedule of await this.#schedules(dataSetId)) {
                const scheduleId = schedule.ScheduleId ?? '';
                const ref = scheduleRef(dataSetId, scheduleId);
                const match = wanted.get(ref);
                const raw = (0,normalize/* withoutServerChosen */.EW)(this.kind, (0,normalize/* refreshScheduleBody */.FA)(dataSetId, schedule), match?.properties.body ?? {});
                current.push({
                    kind: this.kind,
                    key: match?.key ?? (0,resources/* resourceKey */.ik)(this.kind, this.region, ref),
                    region: this.region,
                    properties: {
                        id: scheduleId,
                        // A schedule has no name in QuickSight: the desired one's is kept, else the id.
                        name: match?.properties.name ?? scheduleId,
                        body: (0,normalize/* normalizeBody */.Cs)(this.kind, raw),
                        permissions: [],
                    },
                    owned,
                });
            }
        }
        return current;
    }
    async create(properties, _change) {
        const dataSetId = dataSetIdOf(properties);
        await this.#assertDataSetOwned(dataSetId, properties.id, 'create');
        await this.call(new client_quicksight_dist_cjs/* CreateRefreshScheduleCommand */.oQO({
            AwsAccountId: this.accountId,
            DataSetId: dataSetId,
            Schedule: this.#schedule(properties),
        }), `create ${this.subject(scheduleRef(dataSetId, properties.id))}`, true);
    }
    async update(properties, _before, _change) {
        const dataSetId = dataSetIdOf(properties);
        await this.#assertDataSetOwned(dataSetId, properties.id, 'update');
        await this.call(new client_quicksight_dist_cjs/* UpdateRefreshScheduleCommand */.Dyd({
            AwsAccountId: this.accountId,
            DataSetId: dataSetId,
            Schedule: this.#schedule(properties),
        }), `update ${this.subject(scheduleRef(dataSetId, properties.id))}`, true);
    }
    async remove(properties, _change) {
        const dataSetId = dataSetIdOf(properties);
        const ref = scheduleRef(dataSetId, properties.id);
        const owned = await this.tagged(this.dataSetArn(dataSetId), dataSetId);
        // The data set is gone, and its schedules with it.
        if (owned === undefined)
            return;
        if (!owned) {
            throw new Error(`Refusing to delete ${this.subject(ref)}: its data set ${dataSetId} does not carry the ownership tag ` +
                `${this.ownership.tagKey}=${this.ownership.tagValue}`);
        }
        try {
            await this.call(new client_quicksight_dist_cjs/* DeleteRefreshScheduleCommand */.hgy({
                AwsAccountId: this.accountId,
                DataSetId: dataSetId,
                ScheduleId: properties.id,
            }), `delete ${this.subject(ref)}`, true);
        }
        catch (error) {
            if (errorName(error) !== 'ResourceNotFoundException')
                throw error;
        }
    }
    async #schedules(dataSetId) {
        try {
            const answer = await this.call(new client_quicksight_dist_cjs/* ListRefreshSchedulesCommand */.$kS({ AwsAccountId: this.accountId, DataSetId: dataSetId }), `list the refresh schedules of QuickSight data set ${dataSetId}`);
            return answer.RefreshSchedules ?? [];
        }
        catch (error) {
            if (errorName(error) === 'ResourceNotFoundException')
                return [];
            throw error;
        }
    }
    #schedule(properties) {
        const { DataSetId: _dataSetId, ...schedule } = properties.body;
        return withRequestTimestamps(client_quicksight_dist_cjs/* RefreshSchedule$ */.lFW, {
            ...schedule,
            ScheduleId: properties.id,
        });
    }
    async #assertDataSetOwned(dataSetId, scheduleId, action) {
        const owned = await this.tagged(this.dataSetArn(dataSetId), dataSetId);
        const subject = this.subject(scheduleRef(dataSetId, scheduleId));
        if (owned === undefined) {
            throw new Error(`Cannot ${action} ${subject}: QuickSight data set ${dataSetId} does not exist`);
        }
        if (!owned) {
            throw new Error(`Refusing to ${action} ${subject}: its data set ${dataSetId} does not carry the ownership tag ` +
                `${this.ownership.tagKey}=${this.ownership.tagValue}`);
        }
    }
    #assertScheduleLimit(desired) {
        const perDataSet = new Map();
        for (const d of desired) {
            const dataSetId = dataSetIdOf(d.properties);
            perDataSet.set(dataSetId, [...(perDataSet.get(dataSetId) ?? []), d.properties.id]);
        }
        for (const [dataSetId, ids] of perDataSet) {
            if (ids.length > MAX_REFRESH_SCHEDULES_PER_DATA_SET) {
                throw new Error(`QuickSight data set ${dataSetId} has ${ids.length} refresh schedules (${ids.sort().join(', ')}); ` +
                    `QuickSight allows at most ${MAX_REFRESH_SCHEDULES_PER_DATA_SET} a data set`);
            }
        }
    }
    dataSetArn(dataSetId) {
        return (0,resolve/* quickSightResourceArn */.ov)(this.region, this.accountId, 'dataset', dataSetId);
    }
}
/** `<DataSetId>/<ScheduleId>`: unique across data sets. */
function scheduleRef(dataSetId, scheduleId) {
    return `${dataSetId}/${scheduleId}`;
}
function dataSetIdOf(properties) {
    const id = properties.body.DataSetId;
    if (typeof id !== 'string' || id === '') {
        throw new Error(`Refresh schedule ${properties.id} names no DataSetId`);
    }
    return id;
}
//# sourceMappingURL=refresh-schedules.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/quicksight/index.js
/**
 * The QuickSight providers of the `aws` target, one per kind, over one set of options. Not wired
 * into the target yet: the lead adds the kinds to the model and the target.
 */






function createQuickSightProviders(options) {
    // One listing of the data sets (and of their tags) serves both providers that need it.
    options = { ...options, shared: options.shared ?? new SharedReads() };
    return {
        'quicksight-data-source': new AwsQuickSightDataSourceProvider(options),
        'quicksight-data-set': new AwsQuickSightDataSetProvider(options),
        'quicksight-refresh-schedule': new AwsQuickSightRefreshScheduleProvider(options),
        'quicksight-analysis': new AwsQuickSightAnalysisProvider(options),
        'quicksight-dashboard': new AwsQuickSightDashboardProvider(options),
    };
}








//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/write-counter.js
/**
 * Counts write requests sent to AWS (every Put/Create/Update/Delete request that went out,
 * including ones the service refused), shared by the providers of one target.
 */
class WriteCounter {
    #total = 0;
    #byOperation = new Map();
    add(operation) {
        this.#total += 1;
        this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
    }
    get total() {
        return this.#total;
    }
    /** Requests per operation name, e.g. `{ PutOrganizationConfigRule: 2 }`. */
    byOperation() {
        return Object.fromEntries([...this.#byOperation].sort(([a], [b]) => a.localeCompare(b)));
    }
}
//# sourceMappingURL=write-counter.js.map
;// CONCATENATED MODULE: ./lib/providers/aws/target.js
/**
 * The `aws` target: the Organization, Organization Config Rules, the Glue table and the Athena views,
 * over one send-wrapper.
 */













function createAwsTarget(org, options = {}) {
    const mode = options.mode ?? 'read';
    const endpoint = options.endpoint !== undefined ? { endpoint: options.endpoint } : {};
    const clients = options.clients ??
        createAwsClients({
            ...endpoint,
            ...(options.version !== undefined ? { version: options.version } : {}),
            credentials: credentialSources(org, mode, endpoint),
        });
    const writes = new WriteCounter();
    const retry = {};
    if (options.sleep)
        retry.sleep = options.sleep;
    if (options.random)
        retry.random = options.random;
    if (options.maxAttempts !== undefined)
        retry.maxAttempts = options.maxAttempts;
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
    // QuickSight's ARNs and every call name the account; unless org.yaml gives it, the data
    // credentials say which it is. Asked once, and only when QuickSight is used at all.
    let accountId;
    const quickSightAccountId = () => {
        accountId ??= org.quicksight.accountId
            ? Promise.resolve(org.quicksight.accountId)
            : send(clients.sts(org.quicksight.region), new dist_cjs/* GetCallerIdentityCommand */.zI({}), {
                what: 'find the account of the data credentials (STS GetCallerIdentity) for QuickSight',
                region: org.quicksight.region,
            }).then((answer) => {
                if (!answer.Account)
                    throw new Error('STS GetCallerIdentity returned no account id');
                return answer.Account;
            });
        accountId.catch(() => {
            accountId = undefined;
        });
        return accountId;
    };
    let quickSight;
    const quickSightProviders = () => {
        quickSight ??= quickSightAccountId().then((id) => createQuickSightProviders({
            clients,
            send,
            accountId: id,
            region: org.quicksight.region,
            ownership: { tagKey: org.ownership.tagKey, tagValue: org.ownership.tagValue },
            ...(options.now ? { now: options.now } : {}),
            ...(options.sleep ? { sleep: options.sleep } : {}),
            ...(options.quickSightTimeoutMs !== undefined ? { timeoutMs: options.quickSightTimeoutMs } : {}),
            ...(options.quickSightPollMs !== undefined ? { pollMs: options.quickSightPollMs } : {}),
        }));
        quickSight.catch(() => {
            quickSight = undefined;
        });
        return quickSight;
    };
    const lazy = (kind) => ({
        kind,
        read: async (desired) => (await quickSightProviders())[kind].read(desired),
        apply: async (change) => (await quickSightProviders())[kind].apply(change),
    });
    const quickSightKinds = Object.fromEntries(quicksight/* QUICKSIGHT_KINDS */.l.map((kind) => [kind, lazy(kind)]));
    return {
        name: 'aws',
        organization,
        providers: {
            'glue-table': glueTable,
            'athena-view': athenaViews,
            'config-rule': configRules,
            ...quickSightKinds,
        },
        quickSightAccountId,
        writeCount: () => writes.total,
        writesByOperation: () => writes.byOperation(),
        athena,
        quickSightAnalyses: async () => awsAnalysisSource({
            clients,
            send,
            accountId: await quickSightAccountId(),
            region: org.quicksight.region,
        }),
        openQuerySession: async () => ({
            query: async (sql, what) => {
                const result = await athena.run(sql, what);
                return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i] ?? null])));
            },
            close: async () => { },
        }),
    };
}
//# sourceMappingURL=target.js.map

/***/ })

};
