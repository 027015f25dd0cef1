/**
 * What a file of sql/views/ may hold: one query in Athena's SQL (Athena engine v3 is Trino),
 * checked before anything is planned, so that `validate`, `plan` and `apply` all stop on a view
 * that cannot run. Every finding is an error at the file's own line and column.
 *
 * - Always (no parser needed, so also in the action bundles): the file's tokens (view-tokens.ts)
 *   make exactly one query, SELECT, WITH … SELECT or VALUES, alone or combined by UNION,
 *   INTERSECT or EXCEPT, without ';'; and none of the constructs Trino's grammar (SqlBase.g4)
 *   refuses that polyglot's Trino parser lets through (`::`, `==`, backquotes, …;
 *   docs/sql-dialects.md rows 26 and 27).
 * - Where @polyglot-sql/sdk can be loaded (always for the CLI, which `npm ci` installed): the text,
 *   its placeholders filled as apply fills them, parsed with Trino's grammar (trino-grammar.ts).
 */
import { renderView } from '../desired/views.js';
import type { OrgConfig, ViewSource } from '../model/config.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { position } from '../model/diagnostics.js';
import { editDistance, nearest } from '../model/nearest.js';
import {
  describeParseFailure,
  fillPlaceholders,
  loadTrinoParser,
  type TrinoParser,
} from './trino-grammar.js';
import { isKeyword, type LexProblem, lexView, type Token } from './view-tokens.js';
import { PLACEHOLDER_PATTERN, PLACEHOLDERS, VIEWS_DIR } from './views.js';

/** What is allowed, said in every message about the shape of a view file. */
export const ONE_QUERY =
  'a view file holds one query: SELECT, WITH … SELECT or VALUES, alone or combined by UNION, INTERSECT or EXCEPT';

/**
 * Whether the grammar check must run (`required`: the CLI, where `npm ci` installed the parser)
 * or runs where the parser is installed and is otherwise skipped with a note (`if-installed`: the
 * action bundles, which run without node_modules), or is not run (`skip`: a command that deploys
 * no view, such as report or compact, where loading the parser would only cost time and memory).
 */
export type ViewGrammarCheck = 'required' | 'if-installed' | 'skip';

export interface ViewSyntaxOptions {
  grammar: ViewGrammarCheck;
  /** Loads the parser; undefined when it is not installed. For tests. */
  loadParser?: () => Promise<TrinoParser | undefined>;
}

export interface ViewSyntaxResult {
  diagnostics: Diagnostic[];
  /** What was not checked, and why (the grammar, when the parser is not installed). */
  notes: string[];
}

export const GRAMMAR_SKIPPED =
  `The views of ${VIEWS_DIR}/ were checked for one query each and for what Athena (Trino) refuses, ` +
  "but not parsed with Trino's grammar: @polyglot-sql/sdk is not installed here (the action bundles leave it out). " +
  "'org-compliance validate' parses them (the plan workflow's validate job runs it).";

const QUERY_START = ['SELECT', 'WITH', 'VALUES'];

/** Reserved words of Trino a misspelt name most likely stands for. */
const CLAUSE_KEYWORDS = [
  ...QUERY_START,
  'FROM',
  'WHERE',
  'GROUP',
  'ORDER',
  'HAVING',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'JOIN',
  'INNER',
  'OUTER',
  'LEFT',
  'RIGHT',
  'CROSS',
  'NATURAL',
  'USING',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'DISTINCT',
  'BETWEEN',
  'LIKE',
  'CAST',
  'EXISTS',
  'UNNEST',
];

/**
 * The keyword `word` is one edit (two, for longer words) away from, if it is not one itself; of
 * equally near ones, one it begins (`WHER`: WHERE, not WHEN), else the first in `keywords`.
 */
function misspeltKeyword(word: string, keywords: string[]): string | undefined {
  const upper = word.toUpperCase();
  if (word.length < 4 || keywords.includes(upper)) return undefined;
  const near = nearest(word, keywords, keywords.length, word.length <= 5 ? 1 : 2);
  const best = near.length ? editDistance(upper, near[0] as string) : 0;
  const tied = keywords.filter((k) => near.includes(k) && editDistance(upper, k) === best);
  return tied.find((k) => k.startsWith(upper)) ?? tied[0];
}

/** Index of the token just past the parenthesis that `tokens[open]` opens; -1 when it is not closed. */
function afterParentheses(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = (tokens[i] as Token).text;
    if (t === '(' && tokens[i]?.kind === 'symbol') depth++;
    else if (t === ')' && tokens[i]?.kind === 'symbol' && --depth === 0) return i + 1;
  }
  return -1;
}

const isSymbol = (t: Token | undefined, ...symbols: string[]) =>
  t?.kind === 'symbol' && symbols.includes(t.text);

/** A problem with what starts the query at `tokens[at]` (after any opening parentheses), if any. */
function queryStartProblem(tokens: Token[], at: number, after?: string): LexProblem | undefined {
  let i = at;
  while (isSymbol(tokens[i], '(')) i++;
  const t = tokens[i];
  if (!t || isKeyword(t, ...QUERY_START)) return undefined;
  const prefix = after ? `${after} … ` : '';
  if (isKeyword(t, 'TABLE')) {
    // Trino's, but polyglot's parser cannot read it, so nothing would check the rest.
    return {
      offset: t.start,
      message: `write SELECT * FROM … for ${prefix}TABLE …: Trino takes it, but the syntax check cannot read it; ${ONE_QUERY}`,
    };
  }
  if (t.kind === 'word') {
    const meant = misspeltKeyword(t.text, QUERY_START);
    if (meant)
      return {
        offset: t.start,
        message: `'${t.text}' is not a keyword; did you mean ${meant}? A ${ONE_QUERY.slice(2)}`,
      };
    const next = tokens[i + 1];
    const words = next?.kind === 'word' ? `${t.text} ${next.text}` : t.text;
    return { offset: t.start, message: `'${prefix}${words} …' is not a query; ${ONE_QUERY}` };
  }
  return { offset: t.start, message: `a query cannot start with '${t.text}'; ${ONE_QUERY}` };
}

/** After `WITH name AS (…), …`: the main query must be a query too (polyglot takes WITH … INSERT). */
function withProblem(tokens: Token[], at: number): LexProblem | undefined {
  let i = at + 1;
  if (isKeyword(tokens[i], 'RECURSIVE')) i++;
  for (;;) {
    const name = tokens[i];
    // WITH FUNCTION and WITH SESSION, or a shape for the grammar to judge.
    if (!name || (name.kind !== 'word' && name.kind !== 'quoted') || isKeyword(name, 'FUNCTION', 'SESSION'))
      return undefined;
    i++;
    if (isSymbol(tokens[i], '(')) {
      if (isKeyword(tokens[i + 1], ...QUERY_START)) {
        return {
          offset: (tokens[i] as Token).start,
          message: `AS is missing before the query of '${name.text}': WITH ${name.text} AS (SELECT …) SELECT …`,
        };
      }
      i = afterParentheses(tokens, i);
      if (i < 0) return undefined;
    }
    if (!isKeyword(tokens[i], 'AS') || !isSymbol(tokens[i + 1], '(')) return undefined;
    i = afterParentheses(tokens, i + 1);
    if (i < 0) return undefined;
    if (!isSymbol(tokens[i], ',')) break;
    i++;
  }
  return queryStartProblem(tokens, i, 'WITH');
}

/** One query, and nothing after it: no ';' (Trino's parser takes one statement, without ';'). */
function statementProblems(text: string, tokens: Token[]): LexProblem[] {
  if (tokens.length === 0) {
    const what = text.replace(/^\uFEFF/, '').trim() ? 'holds only comments' : 'is empty';
    return [{ offset: 0, message: `the file ${what}; ${ONE_QUERY}` }];
  }
  const problems: LexProblem[] = [];
  const semicolon = tokens.findIndex((t) => isSymbol(t, ';'));
  const statement = semicolon < 0 ? tokens : tokens.slice(0, semicolon);
  if (semicolon >= 0) {
    const next = tokens.slice(semicolon).find((t) => !isSymbol(t, ';'));
    problems.push(
      next
        ? {
            offset: next.start,
            message: `a second statement starts here, after ';'; ${ONE_QUERY}, without ';'`,
          }
        : {
            offset: (tokens[semicolon] as Token).start,
            message:
              "remove this ';': a view is its query alone, which apply puts in CREATE VIEW … AS, where Athena (Trino) refuses a ';'",
          },
    );
  }
  if (statement.length === 0) return problems;
  const start = queryStartProblem(statement, 0);
  const first = statement.find((t) => !isSymbol(t, '('));
  const shape =
    start ??
    (isKeyword(first, 'WITH') ? withProblem(statement, statement.indexOf(first as Token)) : undefined);
  return shape ? [shape, ...problems] : problems;
}

const NOT_TRINO = 'is not Athena (Trino) SQL';

/** How a character that starts no Trino token is named, and what to write instead. */
function strayCharacter(c: string): string {
  const hints: Record<string, string> = {
    '~': ': match with regexp_like(s, pattern)',
    '&': ': use bitwise_and(x, y)',
    '#': ': a comment starts with -- or /*',
    '!': ': negate with NOT, compare with <> or !=',
    '|': ': concatenate with ||',
    '^': ': use power(x, y)',
    '{': ': a placeholder is written {{name}}',
    '}': ': a placeholder is written {{name}}',
  };
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (/^[\x21-\x7e]+$/.test(c))
    return `'${c}' ${NOT_TRINO} outside strings, quoted identifiers and comments${hints[c] ?? ''}`;
  if (/^\s$/u.test(c)) return `the space ${code} ${NOT_TRINO}: write a plain space`;
  const quotes = /^[\u2018\u2019\u201c\u201d]$/u.test(c)
    ? ': a string is in straight quotes \'…\', a quoted name in "…"'
    : '';
  return `'${c}' (${code}) ${NOT_TRINO} outside strings, quoted identifiers and comments${quotes}`;
}

/** A letter outside ASCII in a name: the name must be quoted. */
function nonAsciiLetter(tokens: Token[], i: number): string {
  const t = tokens[i] as Token;
  const part = (u: Token | undefined) => u?.kind === 'word' || u?.kind === 'number' || u?.kind === 'stray';
  let first = i;
  while (part(tokens[first - 1]) && tokens[first - 1]?.end === tokens[first]?.start) first--;
  let last = i;
  while (part(tokens[last + 1]) && tokens[last + 1]?.start === tokens[last]?.end) last++;
  const name = tokens
    .slice(first, last + 1)
    .map((u) => u.text)
    .join('');
  const code = `U+${(t.text.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${t.text}' (${code}) cannot be in an unquoted name: Athena (Trino) takes ASCII letters, digits and _ there; quote it: "${name.replace(/"/g, '""')}"`;
}

/** `IS <word>`: Trino has only IS [NOT] NULL and IS [NOT] DISTINCT FROM. */
function isProblem(tokens: Token[], i: number): LexProblem | undefined {
  const negated = isKeyword(tokens[i + 1], 'NOT');
  const word = tokens[negated ? i + 2 : i + 1];
  if (word?.kind !== 'word' || isKeyword(word, 'NULL', 'DISTINCT')) return undefined;
  const written = `IS ${negated ? 'NOT ' : ''}${word.text.toUpperCase()}`;
  const value = word.text.toUpperCase();
  const instead =
    value === 'TRUE' || value === 'FALSE'
      ? `: write 'IS ${negated ? '' : 'NOT '}DISTINCT FROM ${value}'`
      : value === 'UNKNOWN'
        ? `: write 'IS ${negated ? 'NOT ' : ''}NULL'`
        : '';
  return {
    offset: (tokens[i] as Token).start,
    message: `'${written}' ${NOT_TRINO}, which has only IS [NOT] NULL and IS [NOT] DISTINCT FROM${instead}`,
  };
}

/** Reserved words no expression starts with: a ',' before one is a trailing comma. */
const AFTER_LAST_ITEM = ['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'UNION', 'INTERSECT', 'EXCEPT'];
/** Symbols Trino knows only inside MATCH_RECOGNIZE's PATTERN (…). */
const PATTERN_ONLY = ['|', '^', '$', '{', '}', '{-', '-}'];

/** One token: the constructs Trino refuses that polyglot's Trino parser accepts. */
function tokenProblem(tokens: Token[], i: number, inPattern: boolean): LexProblem | undefined {
  const t = tokens[i] as Token;
  const next = tokens[i + 1];
  const at = (message: string) => ({ offset: t.start, message });
  if (isSymbol(t, '{{', '}}'))
    return at(
      `'${t.text}' is not part of a placeholder: write {{name}}, with name one of ${PLACEHOLDERS.join(', ')}`,
    );
  if (t.kind === 'stray' && /^\p{L}$/u.test(t.text)) return at(nonAsciiLetter(tokens, i));
  if (t.kind === 'stray' || (!inPattern && isSymbol(t, ...PATTERN_ONLY))) return at(strayCharacter(t.text));
  if (t.kind === 'backquoted') {
    const name = t.text.slice(1, -1).replace(/``/g, '`').replace(/"/g, '""');
    return at(`a backquoted name is not Athena (Trino) SQL: write "${name}" for ${t.text}`);
  }
  if (t.kind === 'number' && /^\d[\d_]*$/.test(t.text) && next?.kind === 'word' && next.start === t.end) {
    const name = t.text + next.text;
    return at(`'${name}' starts with a digit: Athena (Trino) takes such a name only quoted: write "${name}"`);
  }
  if (isSymbol(t, '::')) return at(`'::' ${NOT_TRINO}: write CAST(x AS type)`);
  if (isSymbol(t, '==')) return at(`'==' ${NOT_TRINO}: compare with '='`);
  if (isSymbol(t, '->') && isSymbol(next, '>') && next?.start === t.end)
    return at(`'->>' ${NOT_TRINO}: read a JSON value with json_extract_scalar(json, '$.key')`);
  if (isKeyword(t, 'IS')) return isProblem(tokens, i);
  if (isSymbol(t, ',') && (isKeyword(next, ...AFTER_LAST_ITEM) || isSymbol(next, ')')))
    return at(
      `a ',' right before ${next?.kind === 'word' ? next.text.toUpperCase() : "')'"}: Athena (Trino) takes no trailing comma; remove it`,
    );
  return undefined;
}

/** Every token Trino refuses, allowing row-pattern symbols inside MATCH_RECOGNIZE's PATTERN (…). */
function trinoOnlyProblems(tokens: Token[]): LexProblem[] {
  const problems: LexProblem[] = [];
  let patternEnd = -1;
  for (let i = 0; i < tokens.length; i++) {
    if (isKeyword(tokens[i], 'PATTERN') && isSymbol(tokens[i + 1], '('))
      patternEnd = afterParentheses(tokens, i + 1);
    const problem = tokenProblem(tokens, i, i < patternEnd);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** The problems of one view's tokens, in the order they appear. */
function tokenProblems(text: string): { tokens: Token[]; problems: LexProblem[] } {
  const { tokens, problems } = lexView(text);
  // A string or comment left open hides the rest of the file: report that alone.
  if (problems.length) return { tokens, problems };
  return {
    tokens,
    problems: [...statementProblems(text, tokens), ...trinoOnlyProblems(tokens)].sort(
      (a, b) => a.offset - b.offset,
    ),
  };
}

/** Statement kinds (polyglot's AST) that are a query. */
const QUERY_KINDS = new Set(['select', 'union', 'intersect', 'except', 'values', 'subquery']);

/** What Trino's grammar says of one view, with its placeholders filled as apply fills them. */
function grammarProblem(
  view: ViewSource,
  tokens: Token[],
  org: OrgConfig,
  parse: TrinoParser,
): LexProblem | undefined {
  const filled = fillPlaceholders(view.text.replace(/^\uFEFF/, ' '), PLACEHOLDER_PATTERN, (p) =>
    renderView(p, { org }),
  );
  const result = parse(filled.sql);
  if (result.ok) {
    const kind =
      result.kinds.length === 1 ? (result.kinds[0] as string) : `${result.kinds.length} statements`;
    if (QUERY_KINDS.has(kind)) return undefined;
    return {
      offset: tokens[0]?.start ?? 0,
      message: `Trino's grammar reads this as ${kind}, not a query; ${ONE_QUERY}`,
    };
  }
  const start = filled.fileOffset(result.start);
  const end = Math.max(start, filled.fileOffset(result.end));
  const index = tokens.findIndex((t) => t.end > start);
  const token = tokens[index];
  const text = token && token.start <= start ? token.text : view.text.slice(start, end);
  const failure = describeParseFailure(result.message, text);
  const misspelt = (t: Token | undefined) =>
    t?.kind === 'word' ? misspeltKeyword(t.text, CLAUSE_KEYWORDS) : undefined;
  const meant = token && token.start <= start ? misspelt(token) : undefined;
  if (meant && !failure.startsWith(`expected ${meant},`))
    return { offset: start, message: `syntax error: ${failure}; did you mean ${meant}?` };
  // The parser often stops one token after a misspelt keyword (it took `SELEC` for a name): point at that.
  const before = tokens[index - 1];
  const meantBefore = misspelt(before);
  if (before && meantBefore) {
    return {
      offset: before.start,
      message: `syntax error: '${before.text}' is not a keyword; did you mean ${meantBefore}? (then ${failure})`,
    };
  }
  return { offset: start, message: `syntax error: ${failure}` };
}

function diagnostic(view: ViewSource, problem: LexProblem): Diagnostic {
  return {
    severity: 'error',
    file: view.file,
    ...position(view.text, problem.offset),
    field: '',
    message: problem.message,
  };
}

/**
 * Checks that every view is one query Athena (Trino) can parse. `org` fills the placeholders for
 * the grammar check (skipped without it: config/org.yaml has errors of its own then).
 */
export async function checkViewSyntax(
  views: ViewSource[],
  org: OrgConfig | undefined,
  options: ViewSyntaxOptions,
): Promise<ViewSyntaxResult> {
  const diagnostics: Diagnostic[] = [];
  const parseable: { view: ViewSource; tokens: Token[] }[] = [];
  for (const view of views) {
    const { tokens, problems } = tokenProblems(view.text);
    diagnostics.push(...problems.map((p) => diagnostic(view, p)));
    // An unknown placeholder cannot be filled (orderViews reports it).
    const fillable = [...view.text.matchAll(PLACEHOLDER_PATTERN)].every((m) =>
      (PLACEHOLDERS as readonly string[]).includes(m[1] as string),
    );
    if (problems.length === 0 && fillable) parseable.push({ view, tokens });
  }
  if (parseable.length === 0 || !org || options.grammar === 'skip') return { diagnostics, notes: [] };
  const parse = await (options.loadParser ?? loadTrinoParser)();
  if (!parse) {
    if (options.grammar === 'if-installed') return { diagnostics, notes: [GRAMMAR_SKIPPED] };
    throw new Error(
      `Checking the syntax of ${VIEWS_DIR}/ needs @polyglot-sql/sdk (Trino's grammar), which is not installed here. ` +
        "Run 'npm ci' in the org-compliance checkout first.",
    );
  }
  for (const { view, tokens } of parseable) {
    const problem = grammarProblem(view, tokens, org, parse);
    if (problem) diagnostics.push(diagnostic(view, problem));
  }
  return { diagnostics, notes: [] };
}
