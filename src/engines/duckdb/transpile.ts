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

/** Macros that give DuckDB Trino's meaning where a function of the same name differs. */
export const TRINO_MACROS = [
  // Trino's element_at(map, key) is the value (NULL when absent); DuckDB's is a list.
  'CREATE OR REPLACE MACRO trino_element_at(m, k) AS m[k]',
];

export class TranspileError extends Error {
  override name = 'TranspileError';
}

export function trinoToDuckDb(sql: string): string {
  const result = transpile(sql, Dialect.Trino, Dialect.DuckDB);
  const out = result.sql?.[0];
  if (!result.success || out === undefined) {
    throw new TranspileError(`could not translate Athena SQL for DuckDB: ${result.error ?? 'no output'}`);
  }
  return out
    .replace(
      /\b(STRPTIME|STRFTIME)\(([^()]*?),\s*'((?:[^']|'')*)'\)/g,
      (_, fn: string, arg: string, fmt: string) => `${fn}(${arg}, '${convertFormat(fmt)}')`,
    )
    .replace(/\bELEMENT_AT\(/g, 'trino_element_at(');
}
