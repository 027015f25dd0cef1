/**
 * The columns of a QuickSight data set: its physical tables' input columns, carried through the
 * logical tables (joins, renames, projections, calculated columns, casts) to the one logical
 * table at the root, which is what analyses see. Also: the columns' QuickSight types against
 * the SQL types of the views they read, found by running the views on an engine.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { didYouMean } from '../model/nearest.js';
import type { QuerySession } from '../model/provider.js';
import type { QuickSightSource } from '../model/quicksight.js';
import { isRecord } from '../model/values.js';
import { diagnosticAt, type JsonPath } from './files.js';

export interface DataSetColumn {
  name: string;
  /** A QuickSight type (STRING, INTEGER, DECIMAL, DATETIME, BIT, …), or CALCULATED when derived by an expression. */
  type: string;
}

export interface ViewColumn {
  name: string;
  /** The engine's SQL type, e.g. VARCHAR, BIGINT, DOUBLE, DATE, BOOLEAN, DECIMAL(38,3). */
  type: string;
}

export interface ColumnProblem {
  path: (string | number)[];
  message: string;
  atKey?: boolean;
}

export interface DataSetColumns {
  /** The root logical table's columns, in order; empty when they cannot be known. */
  columns: DataSetColumn[];
  /** False when a source is another data set (DataSetArn), whose columns are not known here. */
  complete: boolean;
  problems: ColumnProblem[];
}

/** `{name}` references in a QuickSight expression (not `${parameter}` references). */
export function expressionReferences(expression: string): string[] {
  const out: string[] = [];
  // Skip string literals: braces inside quotes are text.
  const code = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (s) => ' '.repeat(s.length));
  for (const m of code.matchAll(/(?<!\$)\{([^{}]+)\}/g)) out.push(m[1] as string);
  return out;
}

function inputColumns(table: Record<string, unknown>): { member: string; list: unknown[] } | undefined {
  for (const [kind, member] of [
    ['RelationalTable', 'InputColumns'],
    ['CustomSql', 'Columns'],
    ['S3Source', 'InputColumns'],
    ['SaaSTable', 'InputColumns'],
    ['FileSource', 'InputColumns'],
  ] as const) {
    const t = table[kind];
    if (isRecord(t) && Array.isArray(t[member])) return { member: `${kind}.${member}`, list: t[member] };
  }
  return undefined;
}

/** Derives a data set's columns from its CreateDataSet body; reports what does not add up. */
export function dataSetColumns(json: Record<string, unknown>): DataSetColumns {
  const problems: ColumnProblem[] = [];
  const physical = physicalColumns(json, problems);

  const logicalMap = isRecord(json.LogicalTableMap) ? json.LogicalTableMap : undefined;
  if (!logicalMap) {
    if (physical.size > 1)
      problems.push({
        path: ['PhysicalTableMap'],
        message: `${physical.size} physical tables and no LogicalTableMap: QuickSight needs a LogicalTableMap that joins them into one table`,
      });
    const [only] = physical.values();
    return { columns: only ?? [], complete: true, problems };
  }

  const logical = new Map<string, Record<string, unknown>>();
  for (const [id, t] of Object.entries(logicalMap)) if (isRecord(t)) logical.set(id, t);
  const d: Derivation = { problems, physical, logical, memo: new Map(), visiting: new Set(), complete: true };

  const roots = rootTables(logical);
  if (roots.length !== 1) {
    problems.push({
      path: ['LogicalTableMap'],
      message:
        roots.length === 0
          ? 'every logical table is an operand of a join; one must be the root'
          : `logical tables ${roots.map((r) => `'${r}'`).join(', ')} are all roots (no join uses them); a data set has exactly one root`,
    });
  }
  // Every table is derived, so that problems anywhere are reported.
  for (const id of logical.keys()) logicalColumns(d, id);
  const root = roots.length === 1 ? logicalColumns(d, roots[0] as string) : undefined;
  if (root) {
    const names = root.map((c) => c.name);
    for (const n of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
      problems.push({
        path: ['LogicalTableMap', roots[0] as string],
        message: `column '${n}' appears more than once in the data set`,
      });
  }
  return { columns: root ?? [], complete: d.complete && root !== undefined, problems };
}

/** Each physical table's input columns, by physical table id; a column listed twice is a problem. */
function physicalColumns(
  json: Record<string, unknown>,
  problems: ColumnProblem[],
): Map<string, DataSetColumn[]> {
  const physical = new Map<string, DataSetColumn[]>();
  const physicalMap = isRecord(json.PhysicalTableMap) ? json.PhysicalTableMap : {};
  for (const [id, table] of Object.entries(physicalMap)) {
    if (!isRecord(table)) continue;
    const found = inputColumns(table);
    const cols: DataSetColumn[] = [];
    const seen = new Set<string>();
    found?.list.forEach((c, i) => {
      if (!isRecord(c) || typeof c.Name !== 'string') return;
      if (seen.has(c.Name))
        problems.push({
          path: ['PhysicalTableMap', id, ...found.member.split('.'), i, 'Name'],
          message: `column '${c.Name}' is listed twice`,
        });
      seen.add(c.Name);
      cols.push({ name: c.Name, type: typeof c.Type === 'string' ? c.Type : 'STRING' });
    });
    physical.set(id, cols);
  }
  return physical;
}

/** The logical tables no join uses as an operand. */
function rootTables(logical: Map<string, Record<string, unknown>>): string[] {
  const referenced = new Set<string>();
  for (const t of logical.values()) {
    const join =
      isRecord(t.Source) && isRecord(t.Source.JoinInstruction) ? t.Source.JoinInstruction : undefined;
    if (join) {
      for (const side of ['LeftOperand', 'RightOperand'] as const)
        if (typeof join[side] === 'string') referenced.add(join[side]);
    }
  }
  return [...logical.keys()].filter((id) => !referenced.has(id));
}

/** What deriving the logical tables of one data set shares. */
interface Derivation {
  problems: ColumnProblem[];
  physical: Map<string, DataSetColumn[]>;
  logical: Map<string, Record<string, unknown>>;
  /** The columns of each logical table derived so far (undefined when they cannot be known). */
  memo: Map<string, DataSetColumn[] | undefined>;
  /** The logical tables being derived: meeting one again is a join of a table with itself. */
  visiting: Set<string>;
  /** False once a table reads another data set (DataSetArn). */
  complete: boolean;
}

/** The columns of a logical table, derived once. */
function logicalColumns(d: Derivation, id: string): DataSetColumn[] | undefined {
  if (d.memo.has(id)) return d.memo.get(id);
  const t = d.logical.get(id);
  if (!t) return undefined;
  if (d.visiting.has(id)) {
    d.problems.push({
      path: ['LogicalTableMap', id, 'Source'],
      message: `logical table '${id}' joins itself`,
    });
    return undefined;
  }
  d.visiting.add(id);
  const result = deriveLogical(d, id, t);
  d.visiting.delete(id);
  d.memo.set(id, result);
  return result;
}

/** A logical table's columns: those of its source, through its data transforms in order. */
function deriveLogical(d: Derivation, id: string, t: Record<string, unknown>): DataSetColumn[] | undefined {
  const base: (string | number)[] = ['LogicalTableMap', id];
  const source = isRecord(t.Source) ? t.Source : {};
  const from = sourceColumns(d, [...base, 'Source'], source);
  if (!from) return undefined;
  // Own copies: renames and casts below must not change the operands' columns.
  let cols = from.map((c) => ({ ...c }));
  const transforms = Array.isArray(t.DataTransforms) ? t.DataTransforms : [];
  transforms.forEach((op, i) => {
    if (isRecord(op)) cols = applyTransform(d, id, op, [...base, 'DataTransforms', i], cols);
  });
  return cols;
}

/** The columns a logical table's Source (at `path`) gives: a physical table's, or both sides of a join. */
function sourceColumns(d: Derivation, path: JsonPath, source: Record<string, unknown>) {
  if (typeof source.PhysicalTableId === 'string') {
    const cols = d.physical.get(source.PhysicalTableId);
    if (!cols)
      d.problems.push({
        path: [...path, 'PhysicalTableId'],
        message: `no physical table '${source.PhysicalTableId}' in PhysicalTableMap${didYouMean(source.PhysicalTableId, d.physical.keys())}`,
      });
    return cols;
  }
  if (isRecord(source.JoinInstruction))
    return joinColumns(d, [...path, 'JoinInstruction'], source.JoinInstruction);
  if (typeof source.DataSetArn === 'string') d.complete = false;
  return undefined;
}

/**
 * The columns of the join at `path`: the left operand's, then the right's. A column on both
 * sides, or one the OnClause names and neither side has, is a problem.
 */
function joinColumns(
  d: Derivation,
  path: JsonPath,
  join: Record<string, unknown>,
): DataSetColumn[] | undefined {
  const sides: DataSetColumn[][] = [];
  for (const side of ['LeftOperand', 'RightOperand'] as const) {
    const operand = join[side];
    if (typeof operand !== 'string') return undefined;
    if (!d.logical.has(operand)) {
      d.problems.push({
        path: [...path, side],
        message: `no logical table '${operand}' in LogicalTableMap${didYouMean(operand, d.logical.keys())}`,
      });
      return undefined;
    }
    const c = logicalColumns(d, operand);
    if (!c) return undefined;
    sides.push(c);
  }
  const [left = [], right = []] = sides;
  const leftNames = new Set(left.map((c) => c.name));
  for (const c of right)
    if (leftNames.has(c.name))
      d.problems.push({
        path: [...path, 'RightOperand'],
        message: `column '${c.name}' is on both sides of the join; rename one side (RenameColumnOperation) or leave it out of its input columns`,
      });
  const cols = [...left, ...right];
  if (typeof join.OnClause === 'string')
    for (const ref of expressionReferences(join.OnClause))
      if (!cols.some((c) => c.name === ref))
        d.problems.push({
          path: [...path, 'OnClause'],
          message: `OnClause refers to {${ref}}, which neither side of the join has${didYouMean(
            ref,
            cols.map((c) => c.name),
          )}`,
        });
  return cols;
}

/**
 * One data transform of logical table `id` (at path `at`) applied to its columns: the columns
 * after it (renames and casts change them in place). Columns it needs and does not find are problems.
 */
function applyTransform(
  d: Derivation,
  id: string,
  op: Record<string, unknown>,
  at: (string | number)[],
  cols: DataSetColumn[],
): DataSetColumn[] {
  const has = (name: string) => cols.some((c) => c.name === name);
  const need = (name: unknown, path: (string | number)[]) => {
    if (typeof name === 'string' && !has(name))
      d.problems.push({
        path,
        message: `no column '${name}' at this step of logical table '${id}'${didYouMean(
          name,
          cols.map((c) => c.name),
        )}`,
      });
  };
  const [kind] = Object.keys(op);
  const body = kind && isRecord(op[kind]) ? (op[kind] as Record<string, unknown>) : {};
  switch (kind) {
    case 'ProjectOperation': {
      const keep = Array.isArray(body.ProjectedColumns) ? body.ProjectedColumns : [];
      keep.forEach((n, j) => {
        need(n, [...at, kind, 'ProjectedColumns', j]);
      });
      return keep
        .filter((n): n is string => typeof n === 'string')
        .map((n) => cols.find((c) => c.name === n))
        .filter((c): c is DataSetColumn => c !== undefined);
    }
    case 'CreateColumnsOperation': {
      const created = Array.isArray(body.Columns) ? body.Columns : [];
      created.forEach((c, j) => {
        if (!isRecord(c)) return;
        if (typeof c.Expression === 'string')
          for (const ref of expressionReferences(c.Expression))
            need(ref, [...at, kind, 'Columns', j, 'Expression']);
        if (typeof c.ColumnName === 'string') {
          if (has(c.ColumnName))
            d.problems.push({
              path: [...at, kind, 'Columns', j, 'ColumnName'],
              message: `column '${c.ColumnName}' already exists in logical table '${id}'`,
            });
          else cols.push({ name: c.ColumnName, type: 'CALCULATED' });
        }
      });
      return cols;
    }
    case 'RenameColumnOperation': {
      need(body.ColumnName, [...at, kind, 'ColumnName']);
      const from = cols.find((c) => c.name === body.ColumnName);
      if (from && typeof body.NewColumnName === 'string') from.name = body.NewColumnName;
      return cols;
    }
    case 'CastColumnTypeOperation': {
      need(body.ColumnName, [...at, kind, 'ColumnName']);
      const col = cols.find((c) => c.name === body.ColumnName);
      if (col && typeof body.NewColumnType === 'string') col.type = body.NewColumnType;
      return cols;
    }
    case 'FilterOperation': {
      if (typeof body.ConditionExpression === 'string')
        for (const ref of expressionReferences(body.ConditionExpression))
          need(ref, [...at, kind, 'ConditionExpression']);
      for (const cond of ['StringFilterCondition', 'NumericFilterCondition', 'DateFilterCondition'])
        if (isRecord(body[cond]))
          need((body[cond] as Record<string, unknown>).ColumnName, [...at, kind, cond]);
      return cols;
    }
    case 'TagColumnOperation':
    case 'UntagColumnOperation':
      need(body.ColumnName, [...at, kind, 'ColumnName']);
      return cols;
    default:
      return cols;
  }
}

/**
 * The QuickSight input column type for an SQL type as DuckDB or Athena describe it
 * (VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), DATE, TIMESTAMP, BOOLEAN, …); undefined for
 * types QuickSight cannot read as a column (maps, arrays, structs).
 */
export function quickSightTypeOf(sqlType: string): string | undefined {
  const t = sqlType.trim().toUpperCase();
  if (/^(VARCHAR|CHAR|STRING|TEXT|UUID)\b/.test(t)) return 'STRING';
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)\b/.test(t))
    return 'INTEGER';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)\b/.test(t)) return 'DECIMAL';
  if (/^(DATE|TIMESTAMP|TIME)\b/.test(t)) return 'DATETIME';
  if (/^(BOOLEAN|BOOL)\b/.test(t)) return 'BIT';
  return undefined;
}

/** QuickSight types an input column may declare for a column of the given QuickSight type. */
function compatible(declared: string, actual: string): boolean {
  if (declared === actual) return true;
  // Athena booleans come as BIT; newer consoles write BOOLEAN.
  if (actual === 'BIT' && (declared === 'BOOLEAN' || declared === 'INTEGER')) return true;
  // A whole number read as a decimal loses nothing.
  if (actual === 'INTEGER' && declared === 'DECIMAL') return true;
  // Any value can be read as text.
  return declared === 'STRING';
}

/** Each physical table of a data set that reads a relational table: the view it names and its input columns. */
function relationalTables(
  json: Record<string, unknown>,
): { id: string; view: string; columns: { name: string; type: string; index: number }[] }[] {
  const out: { id: string; view: string; columns: { name: string; type: string; index: number }[] }[] = [];
  const map = isRecord(json.PhysicalTableMap) ? json.PhysicalTableMap : {};
  for (const [id, table] of Object.entries(map)) {
    if (!isRecord(table) || !isRecord(table.RelationalTable)) continue;
    const rt = table.RelationalTable;
    if (typeof rt.Name !== 'string') continue;
    const columns = (Array.isArray(rt.InputColumns) ? rt.InputColumns : []).flatMap((c, index) =>
      isRecord(c) && typeof c.Name === 'string'
        ? [{ name: c.Name, type: typeof c.Type === 'string' ? c.Type : '', index }]
        : [],
    );
    out.push({ id, view: rt.Name, columns });
  }
  return out;
}

/** The views the data sets read (RelationalTable.Name), sorted. */
export function viewsReadBy(sources: QuickSightSource[]): string[] {
  const views = new Set<string>();
  for (const s of sources)
    if (s.kind === 'quicksight-data-set') for (const t of relationalTables(s.json)) views.add(t.view);
  return [...views].sort();
}

/**
 * Every input column of every data set exists in the output of the view it reads, with a
 * QuickSight type that can hold the view's SQL type. `viewColumns` maps a view name to its
 * columns as the engine describes them (see `describeViews`).
 */
export function checkDataSetColumns(
  sources: QuickSightSource[],
  viewColumns: Map<string, ViewColumn[]>,
  /** Views that exist but could not be described (reported elsewhere): their tables are skipped. */
  unchecked: ReadonlySet<string> = new Set(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of sources) {
    if (s.kind !== 'quicksight-data-set') continue;
    for (const table of relationalTables(s.json)) {
      if (unchecked.has(table.view)) continue;
      const base = ['PhysicalTableMap', table.id, 'RelationalTable'];
      const view = viewColumns.get(table.view);
      if (!view) {
        out.push(
          diagnosticAt(
            s,
            [...base, 'Name'],
            `no view '${table.view}' among the deployed views${didYouMean(table.view, viewColumns.keys()) || `; they are: ${[...viewColumns.keys()].sort().join(', ')}`}`,
          ),
        );
        continue;
      }
      for (const c of table.columns) {
        const path = [...base, 'InputColumns', c.index];
        const actual = view.find((v) => v.name === c.name);
        if (!actual) {
          out.push(
            diagnosticAt(
              s,
              [...path, 'Name'],
              `view '${table.view}' has no column '${c.name}'${didYouMean(
                c.name,
                view.map((v) => v.name),
              )}; its columns: ${view.map((v) => v.name).join(', ')}`,
            ),
          );
          continue;
        }
        const want = quickSightTypeOf(actual.type);
        if (!want)
          out.push(
            diagnosticAt(
              s,
              [...path, 'Name'],
              `column '${c.name}' of view '${table.view}' is ${actual.type}, which QuickSight cannot read as a column`,
            ),
          );
        else if (c.type && !compatible(c.type, want))
          out.push(
            diagnosticAt(
              s,
              [...path, 'Type'],
              `column '${c.name}' of view '${table.view}' is ${actual.type}: declare it as ${want}, not ${c.type}`,
            ),
          );
      }
    }
  }
  return out;
}

/** The output columns of views, found by describing a `SELECT *` of each on a query session (DuckDB). */
export async function describeViews(
  session: QuerySession,
  database: string,
  views: string[],
): Promise<Map<string, ViewColumn[]>> {
  const out = new Map<string, ViewColumn[]>();
  for (const view of views) {
    if (!/^[a-z_][a-z0-9_]*$/.test(view) || !/^[a-z_][a-z0-9_]*$/.test(database)) continue;
    let rows: Record<string, unknown>[];
    try {
      rows = await session.query(`DESCRIBE SELECT * FROM "${database}"."${view}"`, `describe ${view}`);
    } catch {
      continue; // No such view: checkDataSetColumns reports it.
    }
    out.set(
      view,
      rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
    );
  }
  return out;
}
