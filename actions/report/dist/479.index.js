export const id = 479;
export const ids = [479];
export const modules = {

/***/ 1479:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DuckDbEngine: () => (/* binding */ DuckDbEngine),
  createViewsInOrder: () => (/* binding */ createViewsInOrder)
});

// UNUSED EXPORTS: ATHENA_MAX_ROW_BYTES, ViewError

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "@duckdb/node-api"
var node_api_ = __webpack_require__(6647);
;// CONCATENATED MODULE: ./lib/engines/duckdb/hive-types.js
/**
 * Glue (Hive) column types → DuckDB types for reading the snapshot JSON, with struct fields
 * named by the table's `mapping.*` SerDe properties, as the OpenX JSON SerDe reads them.
 */
function parseHiveType(text) {
    let i = 0;
    const peek = () => text[i];
    const expect = (c) => {
        if (text[i] !== c)
            throw new Error(`Glue type '${text}': expected '${c}' at ${i}`);
        i++;
    };
    const word = () => {
        const m = /^[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)?\))?/.exec(text.slice(i));
        if (!m)
            throw new Error(`Glue type '${text}': expected a name at ${i}`);
        i += m[0].length;
        return m[0];
    };
    const parse = () => {
        const name = word().toLowerCase();
        if (name === 'array') {
            expect('<');
            const element = parse();
            expect('>');
            return { kind: 'array', element };
        }
        if (name === 'map') {
            expect('<');
            const key = parse();
            expect(',');
            const value = parse();
            expect('>');
            return { kind: 'map', key, value };
        }
        if (name === 'struct') {
            expect('<');
            const fields = [];
            while (peek() !== '>') {
                const field = word();
                expect(':');
                fields.push({ name: field, type: parse() });
                if (peek() === ',')
                    i++;
            }
            expect('>');
            return { kind: 'struct', fields };
        }
        return { kind: 'primitive', name };
    };
    const t = parse();
    if (i !== text.length)
        throw new Error(`Glue type '${text}': unexpected '${text.slice(i)}'`);
    return t;
}
const PRIMITIVES = {
    string: 'VARCHAR',
    bigint: 'BIGINT',
    int: 'INTEGER',
    integer: 'INTEGER',
    smallint: 'SMALLINT',
    tinyint: 'TINYINT',
    double: 'DOUBLE',
    float: 'FLOAT',
    boolean: 'BOOLEAN',
    timestamp: 'TIMESTAMP',
    date: 'DATE',
};
function quote(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** DuckDB type for read_json; `mapping` maps lower-case Hive names to JSON keys. */
function duckDbType(t, mapping) {
    switch (t.kind) {
        case 'primitive': {
            const base = t.name.replace(/\(.*$/, '');
            const d = PRIMITIVES[base] ??
                (base === 'varchar' || base === 'char'
                    ? 'VARCHAR'
                    : base.startsWith('decimal')
                        ? t.name.toUpperCase()
                        : undefined);
            if (!d)
                throw new Error(`Glue type '${t.name}' has no DuckDB equivalent here`);
            return d;
        }
        case 'array':
            return `${duckDbType(t.element, mapping)}[]`;
        case 'map':
            return `MAP(${duckDbType(t.key, mapping)}, ${duckDbType(t.value, mapping)})`;
        case 'struct':
            return `STRUCT(${t.fields.map((f) => `${quote(mapping[f.name.toLowerCase()] ?? f.name)} ${duckDbType(f.type, mapping)}`).join(', ')})`;
    }
}
function serdeMapping(serdeParameters) {
    const mapping = {};
    for (const [k, v] of Object.entries(serdeParameters)) {
        if (k.startsWith('mapping.'))
            mapping[k.slice('mapping.'.length).toLowerCase()] = v;
    }
    return mapping;
}
//# sourceMappingURL=hive-types.js.map
// EXTERNAL MODULE: ./lib/model/dates.js
var dates = __webpack_require__(4592);
;// CONCATENATED MODULE: ./lib/engines/duckdb/partitions.js
/**
 * Which snapshot files Athena would read through the Glue table: the location template with
 * the projection's enums, date format and range. Pure, so the projection rules are tested
 * without a database.
 */

function projectionOf(table, today) {
    const p = table.parameters;
    const need = (k) => {
        const v = p[k];
        if (v === undefined)
            throw new Error(`The Glue table ${table.database}.${table.name} has no '${k}' parameter`);
        return v;
    };
    if (need('projection.enabled') !== 'true')
        throw new Error(`The Glue table ${table.name} does not enable partition projection`);
    if (need('projection.dt.format') !== 'yyyy/M/d') {
        throw new Error(`The local engine reads dt in the format yyyy/M/d only, the table says '${p['projection.dt.format']}'`);
    }
    const [start, end] = need('projection.dt.range').split(',');
    const template = need('storage.location.template');
    const m = /^s3:\/\/([^/]+)\//.exec(template);
    if (!m)
        throw new Error(`storage.location.template '${template}' is not an s3:// location`);
    const toIso = (d) => {
        if (d === 'NOW')
            return today;
        const parts = (d ?? '').split('/');
        const iso = `${parts[0]}-${String(parts[1]).padStart(2, '0')}-${String(parts[2]).padStart(2, '0')}`;
        if (!(0,dates/* isCalendarDate */.tf)(iso))
            throw new Error(`projection.dt.range has '${d}', not a date in yyyy/M/d`);
        return iso;
    };
    return {
        template,
        bucket: m[1],
        accounts: new Set(need('projection.account.values').split(',').filter(Boolean)),
        regions: new Set(need('projection.region.values').split(',').filter(Boolean)),
        itemtypes: new Set(need('projection.itemtype.values').split(',').filter(Boolean)),
        from: toIso(start),
        to: toIso(end),
    };
}
const NON_PADDED_DATE = /^(\d{4})\/([1-9]|1[0-2])\/([1-9]|[12]\d|3[01])$/;
/** The files under the template whose partition values the projection admits, as Athena would. */
function selectFiles(keys, projection) {
    const base = projection.template.slice(`s3://${projection.bucket}/`.length);
    const pattern = new RegExp(`^${base
        .replace(/[.*+?^()|[\]\\]/g, '\\$&')
        .replace(/\$\{(account|region|itemtype)\}/g, '(?<$1>[^/]+)')
        .replace(/\$\{dt\}/g, '(?<dt>\\d{4}/\\d{1,2}/\\d{1,2})')}[^/]+$`);
    const out = [];
    for (const key of keys) {
        const g = pattern.exec(key)?.groups;
        if (!g)
            continue;
        const { account, region, itemtype, dt } = g;
        if (!projection.accounts.has(account))
            continue;
        if (!projection.regions.has(region))
            continue;
        if (!projection.itemtypes.has(itemtype))
            continue;
        const d = NON_PADDED_DATE.exec(dt);
        if (!d)
            continue;
        const iso = `${d[1]}-${d[2].padStart(2, '0')}-${d[3].padStart(2, '0')}`;
        if (!(0,dates/* isCalendarDate */.tf)(iso) || iso < projection.from || iso > projection.to)
            continue;
        out.push({
            key,
            account: account,
            region: region,
            dt: dt,
            itemtype: itemtype,
        });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
}
//# sourceMappingURL=partitions.js.map
// EXTERNAL MODULE: external "@polyglot-sql/sdk"
var sdk_ = __webpack_require__(4998);
;// CONCATENATED MODULE: ./lib/engines/duckdb/transpile.js
/**
 * Athena (Trino) SQL → DuckDB SQL: the @polyglot-sql/sdk transpiler, then the few rewrites it
 * does not make (each listed in docs/sql-dialects.md with the test that covers it).
 */

/** Trino's date_parse/date_format use MySQL specifiers; DuckDB's strptime/strftime do not know all of them. */
const FORMAT_SPECIFIERS = {
    '%c': '%-m', // month without padding
    '%e': '%-d', // day without padding
    '%i': '%M', // minutes
    '%s': '%S', // seconds
    '%T': '%H:%M:%S',
    '%h': '%I',
    '%k': '%-H',
    '%l': '%-I',
    '%r': '%I:%M:%S %p',
};
function convertFormat(format) {
    return format.replace(/%[a-zA-Z%]/g, (spec) => FORMAT_SPECIFIERS[spec] ?? spec);
}
/** Macros that give DuckDB Trino's meaning where a function of the same name differs. */
const TRINO_MACROS = [
    // Trino's element_at(map, key) is the value (NULL when absent); DuckDB's is a list.
    'CREATE OR REPLACE MACRO trino_element_at(m, k) AS m[k]',
];
class TranspileError extends Error {
    name = 'TranspileError';
}
/**
 * `sql` with the inside of every string literal and quoted identifier replaced by `x` and every
 * comment by spaces: the same length, so positions found in it hold in `sql`, and nothing quoted
 * or commented out looks like SQL.
 */
function maskQuoted(sql) {
    let out = '';
    let i = 0;
    while (i < sql.length) {
        const c = sql[i];
        const two = sql.slice(i, i + 2);
        if (two === '--' || two === '/*') {
            const close = two === '--' ? sql.indexOf('\n', i) : sql.indexOf('*/', i + 2);
            const end = close < 0 ? sql.length : two === '--' ? close : close + 2;
            out += ' '.repeat(end - i);
            i = end;
        }
        else if (c === "'" || c === '"') {
            let j = i + 1;
            // A doubled quote inside is the quote itself.
            while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c))
                j += sql[j] === c ? 2 : 1;
            const end = Math.min(j + 1, sql.length);
            out += c + 'x'.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : '');
            i = end;
        }
        else {
            out += c;
            i++;
        }
    }
    return out;
}
/** Index just past the parenthesis that closes the one at `open` in masked SQL; -1 when unbalanced. */
function closingParen(masked, open) {
    let depth = 0;
    for (let i = open; i < masked.length; i++) {
        if (masked[i] === '(')
            depth++;
        else if (masked[i] === ')' && --depth === 0)
            return i + 1;
    }
    return -1;
}
/** Whether masked SQL has a comma outside parentheses and brackets. */
function hasTopLevelComma(masked) {
    let depth = 0;
    for (const c of masked) {
        if (c === '(' || c === '[')
            depth++;
        else if (c === ')' || c === ']')
            depth--;
        else if (c === ',' && depth === 0)
            return true;
    }
    return false;
}
const UNNEST_COLUMNS = /^\s+AS\s+("?[A-Za-z_][A-Za-z0-9_]*"?)\s*\(\s*([^()]*?)\s*\)/i;
/**
 * Trino unnests an array of rows into one column per field (`UNNEST(items) AS t(a, b, c)`, the
 * aliases naming the fields in order); DuckDB unnests it into one struct column. With two or more
 * aliases and one argument, DuckDB gets the struct's fields as columns through a lateral subquery
 * (`unnest(struct)` in a select list expands the fields). A map argument (Trino: key and value) is
 * not rewritten correctly; the views unnest no maps.
 */
function expandRowUnnest(sql) {
    const masked = maskQuoted(sql);
    let out = '';
    let at = 0;
    const word = /\bUNNEST\s*\(/gi;
    for (let m = word.exec(masked); m !== null; m = word.exec(masked)) {
        const open = m.index + m[0].length - 1;
        const close = closingParen(masked, open);
        if (close < 0)
            break;
        const tail = UNNEST_COLUMNS.exec(masked.slice(close));
        const alias = tail ? UNNEST_COLUMNS.exec(sql.slice(close, close + tail[0].length)) : null;
        const columns = alias?.[2]?.split(',').map((c) => c.trim()) ?? [];
        if (!alias || columns.length < 2 || hasTopLevelComma(masked.slice(open + 1, close - 1)))
            continue;
        const argument = sql.slice(open + 1, close - 1);
        out += `${sql.slice(at, m.index)}LATERAL (SELECT UNNEST(__row) FROM (SELECT UNNEST(${argument}) AS __row)) AS ${alias[1]}(${columns.join(', ')})`;
        at = close + alias[0].length;
        word.lastIndex = at;
    }
    return out + sql.slice(at);
}
function trinoToDuckDb(sql) {
    const result = (0,sdk_.transpile)(sql, sdk_.Dialect.Trino, sdk_.Dialect.DuckDB);
    const out = result.sql?.[0];
    if (!result.success || out === undefined) {
        throw new TranspileError(`could not translate Athena SQL for DuckDB: ${result.error ?? 'no output'}`);
    }
    return expandRowUnnest(out)
        .replace(/\b(STRPTIME|STRFTIME)\(([^()]*?),\s*'((?:[^']|'')*)'\)/g, (_, fn, arg, fmt) => `${fn}(${arg}, '${convertFormat(fmt)}')`)
        .replace(/\bELEMENT_AT\(/g, 'trino_element_at(');
}
//# sourceMappingURL=transpile.js.map
;// CONCATENATED MODULE: ./lib/engines/duckdb/engine.js
/**
 * The local target's Athena: DuckDB over the S3-shaped tree of snapshot files, seeing exactly
 * what Athena would see through the deployed Glue table (its columns, SerDe mappings, location
 * template and partition projection), with the views of sql/ translated from Athena's dialect.
 */






/** Athena fails a row (here: one file) over 32 MB; the local engine refuses the same. */
const ATHENA_MAX_ROW_BYTES = 32 * 1024 * 1024;
class ViewError extends Error {
    view;
    detail;
    name = 'ViewError';
    constructor(view, detail) {
        super(`View ${view} failed in DuckDB: ${detail}`);
        this.view = view;
        this.detail = detail;
    }
}
function engine_quote(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
function literal(s) {
    return `'${s.replace(/'/g, "''")}'`;
}
async function listKeys(dir) {
    try {
        const entries = await (0,promises_.readdir)(dir, { recursive: true, withFileTypes: true });
        return entries
            .filter((e) => e.isFile())
            .map((e) => (0,external_node_path_.relative)(dir, (0,external_node_path_.join)(e.parentPath ?? e.path, e.name))
            .split(external_node_path_.sep)
            .join('/'));
    }
    catch (e) {
        if (e.code === 'ENOENT')
            return [];
        throw e;
    }
}
/** JSON-friendly value: dates as YYYY-MM-DD, big integers as numbers when safe. */
function plain(v) {
    if (typeof v === 'bigint')
        return Number(v);
    if (v instanceof Date)
        return v.toISOString().slice(0, 10);
    return v;
}
class DuckDbEngine {
    instance;
    connection;
    files;
    materialize;
    constructor(instance, connection, files, materialize) {
        this.instance = instance;
        this.connection = connection;
        this.files = files;
        this.materialize = materialize;
    }
    static async open(options) {
        const { table } = options;
        const projection = projectionOf(table, options.today);
        const bucketDir = (0,external_node_path_.join)(options.s3Root, projection.bucket);
        const files = selectFiles(await listKeys(bucketDir), projection);
        const instance = await node_api_.DuckDBInstance.create(':memory:', options.threads ? { threads: String(options.threads) } : {});
        const connection = await instance.connect();
        const engine = new DuckDbEngine(instance, connection, files, options.materialize ?? false);
        await engine.createTable(table, bucketDir, projection.bucket);
        return engine;
    }
    async run(sql) {
        await this.connection.run(sql);
    }
    /**
     * The table as a view over the files the projection selects. `"$path"` is the object's S3 URI
     * (`s3://bucket/key`), as Athena and Trino give it, not the local file's path.
     */
    async createTable(table, bucketDir, bucket) {
        for (const macro of TRINO_MACROS)
            await this.run(macro);
        const schema = engine_quote(table.database);
        await this.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await this.run(`CREATE TABLE ${schema}."__partitions" (path VARCHAR, uri VARCHAR, account VARCHAR, region VARCHAR, dt VARCHAR, itemtype VARCHAR)`);
        const appender = await this.connection.createAppender('__partitions', table.database);
        for (const f of this.files) {
            appender.appendVarchar((0,external_node_path_.join)(bucketDir, f.key));
            appender.appendVarchar(`s3://${bucket}/${f.key}`);
            appender.appendVarchar(f.account);
            appender.appendVarchar(f.region);
            appender.appendVarchar(f.dt);
            appender.appendVarchar(f.itemtype);
            appender.endRow();
        }
        appender.flushSync();
        appender.closeSync();
        const mapping = serdeMapping(table.serdeParameters);
        const columns = table.columns.map((c) => ({
            hive: c.name.toLowerCase(),
            json: mapping[c.name.toLowerCase()] ?? c.name,
            type: duckDbType(parseHiveType(c.type), mapping),
        }));
        const partitionCols = table.partitionKeys.map((p) => `p.${engine_quote(p.name)}`).join(', ');
        const tableName = `${schema}.${engine_quote(table.name)}`;
        if (this.files.length === 0) {
            const empty = columns.map((c) => `CAST(NULL AS ${c.type}) AS ${engine_quote(c.hive)}`).join(', ');
            await this.run(`CREATE VIEW ${tableName} AS SELECT ${empty}, ${table.partitionKeys.map((p) => `CAST(NULL AS VARCHAR) AS ${engine_quote(p.name)}`).join(', ')}, CAST(NULL AS VARCHAR) AS "$path" WHERE false`);
            return;
        }
        const list = `[${this.files.map((f) => literal((0,external_node_path_.join)(bucketDir, f.key))).join(', ')}]`;
        const spec = `{${columns.map((c) => `${literal(c.json)}: ${literal(c.type)}`).join(', ')}}`;
        const select = columns.map((c) => `r.${engine_quote(c.json)} AS ${engine_quote(c.hive)}`).join(', ');
        const body = `SELECT ${select}, ${partitionCols}, p.uri AS "$path" FROM read_json(${list}, columns = ${spec}, filename = true, format = 'auto', maximum_object_size = ${ATHENA_MAX_ROW_BYTES}) AS r JOIN ${schema}."__partitions" AS p ON p.path = r.filename`;
        if (this.materialize) {
            await this.run('SET preserve_insertion_order = false');
            await this.run(`CREATE TABLE ${schema}."__snapshots" AS ${body}`);
            await this.run(`CREATE VIEW ${tableName} AS SELECT * FROM ${schema}."__snapshots"`);
        }
        else {
            await this.run(`CREATE VIEW ${tableName} AS ${body}`);
        }
    }
    /** Creates (or replaces) a view from its Athena SQL. */
    async createView(view) {
        let sql;
        try {
            sql = trinoToDuckDb(view.sql);
        }
        catch (e) {
            throw new ViewError(view.name, e.message);
        }
        try {
            const kind = this.materialize ? 'TABLE' : 'VIEW';
            await this.run(`CREATE OR REPLACE ${kind} ${engine_quote(view.database)}.${engine_quote(view.name)} AS ${sql}`);
        }
        catch (e) {
            throw new ViewError(view.name, e.message.split('\n')[0] ?? String(e));
        }
    }
    async dropView(database, name) {
        await this.run(`DROP VIEW IF EXISTS ${engine_quote(database)}.${engine_quote(name)}`);
    }
    /** Runs Athena SQL (translated) and returns rows as plain objects. */
    async query(sql) {
        return this.queryDuckDb(trinoToDuckDb(sql));
    }
    async queryDuckDb(sql) {
        const reader = await this.connection.runAndReadAll(sql);
        const rows = reader.getRowObjectsJS();
        return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    }
    close() {
        this.connection.closeSync();
        this.instance.closeSync();
    }
}
/** Creates views so that each comes after the views it names as `"<database>"."<view>"`. */
async function createViewsInOrder(engine, views, onError = (_, e) => {
    throw e;
}) {
    const byName = new Map(views.map((v) => [v.name, v]));
    const done = new Set();
    const visiting = new Set();
    const visit = async (v) => {
        if (done.has(v.name) || visiting.has(v.name))
            return;
        visiting.add(v.name);
        const refs = [...v.sql.matchAll(new RegExp(`"${v.database}"\\."([a-z_][a-z0-9_]*)"`, 'g'))].map((m) => m[1]);
        for (const r of refs) {
            const dep = byName.get(r);
            if (dep && dep !== v)
                await visit(dep);
        }
        try {
            await engine.createView(v);
        }
        catch (e) {
            onError(v, e);
        }
        visiting.delete(v.name);
        done.add(v.name);
    };
    for (const v of views)
        await visit(v);
}
//# sourceMappingURL=engine.js.map

/***/ })

};
