/**
 * Fills a definition's data sets locally: each data set file of quicksight/data-sets/ (the
 * CreateDataSet body) is read the way QuickSight reads it — its physical tables queried through
 * the target's engine (views on DuckDB locally), then its logical tables applied: joins, renames,
 * projections, filters, calculated columns and casts.
 */
import { isRecord } from '../../model/values.js';
import {
  type EvalContext,
  type Expr,
  ExpressionError,
  evaluate,
  isNullish,
  parseExpression,
  toNumber,
} from './expression.js';
import { parseDate } from './format.js';
import type { DataSetColumn, DataSetData, QuickSightDefinition, Row } from './types.js';

/** Runs Athena SQL on the target's engine and returns rows. */
export type SqlRunner = (sql: string, what: string) => Promise<Row[]>;

export interface DataSetLoadOptions {
  /** Values of `${…}` placeholders in table names and SQL, e.g. `{ 'glue:database': 'org_compliance' }`. */
  placeholders: Record<string, string>;
  /** "now" for now() in calculated columns. */
  now?: Date;
}

export class DataSetError extends Error {}

type Json = Record<string, unknown>;

/** The DataSetId a declaration's DataSetArn names: `${dataSet:<id>}` or `arn:…:dataset/<id>`. */
export function dataSetIdOf(arn: string): string | undefined {
  return /^\$\{dataSet:([^}]+)\}$/.exec(arn)?.[1] ?? /:dataset\/(.+)$/.exec(arn)?.[1];
}

function resolve(text: string, placeholders: Record<string, string>): string {
  return text.replace(/\$\{([^}]+)\}/g, (m, name: string) => placeholders[name] ?? m);
}

const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** Converts an engine value to what QuickSight holds for a column type. */
export function coerce(v: unknown, type: string): unknown {
  if (isNullish(v)) return null;
  switch (type) {
    case 'INTEGER': {
      const n = toNumber(v);
      return n === null ? null : Math.trunc(n);
    }
    case 'DECIMAL':
      return toNumber(v);
    case 'BIT':
      return v === true || v === 'true' ? 1 : v === false || v === 'false' ? 0 : toNumber(v);
    case 'BOOLEAN':
      return v === true || v === 'true' || v === 1;
    case 'DATETIME': {
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
      const d = parseDate(v);
      return d ? d.toISOString() : null;
    }
    default:
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

interface Table {
  columns: DataSetColumn[];
  rows: Row[];
}

function physicalQuery(
  t: Json,
  placeholders: Record<string, string>,
): { sql: string; columns: DataSetColumn[] } {
  const columnsOf = (list: unknown): DataSetColumn[] =>
    (Array.isArray(list) ? list : [])
      .filter(isRecord)
      .map((c) => ({ name: String(c.Name), type: String(c.Type ?? 'STRING') }));
  if (isRecord(t.RelationalTable)) {
    const r = t.RelationalTable;
    const columns = columnsOf(r.InputColumns);
    const table = [r.Schema, r.Name]
      .filter((x): x is string => typeof x === 'string' && x !== '')
      .map((x) => quote(resolve(x, placeholders)))
      .join('.');
    return { sql: `SELECT ${columns.map((c) => quote(c.name)).join(', ')} FROM ${table}`, columns };
  }
  if (isRecord(t.CustomSql)) {
    const c = t.CustomSql;
    return { sql: resolve(String(c.SqlQuery ?? ''), placeholders), columns: columnsOf(c.Columns) };
  }
  throw new DataSetError(`physical table kind ${Object.keys(t).join(', ')} cannot be read locally`);
}

function context(columns: DataSetColumn[], now: Date): EvalContext {
  const names = new Set(columns.map((c) => c.name));
  return {
    params: new Map(),
    now,
    column: (name, row) => {
      if (!names.has(name)) throw new ExpressionError(`no column ${name}`);
      return row[name];
    },
  };
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'number' && v !== 0);
}

/** Equality pairs of an ON clause made only of `{a} = {b}` joined by AND; undefined otherwise. */
function equalities(e: Expr): [string, string][] | undefined {
  if (e.k === 'bin' && e.op === 'AND') {
    const l = equalities(e.l);
    const r = equalities(e.r);
    return l && r ? [...l, ...r] : undefined;
  }
  if (e.k === 'bin' && e.op === '=' && e.l.k === 'col' && e.r.k === 'col') return [[e.l.name, e.r.name]];
  return undefined;
}

function join(left: Table, right: Table, type: string, onClause: string, now: Date): Table {
  const columns = [...left.columns, ...right.columns];
  const on = parseExpression(onClause);
  const leftNames = new Set(left.columns.map((c) => c.name));
  const nullRight = Object.fromEntries(right.columns.map((c) => [c.name, null]));
  const nullLeft = Object.fromEntries(left.columns.map((c) => [c.name, null]));
  const pairs = equalities(on)?.map(([a, b]) => (leftNames.has(a) ? [a, b] : [b, a]) as [string, string]);
  const rows: Row[] = [];
  const matchedRight = new Set<number>();
  if (pairs?.every(([a, b]) => leftNames.has(a) && right.columns.some((c) => c.name === b))) {
    const index = new Map<string, number[]>();
    right.rows.forEach((r, i) => {
      if (pairs.some(([, b]) => isNullish(r[b]))) return;
      const k = JSON.stringify(pairs.map(([, b]) => r[b]));
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    });
    for (const l of left.rows) {
      const hits = pairs.some(([a]) => isNullish(l[a]))
        ? []
        : (index.get(JSON.stringify(pairs.map(([a]) => l[a]))) ?? []);
      for (const i of hits) {
        matchedRight.add(i);
        rows.push({ ...l, ...right.rows[i] });
      }
      if (hits.length === 0 && (type === 'LEFT' || type === 'OUTER')) rows.push({ ...l, ...nullRight });
    }
  } else {
    const ctx = context(columns, now);
    for (const l of left.rows) {
      let hit = false;
      right.rows.forEach((r, i) => {
        const merged = { ...l, ...r };
        if (truthy(evaluate(on, ctx, merged))) {
          hit = true;
          matchedRight.add(i);
          rows.push(merged);
        }
      });
      if (!hit && (type === 'LEFT' || type === 'OUTER')) rows.push({ ...l, ...nullRight });
    }
  }
  if (type === 'RIGHT' || type === 'OUTER')
    right.rows.forEach((r, i) => {
      if (!matchedRight.has(i)) rows.push({ ...nullLeft, ...r });
    });
  return { columns, rows };
}

function inferType(rows: Row[], name: string): string {
  let type = 'STRING';
  for (const r of rows) {
    const v = r[name];
    if (isNullish(v)) continue;
    if (typeof v !== 'number') return 'STRING';
    type = Number.isInteger(v) && type !== 'DECIMAL' ? 'INTEGER' : 'DECIMAL';
  }
  return type;
}

function transform(table: Table, ops: unknown[], now: Date, where: string): Table {
  let { columns, rows } = table;
  for (const op of ops) {
    if (!isRecord(op)) continue;
    const [kind] = Object.keys(op);
    const body = kind && isRecord(op[kind]) ? (op[kind] as Json) : {};
    switch (kind) {
      case 'ProjectOperation': {
        const keep = (Array.isArray(body.ProjectedColumns) ? body.ProjectedColumns : []).map(String);
        const missing = keep.filter((k) => !columns.some((c) => c.name === k));
        if (missing.length)
          throw new DataSetError(`${where}: projected column ${missing.join(', ')} does not exist`);
        columns = keep.map((k) => columns.find((c) => c.name === k) as DataSetColumn);
        rows = rows.map((r) => Object.fromEntries(keep.map((k) => [k, r[k]])));
        break;
      }
      case 'RenameColumnOperation': {
        const from = String(body.ColumnName);
        const to = String(body.NewColumnName);
        columns = columns.map((c) => (c.name === from ? { ...c, name: to } : c));
        rows = rows.map((r) => {
          const { [from]: v, ...rest } = r;
          return { ...rest, [to]: v };
        });
        break;
      }
      case 'CastColumnTypeOperation': {
        const name = String(body.ColumnName);
        const type = String(body.NewColumnType ?? 'STRING');
        columns = columns.map((c) => (c.name === name ? { ...c, type } : c));
        rows = rows.map((r) => ({ ...r, [name]: coerce(r[name], type) }));
        break;
      }
      case 'FilterOperation': {
        const e = parseExpression(String(body.ConditionExpression ?? 'true'));
        const ctx = context(columns, now);
        rows = rows.filter((r) => truthy(evaluate(e, ctx, r)));
        break;
      }
      case 'CreateColumnsOperation': {
        for (const c of Array.isArray(body.Columns) ? body.Columns.filter(isRecord) : []) {
          const name = String(c.ColumnName);
          const e = parseExpression(String(c.Expression ?? 'NULL'));
          const ctx = context(columns, now);
          rows = rows.map((r) => ({ ...r, [name]: evaluate(e, ctx, r) }));
          columns = [...columns, { name, type: inferType(rows, name) }];
        }
        break;
      }
      default:
        // Tags, descriptions and dataset parameter overrides do not change rows.
        break;
    }
  }
  return { columns, rows };
}

/** Reads one data set (its CreateDataSet body) through the engine. `cache` shares identical queries. */
export async function queryDataSet(
  json: Json,
  run: SqlRunner,
  options: DataSetLoadOptions,
  cache = new Map<string, Promise<Row[]>>(),
): Promise<DataSetData> {
  const id = String(json.DataSetId ?? '?');
  const now = options.now ?? new Date();
  const physicalMap = isRecord(json.PhysicalTableMap) ? json.PhysicalTableMap : {};
  const physical = new Map<string, Promise<Table>>();
  const readPhysical = (pid: string): Promise<Table> => {
    let p = physical.get(pid);
    if (!p) {
      const t = physicalMap[pid];
      if (!isRecord(t)) throw new DataSetError(`data set ${id}: no physical table ${pid}`);
      const { sql, columns } = physicalQuery(t, options.placeholders);
      let rows = cache.get(sql);
      if (!rows) {
        rows = run(sql, `data set ${id}`);
        cache.set(sql, rows);
      }
      p = rows.then((rs) => ({
        columns,
        rows: rs.map((r) => Object.fromEntries(columns.map((c) => [c.name, coerce(r[c.name], c.type)]))),
      }));
      physical.set(pid, p);
    }
    return p;
  };
  const logicalMap = isRecord(json.LogicalTableMap) ? json.LogicalTableMap : undefined;
  if (!logicalMap) {
    const ids = Object.keys(physicalMap);
    if (ids.length !== 1)
      throw new DataSetError(`data set ${id}: ${ids.length} physical tables and no logical table`);
    return readPhysical(ids[0] as string);
  }
  const operands = new Set<string>();
  for (const t of Object.values(logicalMap)) {
    const j =
      isRecord(t) && isRecord(t.Source) && isRecord(t.Source.JoinInstruction)
        ? t.Source.JoinInstruction
        : undefined;
    if (j)
      for (const side of [j.LeftOperand, j.RightOperand]) if (typeof side === 'string') operands.add(side);
  }
  const roots = Object.keys(logicalMap).filter((k) => !operands.has(k));
  if (roots.length !== 1)
    throw new DataSetError(
      `data set ${id}: ${roots.length} root logical tables (${roots.join(', ')}); expected one`,
    );
  const memo = new Map<string, Promise<Table>>();
  const readLogical = (lid: string, depth = 0): Promise<Table> => {
    if (depth > 32) throw new DataSetError(`data set ${id}: logical tables join in a cycle`);
    let p = memo.get(lid);
    if (p) return p;
    const t = logicalMap[lid];
    if (!isRecord(t)) throw new DataSetError(`data set ${id}: no logical table ${lid}`);
    const source = isRecord(t.Source) ? t.Source : {};
    const where = `data set ${id}, logical table ${lid}`;
    p = (async () => {
      let table: Table;
      if (typeof source.PhysicalTableId === 'string') table = await readPhysical(source.PhysicalTableId);
      else if (isRecord(source.JoinInstruction)) {
        const j = source.JoinInstruction;
        const [l, r] = await Promise.all([
          readLogical(String(j.LeftOperand), depth + 1),
          readLogical(String(j.RightOperand), depth + 1),
        ]);
        table = join(l, r, String(j.Type ?? 'INNER'), String(j.OnClause ?? 'false'), now);
      } else
        throw new DataSetError(`${where}: source ${Object.keys(source).join(', ')} cannot be read locally`);
      return transform(table, Array.isArray(t.DataTransforms) ? t.DataTransforms : [], now, where);
    })();
    memo.set(lid, p);
    return p;
  };
  return readLogical(roots[0] as string);
}

/**
 * The data of every data set a definition declares, keyed by DataSetIdentifier. `dataSets` maps a
 * DataSetId to its file's JSON (quicksight/data-sets/<id>.json).
 */
export async function loadDefinitionData(
  definition: QuickSightDefinition,
  dataSets: Map<string, Json>,
  run: SqlRunner,
  options: DataSetLoadOptions,
): Promise<Map<string, DataSetData>> {
  const cache = new Map<string, Promise<Row[]>>();
  const out = new Map<string, DataSetData>();
  await Promise.all(
    (definition.DataSetIdentifierDeclarations ?? []).map(async (d) => {
      const identifier = d.Identifier ?? '';
      const dataSetId = dataSetIdOf(d.DataSetArn ?? '');
      const json = dataSetId ? dataSets.get(dataSetId) : undefined;
      if (!json)
        throw new DataSetError(`data set identifier ${identifier}: no data set file for ${d.DataSetArn}`);
      out.set(identifier, await queryDataSet(json, run, options, cache));
    }),
  );
  return out;
}
