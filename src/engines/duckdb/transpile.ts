/**
 * Athena (Trino) SQL → DuckDB SQL: the @polyglot-sql/sdk transpiler, then the few rewrites it
 * does not make (each listed in docs/sql-dialects.md with the test that covers it).
 */
import { Dialect, transpile } from '@polyglot-sql/sdk';

/** Trino's date_parse/date_format use MySQL specifiers; DuckDB's strptime/strftime do not know all of them. */
const FORMAT_SPECIFIERS: Record<string, string> = {
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

export function convertFormat(format: string): string {
  return format.replace(/%[a-zA-Z%]/g, (spec) => FORMAT_SPECIFIERS[spec] ?? spec);
}

export class TranspileError extends Error {
  override name = 'TranspileError';
}

/**
 * `sql` with the inside of every string literal and quoted identifier replaced by `x` and every
 * comment by spaces: the same length, so positions found in it hold in `sql`, and nothing quoted
 * or commented out looks like SQL.
 */
function maskQuoted(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const two = sql.slice(i, i + 2);
    if (two === '--' || two === '/*') {
      const close = two === '--' ? sql.indexOf('\n', i) : sql.indexOf('*/', i + 2);
      const end = close < 0 ? sql.length : two === '--' ? close : close + 2;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      // A doubled quote inside is the quote itself.
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      const end = Math.min(j + 1, sql.length);
      out += c + 'x'.repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? c : '');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the parenthesis that closes the one at `open` in masked SQL; -1 when unbalanced. */
function closingParen(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whether masked SQL has a comma outside parentheses and brackets. */
function hasTopLevelComma(masked: string): boolean {
  let depth = 0;
  for (const c of masked) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) return true;
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
export function expandRowUnnest(sql: string): string {
  const masked = maskQuoted(sql);
  let out = '';
  let at = 0;
  const word = /\bUNNEST\s*\(/gi;
  for (let m = word.exec(masked); m !== null; m = word.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = closingParen(masked, open);
    if (close < 0) break;
    const tail = UNNEST_COLUMNS.exec(masked.slice(close));
    const alias = tail ? UNNEST_COLUMNS.exec(sql.slice(close, close + tail[0].length)) : null;
    const columns = alias?.[2]?.split(',').map((c) => c.trim()) ?? [];
    if (!alias || columns.length < 2 || hasTopLevelComma(masked.slice(open + 1, close - 1))) continue;
    const argument = sql.slice(open + 1, close - 1);
    out += `${sql.slice(at, m.index)}LATERAL (SELECT UNNEST(__row) FROM (SELECT UNNEST(${argument}) AS __row)) AS ${alias[1]}(${columns.join(', ')})`;
    at = close + alias[0].length;
    word.lastIndex = at;
  }
  return out + sql.slice(at);
}

const DAYS_BACK = /\bCURRENT_DATE((?:\s*-\s*INTERVAL\s*'x+'\s*DAY\b)+)/gi;

/**
 * Trino's `current_date - INTERVAL 'N' DAY` is a date; DuckDB's is a timestamp, whose text is
 * `2026-11-25 00:00:00`, so a view's `dt >= CAST(current_date - INTERVAL 'N' DAY AS varchar)`
 * left out the window's first day there. `CURRENT_DATE` minus one or more whole-day intervals
 * becomes `(CURRENT_DATE - <days>)`, a date in DuckDB too; quoted text and comments are skipped.
 */
export function daysBackAsDate(sql: string): string {
  const masked = maskQuoted(sql);
  let out = '';
  let at = 0;
  for (const m of masked.matchAll(DAYS_BACK)) {
    const original = sql.slice(m.index, m.index + m[0].length);
    const days = [...original.matchAll(/'\s*(\d+)\s*'/g)].reduce((n, d) => n + Number(d[1]), 0);
    out += `${sql.slice(at, m.index)}(CURRENT_DATE - ${days})`;
    at = m.index + m[0].length;
  }
  return out + sql.slice(at);
}

export function trinoToDuckDb(sql: string): string {
  const result = transpile(sql, Dialect.Trino, Dialect.DuckDB);
  const out = result.sql?.[0];
  if (!result.success || out === undefined) {
    throw new TranspileError(`could not translate Athena SQL for DuckDB: ${result.error ?? 'no output'}`);
  }
  return daysBackAsDate(expandRowUnnest(out))
    .replace(
      /\b(STRPTIME|STRFTIME)\(([^()]*?),\s*'((?:[^']|'')*)'\)/g,
      (_, fn: string, arg: string, fmt: string) => `${fn}(${arg}, '${convertFormat(fmt)}')`,
    )
    .replace(/\bELEMENT_AT\(/g, 'trino_element_at(');
}
