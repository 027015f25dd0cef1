/**
 * Two engines, one answer: compares what Trino and DuckDB return for the same SQL. Values are
 * normalised by the column's Trino type (counts exact, doubles equal to `digits` significant
 * digits, dates as YYYY-MM-DD, maps and JSON with sorted keys, rows as objects); rows are compared
 * as a multiset unless the SQL orders them. A divergence names what was compared and the first
 * differing row. Pure: no engine here, so the comparison itself is unit-tested.
 */

export interface Column {
  name: string;
  /** Trino's type signature: `bigint`, `varchar(14)`, `map(varchar, varchar)`, `array(row(a integer))`… */
  type: string;
}

export interface Side {
  /** Engine name, as it appears in messages. */
  engine: string;
  /** Rows as objects keyed by column name, or as arrays in the order of `columns`. */
  rows: Record<string, unknown>[] | unknown[][];
  /** Rewrites a string value before it is compared (e.g. a local file path into its s3:// URI). */
  mapString?: (value: string) => string;
}

export interface CompareOptions {
  /** The SQL orders its rows: compare them position by position. Default false (a multiset). */
  ordered?: boolean;
  /** Significant digits doubles must agree to. Default 12. */
  digits?: number;
}

export interface Divergence {
  message: string;
  /** Index in the sorted (or ordered) rows where the first difference is. */
  index: number;
}

// ---------------------------------------------------------------------------------------------
// Types

export interface ParsedType {
  base: string;
  /** Type arguments: element (array), key and value (map), fields (row). */
  args: ParsedType[];
  /** Field names of a row. */
  fields: string[];
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** Parses a Trino type signature (as the HTTP protocol reports it). */
export function parseType(signature: string): ParsedType {
  const text = signature.trim();
  const open = text.indexOf('(');
  if (open < 0 || !text.endsWith(')')) return { base: text.toLowerCase(), args: [], fields: [] };
  const base = text.slice(0, open).trim().toLowerCase();
  const inner = splitTopLevel(text.slice(open + 1, -1));
  if (base === 'array' || base === 'map') return { base, args: inner.map(parseType), fields: [] };
  if (base === 'row') {
    const fields: string[] = [];
    const args: ParsedType[] = [];
    for (const part of inner) {
      const m = /^("(?:[^"]|"")*"|[^\s]+)\s+(.+)$/s.exec(part);
      if (!m) {
        fields.push(`field${fields.length}`);
        args.push(parseType(part));
        continue;
      }
      const name = m[1] as string;
      fields.push(name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name);
      args.push(parseType(m[2] as string));
    }
    return { base, args, fields };
  }
  // varchar(14), decimal(10,2), timestamp(3): the argument does not change how values compare.
  return { base, args: [], fields: [] };
}

// ---------------------------------------------------------------------------------------------
// Values

/** A double kept apart from integers, so the comparison can give it its tolerance. */
export class Approx {
  constructor(readonly value: number) {}
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const DOUBLE_TYPES = new Set(['double', 'real', 'float']);

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isoDate(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

function isoTimestamp(v: unknown): string {
  if (v instanceof Date) {
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}.${pad(v.getUTCMilliseconds(), 3)}`;
  }
  // Trino: `2026-01-02 03:04:05.000`; other spellings keep their own precision.
  return String(v).replace('T', ' ').replace(/Z$/, '');
}

function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonicalJson((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

function mapEntries(v: unknown): [unknown, unknown][] {
  if (v instanceof Map) return [...v.entries()];
  // DuckDB's node API gives a MAP as [{key, value}, …].
  if (Array.isArray(v)) {
    return v.map((e) => {
      if (e && typeof e === 'object' && 'key' in e && 'value' in e) {
        const entry = e as { key: unknown; value: unknown };
        return [entry.key, entry.value];
      }
      if (Array.isArray(e) && e.length === 2) return [e[0], e[1]];
      throw new Error(`not a map entry: ${JSON.stringify(e)}`);
    });
  }
  if (v !== null && typeof v === 'object') return Object.entries(v as Record<string, unknown>);
  throw new Error(`not a map: ${JSON.stringify(v)}`);
}

/** The value in a form both engines' answers share, by Trino type. */
export function normalize(v: unknown, type: ParsedType, mapString?: (s: string) => string): unknown {
  if (v === null || v === undefined) return null;
  const { base } = type;
  if (INTEGER_TYPES.has(base)) {
    const n = typeof v === 'bigint' ? Number(v) : Number(v);
    if (!Number.isFinite(n)) throw new Error(`not an integer: ${String(v)}`);
    return n;
  }
  if (DOUBLE_TYPES.has(base)) return new Approx(typeof v === 'string' ? Number(v) : Number(v));
  if (base === 'decimal') return new Approx(Number(v));
  if (base === 'boolean') return typeof v === 'string' ? v === 'true' : Boolean(v);
  if (base === 'date') return isoDate(v);
  if (base.startsWith('timestamp')) return isoTimestamp(v);
  if (base === 'varchar' || base === 'char') {
    const s = typeof v === 'string' ? v : String(v);
    return mapString ? mapString(s) : s;
  }
  if (base === 'json') {
    const parsed = typeof v === 'string' ? JSON.parse(v) : v;
    return JSON.stringify(canonicalJson(parsed));
  }
  if (base === 'array') {
    const element = type.args[0] ?? parseType('unknown');
    if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
    return v.map((e) => normalize(e, element, mapString));
  }
  if (base === 'map') {
    const [keyType, valueType] = [type.args[0] ?? parseType('varchar'), type.args[1] ?? parseType('unknown')];
    const entries = mapEntries(v).map(
      ([k, val]) => [String(normalize(k, keyType, mapString)), normalize(val, valueType, mapString)] as const,
    );
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }
  if (base === 'row') {
    // Trino encodes a row as an array of its fields; DuckDB as an object whose keys keep the
    // spelling of the JSON (`resourceId` for Trino's `resourceid`): names match in any case.
    let values: unknown[];
    if (Array.isArray(v)) values = v;
    else {
      const byName = new Map(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k.toLowerCase(), x]),
      );
      values = type.fields.map((f) => byName.get(f.toLowerCase()));
    }
    return Object.fromEntries(
      type.fields.map((f, i) => [f, normalize(values[i], type.args[i] ?? parseType('unknown'), mapString)]),
    );
  }
  return JSON.stringify(canonicalJson(typeof v === 'bigint' ? Number(v) : v));
}

/** A sortable key: doubles rounded to `digits` significant digits, objects with sorted keys. */
function key(v: unknown, digits: number): string {
  return JSON.stringify(v, (_, x: unknown) => {
    if (x instanceof Approx) {
      return Number.isFinite(x.value) ? `~${x.value.toPrecision(digits)}` : `~${x.value}`;
    }
    return x;
  });
}

function approxEqual(a: unknown, b: unknown, digits: number): boolean {
  if (a instanceof Approx && b instanceof Approx) {
    const [x, y] = [a.value, b.value];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) return true;
    const scale = Math.max(Math.abs(x), Math.abs(y));
    return Math.abs(x - y) <= scale * 10 ** -digits;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => approxEqual(x, b[i], digits));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (a instanceof Approx || b instanceof Approx) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.hasOwn(b, k) &&
          approxEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], digits),
      )
    );
  }
  return a === b;
}

/** A row for messages: column names with their values, doubles shown in full. */
function show(columns: Column[], row: unknown[]): string {
  const shown = Object.fromEntries(
    columns.map((c, i) => {
      const v = row[i];
      return [c.name, v instanceof Approx ? v.value : v];
    }),
  );
  return JSON.stringify(shown, (_, x: unknown) => (x instanceof Approx ? x.value : x));
}

/** The row of `candidates` with the most values equal to `row`'s (the first few hundred looked at). */
function nearest<T extends { row: unknown[] }>(
  row: unknown[],
  candidates: T[],
  digits: number,
): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  for (const c of candidates.slice(0, 500)) {
    const score = c.row.filter((v, i) => approxEqual(v, row[i], digits)).length;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

function clip(v: unknown, max = 300): string {
  const text = JSON.stringify(v instanceof Approx ? v.value : v, (_, x: unknown) =>
    x instanceof Approx ? x.value : x,
  );
  return text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}…` : text;
}

function asArrays(side: Side, columns: Column[]): unknown[][] {
  return side.rows.map((row) => {
    if (Array.isArray(row)) return row;
    return columns.map((c) => (row as Record<string, unknown>)[c.name]);
  });
}

/** Column names of a side that gives objects (undefined when it has no row, or gives arrays). */
function objectColumns(side: Side): string[] | undefined {
  const first = side.rows[0];
  return first && !Array.isArray(first) ? Object.keys(first) : undefined;
}

/**
 * Compares two engines' rows for `what` (a view, a query). `columns` are the reference engine's
 * (Trino's, which reports types). Returns undefined when they agree, else the first difference.
 */
export function compareRows(
  what: string,
  columns: Column[],
  left: Side,
  right: Side,
  options: CompareOptions = {},
): Divergence | undefined {
  const digits = options.digits ?? 12;
  const names = columns.map((c) => c.name);
  for (const side of [left, right]) {
    const got = objectColumns(side);
    if (got && got.join(',') !== names.join(',')) {
      return {
        index: 0,
        message: `${what}: ${side.engine} has the columns [${got.join(', ')}], expected [${names.join(', ')}]`,
      };
    }
  }
  const types = columns.map((c) => parseType(c.type));
  const prepare = (side: Side): { row: unknown[]; key: string }[] => {
    const rows = asArrays(side, columns).map((r) => {
      if (r.length !== columns.length) {
        throw new Error(`${what}: a ${side.engine} row has ${r.length} values for ${columns.length} columns`);
      }
      return r.map((v, i) => {
        try {
          return normalize(v, types[i] as ParsedType, side.mapString);
        } catch (e) {
          throw new Error(
            `${what}: ${side.engine}'s value of ${columns[i]?.name} (${columns[i]?.type}): ${(e as Error).message}`,
          );
        }
      });
    });
    const keyed = rows.map((row) => ({ row, key: key(row, digits) }));
    if (!options.ordered) keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return keyed;
  };
  const a = prepare(left);
  const b = prepare(right);
  const counts = `${left.engine} returned ${a.length} row(s), ${right.engine} ${b.length}`;

  if (options.ordered) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (x && y && approxEqual(x.row, y.row, digits)) continue;
      const lines = [`${what}: ${counts}; first differing row, at position ${i + 1} (ordered):`];
      lines.push(`  ${left.engine}: ${x ? show(columns, x.row) : '(no row)'}`);
      lines.push(`  ${right.engine}: ${y ? show(columns, y.row) : '(no row)'}`);
      return { index: i, message: lines.join('\n') };
    }
    return undefined;
  }

  // Multiset: walk both sorted lists; rows without an equal key on the other side may still
  // agree within the doubles' tolerance (a rounding boundary), so they are paired up after.
  const onlyA: { row: unknown[]; key: string; index: number }[] = [];
  const onlyB: { row: unknown[]; key: string; index: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && y && x.key === y.key) {
      i++;
      j++;
    } else if (x && (!y || x.key < y.key)) {
      onlyA.push({ ...x, index: i++ });
    } else if (y) {
      onlyB.push({ ...y, index: j++ });
    }
  }
  for (let k = onlyA.length - 1; k >= 0; k--) {
    const x = onlyA[k] as (typeof onlyA)[number];
    const match = onlyB.findIndex((y) => approxEqual(x.row, y.row, digits));
    if (match >= 0) {
      onlyA.splice(k, 1);
      onlyB.splice(match, 1);
    }
  }
  if (onlyA.length === 0 && onlyB.length === 0) return undefined;
  const firstA = onlyA[0];
  const firstB = onlyB[0];
  const aFirst = firstA !== undefined && (firstB === undefined || firstA.key <= firstB.key);
  const first = (aFirst ? firstA : firstB) as (typeof onlyA)[number];
  const [has, lacks] = aFirst ? [left.engine, right.engine] : [right.engine, left.engine];
  const other = nearest(first.row, aFirst ? onlyB : onlyA, digits);
  const lines = [
    `${what}: ${counts}; ${onlyA.length} row(s) only in ${left.engine}, ${onlyB.length} only in ${right.engine}.`,
    `  first differing row (sorted): only in ${has}, not in ${lacks}: ${show(columns, first.row)}`,
  ];
  if (other) {
    lines.push(`  nearest row only in ${lacks}: ${show(columns, other.row)}`);
    const differ = columns.flatMap((c, k) =>
      approxEqual(first.row[k], other.row[k], digits)
        ? []
        : [`    ${c.name}: ${has} ${clip(first.row[k])} | ${lacks} ${clip(other.row[k])}`],
    );
    lines.push(`  columns that differ from it:`, ...differ);
  }
  return { index: first.index, message: lines.join('\n') };
}

export class DivergenceError extends Error {
  override name = 'DivergenceError';
}

/** compareRows that throws a DivergenceError naming `what` and the first differing row. */
export function assertSameRows(
  what: string,
  columns: Column[],
  left: Side,
  right: Side,
  options: CompareOptions = {},
): void {
  const divergence = compareRows(what, columns, left, right, options);
  if (divergence) throw new DivergenceError(divergence.message);
}

/** Whether a query orders its rows at the top level (an ORDER BY after the last closing parenthesis). */
export function ordersRows(sql: string): boolean {
  const withoutStrings = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/--[^\n]*/g, '');
  const tail = withoutStrings.slice(withoutStrings.lastIndexOf(')') + 1);
  return /\bORDER\s+BY\b/i.test(tail);
}

/**
 * Compares two JSON documents (the report as each engine's rows build it): the same keys and
 * array orders, numbers equal to `digits` significant digits. Returns the path of the first
 * difference with both values, or undefined.
 */
export function compareJson(what: string, left: unknown, right: unknown, digits = 12): string | undefined {
  const walk = (x: unknown, y: unknown, path: string): string | undefined => {
    if (typeof x === 'number' && typeof y === 'number') {
      return approxEqual(new Approx(x), new Approx(y), digits) ? undefined : path;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return `${path} (length ${x.length} vs ${y.length})`;
      for (let i = 0; i < x.length; i++) {
        const d = walk(x[i], y[i], `${path}[${i}]`);
        if (d) return d;
      }
      return undefined;
    }
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      if (kx.join(',') !== ky.join(',')) return `${path} (keys [${kx.join(', ')}] vs [${ky.join(', ')}])`;
      for (const k of kx) {
        const d = walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
        if (d) return d;
      }
      return undefined;
    }
    return Object.is(x, y) ? undefined : path;
  };
  const path = walk(left, right, '$');
  if (path === undefined) return undefined;
  const at = (doc: unknown): unknown => {
    const clean = path.replace(/ \(.*\)$/, '');
    let v: unknown = doc;
    for (const part of clean.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? []) {
      if (v === null || typeof v !== 'object') return undefined;
      v = part.startsWith('[')
        ? (v as unknown[])[Number(part.slice(1, -1))]
        : (v as Record<string, unknown>)[part.slice(1)];
    }
    return v;
  };
  return `${what}: first difference at ${path}: ${JSON.stringify(at(left))} vs ${JSON.stringify(at(right))}`;
}
