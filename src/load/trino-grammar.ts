/**
 * Trino's grammar, offline: the @polyglot-sql/sdk parser in its Trino dialect. The sdk is
 * WebAssembly (23 MB) from node_modules, outside the action bundles like the rest of the local
 * engine (src/engines/local-engine.ts), so it is loaded with import() on first use, and a missing
 * sdk is an answer (`undefined`), not a failure: the caller decides whether that may be.
 *
 * A view is parsed with its placeholders filled as apply fills them; `fillPlaceholders` keeps the
 * way back from a position in the filled text to the file's. polyglot's message is reworded for
 * people (its own line and column are the filled text's, not the file's).
 */
import { missingEnginePackage } from '../engines/local-engine.js';

export interface ParsedStatements {
  ok: true;
  /** The kind of each statement, as polyglot's AST names it: `select`, `union`, `drop_table`, … */
  kinds: string[];
}

export interface ParseFailure {
  ok: false;
  /** UTF-16 offsets into the parsed text of the token the parser stopped at; `end` exclusive. */
  start: number;
  end: number;
  message: string;
}

export type TrinoParser = (sql: string) => ParsedStatements | ParseFailure;

/** The UTF-16 offset of the code point at `codePoints` (polyglot counts Unicode characters). */
export function utf16Offset(text: string, codePoints: number): number {
  let offset = 0;
  for (let n = 0; n < codePoints && offset < text.length; n++) {
    offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  }
  return offset;
}

export type PolyglotSdk = typeof import('@polyglot-sql/sdk');

/** The sdk's own import: a module of the local engine, outside the action bundles. */
export const importPolyglot = (): Promise<PolyglotSdk> => import('@polyglot-sql/sdk');

/** The sdk, or undefined when it is not installed here (any other failure is thrown). */
export async function polyglotIfInstalled(
  importSdk: () => Promise<PolyglotSdk>,
): Promise<PolyglotSdk | undefined> {
  try {
    return await importSdk();
  } catch (e) {
    if (missingEnginePackage(e) === '@polyglot-sql/sdk') return undefined;
    throw e;
  }
}

/**
 * Trino's parser from @polyglot-sql/sdk, or undefined when the package is not installed here (an
 * action bundle run without node_modules). `importSdk` is for tests.
 */
export async function loadTrinoParser(
  importSdk: () => Promise<PolyglotSdk> = importPolyglot,
): Promise<TrinoParser | undefined> {
  const sdk = await polyglotIfInstalled(importSdk);
  if (sdk === undefined) return undefined;
  return (sql) => {
    const result = sdk.parse(sql, sdk.Dialect.Trino);
    if (result.success) return { ok: true, kinds: result.ast.map((node) => Object.keys(node)[0] ?? '') };
    const start = utf16Offset(sql, result.errorStart ?? 0);
    return {
      ok: false,
      start,
      end: Math.max(start, utf16Offset(sql, result.errorEnd ?? 0)),
      message: result.error ?? 'no message',
    };
  };
}

export interface FilledText {
  /** The text with every placeholder replaced by its value. */
  sql: string;
  /** The file offset of a filled-text offset; inside a placeholder's value, the placeholder's start. */
  fileOffset(offset: number): number;
}

interface Replacement {
  /** Where the value starts in the filled text, and how long it is. */
  at: number;
  length: number;
  /** Where the placeholder starts in the file, and how long it is. */
  fileAt: number;
  fileLength: number;
}

/** Replaces each match of `pattern` (a global RegExp) in `text` with `fill(match)`, keeping the way back. */
export function fillPlaceholders(
  text: string,
  pattern: RegExp,
  fill: (placeholder: string) => string,
): FilledText {
  let sql = '';
  let last = 0;
  const replacements: Replacement[] = [];
  for (const m of text.matchAll(pattern)) {
    const value = fill(m[0]);
    sql += text.slice(last, m.index);
    replacements.push({ at: sql.length, length: value.length, fileAt: m.index, fileLength: m[0].length });
    sql += value;
    last = m.index + m[0].length;
  }
  sql += text.slice(last);
  return {
    sql,
    fileOffset(offset) {
      let shift = 0;
      for (const r of replacements) {
        if (offset < r.at) break;
        if (offset < r.at + r.length) return r.fileAt;
        shift = r.fileAt + r.fileLength - (r.at + r.length);
      }
      return offset + shift;
    },
  };
}

/** polyglot's names of the tokens it expected, as written in SQL. */
const TOKEN_NAMES: Record<string, string> = {
  RParen: "')'",
  LParen: "'('",
  RBracket: "']'",
  LBracket: "'['",
  Comma: "','",
  Dot: "'.'",
  Eq: "'='",
  identifier: 'a name',
};

function expectedName(name: string): string {
  const known = TOKEN_NAMES[name];
  if (known) return known;
  // A keyword (`Select`, `End`, `As`) is written in capitals; anything else is already prose.
  if (/^[A-Z][a-z]+$/.test(name)) return name.toUpperCase();
  return /^[a-z]/.test(name) ? `a ${name}` : name;
}

/**
 * polyglot's message for a parse failure, reworded: its line and column (of the filled text)
 * dropped, its token names written as SQL. `token` is the text the parser stopped at.
 */
export function describeParseFailure(message: string, token: string): string {
  const text = message.replace(/^(?:Parse|Tokenization) error at line \d+, column \d+: /, '');
  const expected = /^Expected (.+?), got (.*)$/.exec(text);
  if (expected) {
    const what = expectedName(expected[1] as string);
    return /^"?end of input/.test(expected[2] as string)
      ? `expected ${what}, but the query ends after '${token}'`
      : `expected ${what}, found '${token}'`;
  }
  if (/^Unexpected end of input/.test(text)) return `the query ends too early, after '${token}'`;
  if (/^(?:Unexpected token|Invalid expression)/.test(text)) return `unexpected '${token}'`;
  return text.charAt(0).toLowerCase() + text.slice(1);
}
