/**
 * A view's query in a form that survives Athena's round trip. Athena (Trino) stores a view's query
 * formatted anew by its SqlFormatter: comments gone, every boolean operand and join in
 * parentheses, `JOIN` as `INNER JOIN`, `ORDER BY x` as `ORDER BY x ASC`, `AS` before aliases
 * dropped, `0.5` as `DECIMAL '0.5'`, `a || b` as `concat(a, b)`, `VALUES (…)` rows as `ROW (…)`,
 * function names in either case. Two texts that differ only so parse (polyglot's Trino grammar)
 * into the same tree once those spellings are made one: that tree, as JSON, is the canonical form.
 *
 * The aws target's athena-view provider compares this way a view it did not mark (made by Athena
 * from anyone's CREATE VIEW) with the file; a marked view it compares exactly (athena-views.ts).
 * The sdk is WebAssembly from node_modules, outside the action bundles: without it there is no
 * canonical form (`undefined`), and an unmarked view is compared as text.
 */
import { isRecord } from '../model/values.js';
import { importPolyglot, type PolyglotSdk, polyglotIfInstalled } from './trino-grammar.js';

/** The canonical form of a query, or undefined when it does not parse. */
export type ViewCanonicalizer = (sql: string) => string | undefined;

type Node = Record<string, unknown>;

/** Keys that carry spelling, position or comments, never meaning. */
const SPELLING = new Set([
  'span',
  'original_name',
  'quoted_by_parser',
  'alias_explicit_as',
  'alias_keyword',
  'explicit_asc',
  'use_inner_keyword',
  'use_outer_keyword',
]);

function only(node: Node, key: string): Node | undefined {
  const keys = Object.keys(node);
  return keys.length === 1 && keys[0] === key && isRecord(node[key]) ? (node[key] as Node) : undefined;
}

/** `(x)` is x: grouping is in the tree's shape already. */
function unwrapParens(node: Node): Node {
  let at = node;
  for (
    let paren = only(at, 'paren');
    paren !== undefined && isRecord(paren.this);
    paren = only(at, 'paren')
  ) {
    at = paren.this as Node;
  }
  return at;
}

/** `FROM (a JOIN b ON …)`, as Trino writes every join, is `FROM a JOIN b ON …`. */
function flattenJoins(select: Node): Node {
  const from = isRecord(select.from) ? select.from : undefined;
  const expressions = Array.isArray(from?.expressions) ? from.expressions : undefined;
  if (!from || expressions?.length !== 1 || !isRecord(expressions[0])) return select;
  let first = unwrapParens(expressions[0]);
  let joins = Array.isArray(select.joins) ? (select.joins as unknown[]) : [];
  for (
    let table = only(first, 'joined_table');
    table && table.alias == null;
    table = only(first, 'joined_table')
  ) {
    if (!isRecord(table.left) || !Array.isArray(table.joins)) break;
    joins = [...table.joins, ...joins];
    first = unwrapParens(table.left);
  }
  return { ...select, from: { ...from, expressions: [first] }, joins };
}

/** One node with Trino's spellings made the plain ones, before its children are visited. */
function respell(node: Node): Node {
  const cast = only(node, 'cast');
  const to = isRecord(cast?.to) ? cast.to : undefined;
  const text = isRecord(cast?.this) ? only(cast.this as Node, 'literal') : undefined;
  if (to?.data_type === 'decimal' && to.precision == null && text?.literal_type === 'string') {
    // DECIMAL '0.5' is how Trino writes the literal 0.5.
    return { literal: { literal_type: 'number', value: text.value } };
  }
  const concat = only(node, 'concat');
  if (concat && 'left' in concat) {
    return { function: { name: 'concat', args: [concat.left, concat.right], distinct: false } };
  }
  const values = only(node, 'values');
  if (values && Array.isArray(values.expressions)) {
    const rows = values.expressions.map((row: unknown) => {
      const cells = isRecord(row) && Array.isArray(row.expressions) ? row.expressions : undefined;
      const fn = cells?.length === 1 && isRecord(cells[0]) ? only(cells[0] as Node, 'function') : undefined;
      return fn && String(fn.name).toUpperCase() === 'ROW' ? { ...(row as Node), expressions: fn.args } : row;
    });
    return { values: { ...values, expressions: rows } };
  }
  const select = only(node, 'select');
  return select ? { select: flattenJoins(select) } : node;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isRecord(value)) return value;
  const node = respell(unwrapParens(value));
  const out: Node = {};
  for (const key of Object.keys(node).sort()) {
    if (SPELLING.has(key) || key === 'comments' || key.endsWith('_comments')) continue;
    out[key] = canonical(node[key]);
  }
  // An inner join is a join; function names and number literals have no case.
  if (out.kind === 'Inner') out.kind = 'Join';
  if (typeof out.name === 'string' && 'args' in out && out.quoted !== true) out.name = out.name.toLowerCase();
  if (out.literal_type === 'number') out.value = String(out.value).toLowerCase();
  for (const key of ['no_parens', 'quoted', 'use_bracket_syntax']) if (out[key] === false) delete out[key];
  return out;
}

/**
 * The canonicalizer, or undefined when @polyglot-sql/sdk is not installed here (an action bundle
 * run without node_modules). `importSdk` is for tests.
 */
export async function loadViewCanonicalizer(
  importSdk: () => Promise<PolyglotSdk> = importPolyglot,
): Promise<ViewCanonicalizer | undefined> {
  const sdk = await polyglotIfInstalled(importSdk);
  if (sdk === undefined) return undefined;
  return (sql) => {
    const parsed = sdk.parse(sql, sdk.Dialect.Trino);
    return parsed.success ? JSON.stringify(canonical(parsed.ast)) : undefined;
  };
}
