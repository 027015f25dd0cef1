/**
 * Reference tables as data: the rows of accounts, rules and exceptions written as one JSON-lines
 * object (one JSON object per line, keys in column order), which the OpenX JSON SerDe (Athena) and
 * `read_json` (DuckDB) read; read back into rows, compared as rows, and put in words for a plan.
 * Pure: no I/O.
 */

import type { TableCell, TableDataProperties } from './resources.js';

/** `s3://bucket/key` → bucket and key. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an S3 object URI (s3://<bucket>/<key>)`);
  return { bucket: match[1] as string, key: match[2] as string };
}

function compareCells(a: TableCell, b: TableCell): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Rows in one order whatever order they came in: by each column in turn. */
export function sortRows(rows: readonly TableCell[][]): TableCell[][] {
  return [...rows].sort((a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const c = compareCells(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The object's text: a line `{"<column>": <value>, …}` per row, each ending in a newline. */
export function encodeJsonLines(columns: readonly string[], rows: readonly TableCell[][]): string {
  let out = '';
  for (const row of rows) {
    const record: Record<string, TableCell> = {};
    columns.forEach((column, i) => {
      record[column] = row[i] ?? null;
    });
    out += `${JSON.stringify(record)}\n`;
  }
  return out;
}

function isCell(value: unknown): value is TableCell {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isInteger(value);
}

/**
 * Rows from the object's text, in `columns` order (a key the object lacks is NULL). Throws, naming
 * the line, on text that is not one JSON object of plain values per line.
 */
export function decodeJsonLines(text: string, columns: readonly string[]): TableCell[][] {
  const rows: TableCell[][] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`line ${i + 1} is not a JSON object`);
    }
    const record = parsed as Record<string, unknown>;
    rows.push(
      columns.map((column) => {
        const value = record[column] ?? null;
        if (!isCell(value))
          throw new Error(`line ${i + 1}: '${column}' is not text, a whole number or a boolean`);
        return value;
      }),
    );
  });
  return rows;
}

/** How many keys a plan names one by one before it only counts them. */
const NAMED = 10;
/** How many added or removed keys fit on the one line of a change without updates. */
const FEW = 3;

function show(value: TableCell | undefined): string {
  return value === null || value === undefined ? '(none)' : String(value);
}

/** Rows grouped by the key column's value (exceptions have several rows per id). */
function byKey(data: TableDataProperties): Map<string, TableCell[][]> {
  const at = data.columns.indexOf(data.keyColumn);
  const groups = new Map<string, TableCell[][]>();
  for (const row of data.rows) {
    const key = show(row[at]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** What changed in one key's rows: `state ACTIVE → SUSPENDED`, or `3 rows → 4 rows`. */
function changedFields(columns: readonly string[], before: TableCell[][], after: TableCell[][]): string {
  if (before.length !== 1 || after.length !== 1) return `${before.length} rows → ${after.length} rows`;
  const [a, b] = [before[0] as TableCell[], after[0] as TableCell[]];
  const fields: string[] = [];
  columns.forEach((column, i) => {
    if (a[i] !== b[i]) fields.push(`${column} ${show(a[i])} → ${show(b[i])}`);
  });
  return fields.join(', ');
}

/** The state a changed row moved to, when it has a `state` column and the state changed. */
function newState(
  columns: readonly string[],
  before: TableCell[][],
  after: TableCell[][],
): string | undefined {
  const at = columns.indexOf('state');
  if (at < 0 || before.length !== 1 || after.length !== 1) return undefined;
  const [from, to] = [before[0]?.[at], after[0]?.[at]];
  if (from === to || typeof to !== 'string') return undefined;
  return to === 'ACTIVE'
    ? 'reactivated'
    : to === 'SUSPENDED' || to === 'CLOSED'
      ? 'closed'
      : to.toLowerCase();
}

/**
 * A change of a reference table in words: a count line (`accounts: 2 added, 1 closed`), then up
 * to ten keys one by one (`+ legacy-volumes`, `- 111111111111`, `~ 222222222222: state ACTIVE →
 * SUSPENDED`). A change of columns says which.
 */
export function describeTableData(before: TableDataProperties, after: TableDataProperties): string[] {
  // Named as the views name it: `ref_accounts` is read as `accounts`.
  const name = (after.table.split('.').pop() ?? after.table).replace(/^ref_/, '');
  const lines: string[] = [];
  if (before.columns.join() !== after.columns.join()) {
    const added = after.columns.filter((c) => !before.columns.includes(c));
    const removed = before.columns.filter((c) => !after.columns.includes(c));
    lines.push(
      `${name}: columns ${[...added.map((c) => `+ ${c}`), ...removed.map((c) => `- ${c}`)].join(', ') || 'reordered'}`,
    );
    return lines;
  }
  const [old, now] = [byKey(before), byKey(after)];
  const added = [...now.keys()].filter((k) => !old.has(k));
  const removed = [...old.keys()].filter((k) => !now.has(k));
  const changed = [...now.keys()].filter(
    (k) => old.has(k) && JSON.stringify(old.get(k)) !== JSON.stringify(now.get(k)),
  );
  const counts = new Map<string, number>();
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1);
  for (const _ of added) count('added');
  for (const _ of removed) count('removed');
  for (const k of changed) count(newState(after.columns, old.get(k) ?? [], now.get(k) ?? []) ?? 'changed');
  if (counts.size === 0) {
    // Same rows: only where they are kept (or which column names them) differs.
    return [`${name}: ${show(before.location)} → ${show(after.location)}`];
  }
  if (changed.length === 0 && added.length + removed.length <= FEW) {
    // A few rows in or out say it all on one line: `exceptions: + legacy-volumes`.
    return [`${name}: ${[...added.map((k) => `+ ${k}`), ...removed.map((k) => `- ${k}`)].join(', ')}`];
  }
  lines.push(`${name}: ${[...counts].map(([what, n]) => `${n} ${what}`).join(', ')}`);
  const detail = [
    ...added.map((k) => `+ ${k}`),
    ...removed.map((k) => `- ${k}`),
    ...changed.map((k) => `~ ${k}: ${changedFields(after.columns, old.get(k) ?? [], now.get(k) ?? [])}`),
  ];
  lines.push(...detail.slice(0, NAMED));
  if (detail.length > NAMED) lines.push(`… and ${detail.length - NAMED} more`);
  return lines;
}
