/**
 * The tokens of a view file as Trino's lexer (SqlBase.g4) cuts them, with `{{placeholders}}` as
 * tokens of their own: offsets are the file's, so every finding points into the file as written.
 * Comments and whitespace are dropped; what the lexer cannot close (a string, a quoted identifier,
 * a comment) is a problem at the place it was opened. Pure, and needs no SQL parser.
 */
import { PLACEHOLDER_PATTERN } from './views.js';

export type TokenKind =
  /** A name or keyword: ASCII letters, digits and `_` (Trino's IDENTIFIER). */
  | 'word'
  | 'number'
  /** `'…'`, `U&'…'` */
  | 'string'
  /** `"…"` */
  | 'quoted'
  /** `` `…` ``: in Trino's lexer, but refused by its parser. */
  | 'backquoted'
  /** `{{name}}` */
  | 'placeholder'
  /** An operator or punctuation Trino's grammar has. */
  | 'symbol'
  /** A character that starts no Trino token. */
  | 'stray';

export interface Token {
  kind: TokenKind;
  text: string;
  /** UTF-16 offsets into the file's text; `end` exclusive. */
  start: number;
  end: number;
}

export interface LexProblem {
  offset: number;
  message: string;
}

export interface Lexed {
  tokens: Token[];
  problems: LexProblem[];
}

/** Longest first: the lexer takes the longest symbol that matches. */
const SYMBOLS = [
  '<>',
  '!=',
  '<=',
  '>=',
  '||',
  '->',
  '=>',
  '{-',
  '-}',
  // Not Trino's, but cut whole so the rules can name them.
  '::',
  '==',
  '{{',
  '}}',
  ...'=<>+-*/%?;(),.[]:|^',
  '$',
  '{',
  '}',
];

const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER =
  /0[xX][0-9A-Fa-f_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\r\n]+/y;
const PLACEHOLDER_AT = new RegExp(PLACEHOLDER_PATTERN.source, 'y');

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

/** Index just past the quote that closes the one at `open` (a doubled quote is the quote itself); -1 when none does. */
function closingQuote(text: string, open: number, quote: string): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) i++;
    else return i + 1;
  }
  return -1;
}

const UNCLOSED: Record<string, string> = {
  "'": "this string is never closed: a ' is missing",
  '"': 'this quoted identifier is never closed: a " is missing',
  '`': 'this backquoted identifier is never closed: a ` is missing',
};

export function lexView(text: string): Lexed {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  const push = (kind: TokenKind, start: number, end: number) =>
    tokens.push({ kind, text: text.slice(start, end), start, end });
  // A byte-order mark is not part of the view (viewBody drops it).
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  while (i < text.length) {
    const c = text[i] as string;
    const two = text.slice(i, i + 2);
    const space = matchAt(WHITESPACE, text, i);
    if (space) {
      i += space.length;
    } else if (two === '--') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (two === '/*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) {
        problems.push({ offset: i, message: 'this comment is never closed: a */ is missing' });
        break;
      }
      i = close + 2;
    } else if (c === "'" || c === '"' || c === '`' || /^[uU]&'/.test(text.slice(i, i + 3))) {
      const open = c === "'" || c === '"' || c === '`' ? i : i + 2;
      const quote = text[open] as string;
      const end = closingQuote(text, open, quote);
      if (end < 0) {
        problems.push({ offset: i, message: UNCLOSED[quote] as string });
        break;
      }
      push(quote === "'" ? 'string' : quote === '"' ? 'quoted' : 'backquoted', i, end);
      i = end;
    } else if (c === '{' && matchAt(PLACEHOLDER_AT, text, i)) {
      const length = (matchAt(PLACEHOLDER_AT, text, i) as string).length;
      push('placeholder', i, i + length);
      i += length;
    } else {
      const word = matchAt(WORD, text, i);
      const number = word ? undefined : matchAt(NUMBER, text, i);
      const symbol = word || number ? undefined : SYMBOLS.find((s) => text.startsWith(s, i));
      const length =
        word?.length ??
        number?.length ??
        symbol?.length ??
        String.fromCodePoint(text.codePointAt(i) ?? 0).length;
      push(word ? 'word' : number ? 'number' : symbol ? 'symbol' : 'stray', i, i + length);
      i += length;
    }
  }
  return { tokens, problems };
}

/** Whether a token is the keyword `word` (any case). */
export function isKeyword(token: Token | undefined, ...words: string[]): boolean {
  return token?.kind === 'word' && words.includes(token.text.toUpperCase());
}
