/**
 * The columns of a QuickSight data set: its physical tables' input columns, carried through the
 * logical tables (joins, renames, projections, calculated columns, casts) to the one logical
 * table at the root, which is what analyses see. Also: the columns' QuickSight types against
 * the SQL types of the views they read, found by running the views on an engine.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { nearest } from '../model/nearest.js';
import type { QuerySession } from '../model/provider.js';
import type { QuickSightSource } from '../model/quicksight.js';
import { diagnosticAt } from './files.js';

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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
    if (isObject(t) && Array.isArray(t[member])) return { member: `${kind}.${member}`, list: t[member] };
  }
  return undefined;
}

/** Derives a data set's columns from its CreateDataSet body; reports what does not add up. */
export function dataSetColumns(json: Record<string, unknown>): DataSetColumns {
  const problems: ColumnProblem[] = [];
  const physical = new Map<string, DataSetColumn[]>();
  const physicalMap = isObject(json.PhysicalTableMap) ? json.PhysicalTableMap : {};
  for (const [id, table] of Object.entries(physicalMap)) {
    if (!isObject(table)) continue;
    const found = inputColumns(table);
    const cols: DataSetColumn[] = [];
    const seen = new Set<string>();
    found?.list.forEach((c, i) => {
      if (!isObject(c) || typeof c.Name !== 'string') return;
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

  const logicalMap = isObject(json.LogicalTableMap) ? json.LogicalTableMap : undefined;
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
  for (const [id, t] of Object.entries(logicalMap)) if (isObject(t)) logical.set(id, t);
  const referenced = new Set<string>();
  for (const t of logical.values()) {
    const join =
      isObject(t.Source) && isObject(t.Source.JoinInstruction) ? t.Source.JoinInstruction : undefined;
    if (join) {
      for (const side of ['LeftOperand', 'RightOperand'] as const)
        if (typeof join[side] === 'string') referenced.add(join[side]);
    }
  }

  let complete = true;
  const memo = new Map<string, DataSetColumn[] | undefined>();
  const visiting = new Set<string>();

  const columnsOf = (id: string): DataSetColumn[] | undefined => {
    if (memo.has(id)) return memo.get(id);
    const t = logical.get(id);
    if (!t) return undefined;
    if (visiting.has(id)) {
      problems.push({
        path: ['LogicalTableMap', id, 'Source'],
        message: `logical table '${id}' joins itself`,
      });
      return undefined;
    }
    visiting.add(id);
    const result = derive(id, t);
    visiting.delete(id);
    memo.set(id, result);
    return result;
  };

  const derive = (id: string, t: Record<string, unknown>): DataSetColumn[] | undefined => {
    const base: (string | number)[] = ['LogicalTableMap', id];
    const source = isObject(t.Source) ? t.Source : {};
    let cols: DataSetColumn[] | undefined;
    if (typeof source.PhysicalTableId === 'string') {
      cols = physical.get(source.PhysicalTableId);
      if (!cols) {
        problems.push({
          path: [...base, 'Source', 'PhysicalTableId'],
          message: `no physical table '${source.PhysicalTableId}' in PhysicalTableMap${suggest(source.PhysicalTableId, physical.keys())}`,
        });
        return undefined;
      }
      cols = [...cols];
    } else if (isObject(source.JoinInstruction)) {
      const join = source.JoinInstruction;
      const sides: DataSetColumn[][] = [];
      for (const side of ['LeftOperand', 'RightOperand'] as const) {
        const operand = join[side];
        if (typeof operand !== 'string') return undefined;
        if (!logical.has(operand)) {
          problems.push({
            path: [...base, 'Source', 'JoinInstruction', side],
            message: `no logical table '${operand}' in LogicalTableMap${suggest(operand, logical.keys())}`,
          });
          return undefined;
        }
        const c = columnsOf(operand);
        if (!c) return undefined;
        sides.push(c);
      }
      const [left = [], right = []] = sides;
      const leftNames = new Set(left.map((c) => c.name));
      for (const c of right)
        if (leftNames.has(c.name))
          problems.push({
            path: [...base, 'Source', 'JoinInstruction', 'RightOperand'],
            message: `column '${c.name}' is on both sides of the join; rename one side (RenameColumnOperation) or leave it out of its input columns`,
          });
      cols = [...left, ...right];
      if (typeof join.OnClause === 'string')
        for (const ref of expressionReferences(join.OnClause))
          if (!cols.some((c) => c.name === ref))
            problems.push({
              path: [...base, 'Source', 'JoinInstruction', 'OnClause'],
              message: `OnClause refers to {${ref}}, which neither side of the join has${suggest(
                ref,
                cols.map((c) => c.name),
              )}`,
            });
    } else if (typeof source.DataSetArn === 'string') {
      complete = false;
      return undefined;
    } else {
      return undefined;
    }

    // Own copies: renames and casts below must not change the operands' columns.
    cols = cols.map((c) => ({ ...c }));
    const transforms = Array.isArray(t.DataTransforms) ? t.DataTransforms : [];
    transforms.forEach((op, i) => {
      if (!isObject(op) || !cols) return;
      const at = [...base, 'DataTransforms', i];
      const has = (name: string) => cols?.some((c) => c.name === name) ?? false;
      const need = (name: unknown, path: (string | number)[]) => {
        if (typeof name === 'string' && !has(name))
          problems.push({
            path,
            message: `no column '${name}' at this step of logical table '${id}'${suggest(
              name,
              (cols ?? []).map((c) => c.name),
            )}`,
          });
      };
      const [kind] = Object.keys(op);
      const body = kind && isObject(op[kind]) ? (op[kind] as Record<string, unknown>) : {};
      switch (kind) {
        case 'ProjectOperation': {
          const keep = Array.isArray(body.ProjectedColumns) ? body.ProjectedColumns : [];
          keep.forEach((n, j) => {
            need(n, [...at, kind, 'ProjectedColumns', j]);
          });
          cols = keep
            .filter((n): n is string => typeof n === 'string')
            .map((n) => cols?.find((c) => c.name === n))
            .filter((c): c is DataSetColumn => c !== undefined);
          break;
        }
        case 'CreateColumnsOperation': {
          const created = Array.isArray(body.Columns) ? body.Columns : [];
          created.forEach((c, j) => {
            if (!isObject(c)) return;
            if (typeof c.Expression === 'string')
              for (const ref of expressionReferences(c.Expression))
                need(ref, [...at, kind, 'Columns', j, 'Expression']);
            if (typeof c.ColumnName === 'string') {
              if (has(c.ColumnName))
                problems.push({
                  path: [...at, kind, 'Columns', j, 'ColumnName'],
                  message: `column '${c.ColumnName}' already exists in logical table '${id}'`,
                });
              else cols?.push({ name: c.ColumnName, type: 'CALCULATED' });
            }
          });
          break;
        }
        case 'RenameColumnOperation': {
          need(body.ColumnName, [...at, kind, 'ColumnName']);
          const from = cols.find((c) => c.name === body.ColumnName);
          if (from && typeof body.NewColumnName === 'string') from.name = body.NewColumnName;
          break;
        }
        case 'CastColumnTypeOperation': {
          need(body.ColumnName, [...at, kind, 'ColumnName']);
          const col = cols.find((c) => c.name === body.ColumnName);
          if (col && typeof body.NewColumnType === 'string') col.type = body.NewColumnType;
          break;
        }
        case 'FilterOperation': {
          if (typeof body.ConditionExpression === 'string')
            for (const ref of expressionReferences(body.ConditionExpression))
              need(ref, [...at, kind, 'ConditionExpression']);
          for (const cond of ['StringFilterCondition', 'NumericFilterCondition', 'DateFilterCondition'])
            if (isObject(body[cond]))
              need((body[cond] as Record<string, unknown>).ColumnName, [...at, kind, cond]);
          break;
        }
        case 'TagColumnOperation':
        case 'UntagColumnOperation':
          need(body.ColumnName, [...at, kind, 'ColumnName']);
          break;
        default:
          break;
      }
    });
    return cols;
  };

  const roots = [...logical.keys()].filter((id) => !referenced.has(id));
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
  for (const id of logical.keys()) columnsOf(id);
  const root = roots.length === 1 ? columnsOf(roots[0] as string) : undefined;
  if (root) {
    const names = root.map((c) => c.name);
    for (const n of new Set(names.filter((n, i) => names.indexOf(n) !== i)))
      problems.push({
        path: ['LogicalTableMap', roots[0] as string],
        message: `column '${n}' appears more than once in the data set`,
      });
  }
  return { columns: root ?? [], complete: complete && root !== undefined, problems };
}

function suggest(name: string, candidates: Iterable<string>): string {
  const near = nearest(name, candidates, 1);
  return near.length ? `; did you mean '${near[0]}'?` : '';
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
  const map = isObject(json.PhysicalTableMap) ? json.PhysicalTableMap : {};
  for (const [id, table] of Object.entries(map)) {
    if (!isObject(table) || !isObject(table.RelationalTable)) continue;
    const rt = table.RelationalTable;
    if (typeof rt.Name !== 'string') continue;
    const columns = (Array.isArray(rt.InputColumns) ? rt.InputColumns : []).flatMap((c, index) =>
      isObject(c) && typeof c.Name === 'string'
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
            `no view '${table.view}' among the deployed views${suggest(table.view, viewColumns.keys()) || `; they are: ${[...viewColumns.keys()].sort().join(', ')}`}`,
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
              `view '${table.view}' has no column '${c.name}'${suggest(
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
