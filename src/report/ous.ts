/**
 * The report's "By OU" section: the ou_summary view's rows (one per OU at every level of the
 * tree) in tree order, as JSON (`ous`), Markdown and HTML. When a format shows only its top N,
 * the upper levels come first (every shown OU's parent is shown, so the tree reads whole), and of
 * the level that is cut, the OUs with the worst score. Pure.
 */
import { compareText } from '../model/values.js';
import { htmlText as esc, markdownCell as md } from './escape.js';
import { shownOf } from './snapshot-delivery.js';

export interface OuLine {
  ou: string;
  /** The OU one level up; null for the root. */
  parent: string | null;
  /** 1 for the root. */
  depth: number;
  /** Active accounts in the projection anywhere under the OU. */
  accounts: number;
  /** Of those, the ones with at least one non-compliant evaluation that is not excluded. */
  accountsNonCompliant: number;
  compliant: number;
  nonCompliant: number;
  excluded: number;
  score: number | null;
}

type Row = Record<string, unknown>;

function count(v: unknown, field: string, ou: string): number {
  const n = v === null || v === undefined || v === '' ? 0 : Number(v);
  if (!Number.isFinite(n))
    throw new Error(`ou_summary: ${field} of '${ou}' is not a number: ${JSON.stringify(v)}`);
  return n;
}

/** The OU's path as its parts: '/Root/Workloads' → ['Root', 'Workloads']. */
function segments(ou: string): string[] {
  return ou.split('/').filter((s) => s !== '');
}

/** Parents before their children, siblings by name (by code unit, as the views order text). */
export function treeOrder(a: Pick<OuLine, 'ou'>, b: Pick<OuLine, 'ou'>): number {
  const x = segments(a.ou);
  const y = segments(b.ou);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = compareText(x[i] as string, y[i] as string);
    if (c !== 0) return c;
  }
  return x.length - y.length;
}

/** The rows of ou_summary, in tree order; the score computed again from the counts. */
export function ouLines(rows: readonly Row[]): OuLine[] {
  return rows
    .map((r): OuLine => {
      const ou = String(r.ou ?? '');
      const compliant = count(r.compliant, 'compliant', ou);
      const nonCompliant = count(r.non_compliant, 'non_compliant', ou);
      return {
        ou,
        parent: r.parent === null || r.parent === undefined || r.parent === '' ? null : String(r.parent),
        depth: count(r.depth, 'depth', ou),
        accounts: count(r.accounts, 'accounts', ou),
        accountsNonCompliant: count(r.accounts_non_compliant, 'accounts_non_compliant', ou),
        compliant,
        nonCompliant,
        excluded: count(r.excluded, 'excluded', ou),
        score: compliant + nonCompliant === 0 ? null : compliant / (compliant + nonCompliant),
      };
    })
    .sort(treeOrder);
}

/** Worst score first, OUs with nothing evaluated last; then most accounts failing, then the path. */
function worstFirst(a: OuLine, b: OuLine): number {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return a.score - b.score;
  }
  return b.accountsNonCompliant - a.accountsNonCompliant || treeOrder(a, b);
}

/** At most `top` OUs, in tree order: the upper levels first, the worst of the level that is cut. */
export function ousShown(ous: readonly OuLine[], top: number): OuLine[] {
  if (ous.length <= top) return [...ous];
  const picked = [...ous].sort((a, b) => a.depth - b.depth || worstFirst(a, b)).slice(0, Math.max(0, top));
  return picked.sort(treeOrder);
}

/** `Payments` under its parent: the last part of the path. */
function leaf(ou: string): string {
  return segments(ou).at(-1) ?? ou;
}

const EXPLANATION = 'Every level of the OU tree; each OU counts the active accounts under it, at any depth.';

/** The Markdown section's lines (without its heading); `percent` writes a score as the report does. */
export function ousMarkdown(
  ous: readonly OuLine[],
  top: number,
  percent: (v: number | null) => string,
): string[] {
  if (ous.length === 0) return ['No active account in the projection.'];
  const shown = ousShown(ous, top);
  const out = [
    EXPLANATION,
    '',
    '| OU | score | accounts failing | accounts | non-compliant | compliant | excluded |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const o of shown) {
    // Non-breaking spaces: Markdown drops leading spaces in a table cell.
    const indent = '\u00a0\u00a0'.repeat(Math.max(0, o.depth - 1));
    out.push(
      `| ${indent}\`${md(o.depth === 1 ? o.ou : leaf(o.ou))}\` | ${percent(o.score)} | ${o.accountsNonCompliant} | ${o.accounts} | ${o.nonCompliant} | ${o.compliant} | ${o.excluded} |`,
    );
  }
  const note = shownOf(shown.length, ous.length);
  if (note) out.push('', `_${note} Upper levels first, then the worst scores._`);
  return out;
}

/** The HTML section's body (without its heading); `score` draws a score as the report does. */
export function ousHtml(
  ous: readonly OuLine[],
  top: number,
  table: (head: string[], body: string[][]) => string,
  score: (v: number | null) => string,
): string {
  if (ous.length === 0) return '<p>No active account in the projection.</p>';
  const shown = ousShown(ous, top);
  const body = shown.map((o) => [
    `<span style="padding-left:${(o.depth - 1) * 1.2}em" title="${esc(o.ou)}"><code>${esc(o.depth === 1 ? o.ou : leaf(o.ou))}</code></span>`,
    score(o.score),
    String(o.accountsNonCompliant),
    String(o.accounts),
    String(o.nonCompliant),
    String(o.compliant),
    String(o.excluded),
  ]);
  const note = shownOf(shown.length, ous.length);
  return [
    `<p>${esc(EXPLANATION)}</p>`,
    table(['OU', 'score', 'accounts failing', 'accounts', 'non-compliant', 'compliant', 'excluded'], body),
    ...(note ? [`<p><em>${esc(`${note} Upper levels first, then the worst scores.`)}</em></p>`] : []),
  ].join('\n');
}
