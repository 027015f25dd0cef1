/**
 * What changed: new and resolved findings since yesterday and since a week ago (the
 * finding_changes view, counted per account and per rule in one query), as JSON (`changes`), a
 * sentence for the headline, the e-mail and chat ("12 new, 40 resolved since yesterday; …"), and
 * Markdown and HTML tables per account and per rule. Pure.
 */
import { compareText } from '../model/values.js';
import { htmlText as esc, markdownCell as md } from './escape.js';
import { shownOf } from './snapshot-delivery.js';

export type Since = 'yesterday' | 'week';
export const SINCE: readonly Since[] = ['yesterday', 'week'];

export interface AccountChanges {
  accountId: string;
  name: string;
  new: number;
  resolved: number;
}

export interface RuleChanges {
  rule: string;
  new: number;
  resolved: number;
}

export interface ChangeCounts {
  new: number;
  resolved: number;
  /** Every account with a change, most changes first. */
  byAccount: AccountChanges[];
  /** Every rule with a change, most changes first. */
  byRule: RuleChanges[];
}

export type FindingChanges = Record<Since, ChangeCounts>;

/**
 * The counts of finding_changes: per (since, change) in all, per account and per rule, in one
 * query whose rows are bounded by the accounts and rules (not the findings).
 */
export function findingChangesSql(database: string): string {
  return [
    'SELECT since, change, account_id, account_name, rule, count(*) AS findings',
    `FROM "${database}".finding_changes`,
    'GROUP BY GROUPING SETS ((since, change), (since, change, account_id, account_name), (since, change, rule))',
  ].join('\n');
}

type Row = Record<string, unknown>;

function empty(): ChangeCounts {
  return { new: 0, resolved: 0, byAccount: [], byRule: [] };
}

function mostFirst<T extends { new: number; resolved: number }>(key: (x: T) => string) {
  return (a: T, b: T) =>
    b.new + b.resolved - (a.new + a.resolved) || b.new - a.new || compareText(key(a), key(b));
}

function count(r: Row): number {
  const n = Number(r.findings);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`finding_changes: a count that is not a whole number: ${JSON.stringify(r.findings)}`);
  return n;
}

/** The rows of findingChangesSql as the JSON report's `changes` (zeros where nothing changed). */
export function findingChanges(rows: readonly Row[]): FindingChanges {
  const out: FindingChanges = { yesterday: empty(), week: empty() };
  const accounts = { yesterday: new Map<string, AccountChanges>(), week: new Map<string, AccountChanges>() };
  const rules = { yesterday: new Map<string, RuleChanges>(), week: new Map<string, RuleChanges>() };
  for (const r of rows) {
    const since = r.since;
    const change = r.change;
    if (since !== 'yesterday' && since !== 'week')
      throw new Error(`finding_changes: since must be 'yesterday' or 'week', got ${JSON.stringify(since)}`);
    if (change !== 'new' && change !== 'resolved')
      throw new Error(`finding_changes: change must be 'new' or 'resolved', got ${JSON.stringify(change)}`);
    const n = count(r);
    const accountId = r.account_id === null || r.account_id === undefined ? null : String(r.account_id);
    const rule = r.rule === null || r.rule === undefined ? null : String(r.rule);
    if (accountId !== null) {
      const name = r.account_name === null || r.account_name === undefined ? '' : String(r.account_name);
      const line = accounts[since].get(accountId) ?? { accountId, name, new: 0, resolved: 0 };
      line[change] += n;
      accounts[since].set(accountId, line);
    } else if (rule !== null) {
      const line = rules[since].get(rule) ?? { rule, new: 0, resolved: 0 };
      line[change] += n;
      rules[since].set(rule, line);
    } else out[since][change] += n;
  }
  for (const since of SINCE) {
    out[since].byAccount = [...accounts[since].values()].sort(mostFirst((x) => x.accountId));
    out[since].byRule = [...rules[since].values()].sort(mostFirst((x) => x.rule));
  }
  return out;
}

/** "12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago". */
export function changesSentence(c: FindingChanges): string {
  return `${c.yesterday.new} new, ${c.yesterday.resolved} resolved since yesterday; ${c.week.new} new, ${c.week.resolved} resolved since a week ago`;
}

interface ChangeLine {
  key: string;
  name?: string;
  yesterday: { new: number; resolved: number };
  week: { new: number; resolved: number };
}

/** Accounts (or rules) with a change since yesterday or a week ago, side by side: most changes since yesterday first. */
function sideBySide<T extends { new: number; resolved: number }>(
  c: FindingChanges,
  list: (x: ChangeCounts) => T[],
  key: (x: T) => string,
  name?: (x: T) => string,
): ChangeLine[] {
  const lines = new Map<string, ChangeLine>();
  for (const since of SINCE) {
    for (const x of list(c[since])) {
      const k = key(x);
      const line = lines.get(k) ?? {
        key: k,
        ...(name ? { name: name(x) } : {}),
        yesterday: { new: 0, resolved: 0 },
        week: { new: 0, resolved: 0 },
      };
      line[since] = { new: x.new, resolved: x.resolved };
      lines.set(k, line);
    }
  }
  const total = (l: ChangeLine, s: Since) => l[s].new + l[s].resolved;
  return [...lines.values()].sort(
    (a, b) =>
      total(b, 'yesterday') - total(a, 'yesterday') ||
      total(b, 'week') - total(a, 'week') ||
      compareText(a.key, b.key),
  );
}

function accountLines(c: FindingChanges): ChangeLine[] {
  return sideBySide(
    c,
    (x) => x.byAccount,
    (x) => x.accountId,
    (x) => x.name,
  );
}

function ruleLines(c: FindingChanges): ChangeLine[] {
  return sideBySide(
    c,
    (x) => x.byRule,
    (x) => x.rule,
  );
}

const COUNTS_HEAD = [
  'new since yesterday',
  'resolved since yesterday',
  'new since a week ago',
  'resolved since a week ago',
];

function counts(l: ChangeLine): string[] {
  return [l.yesterday.new, l.yesterday.resolved, l.week.new, l.week.resolved].map(String);
}

/** The Markdown section's body: the sentence, then the accounts and the rules that changed most. */
export function changesMarkdown(c: FindingChanges, top: number): string[] {
  const out = [`${changesSentence(c)}.`];
  const tables: [string[], ChangeLine[], (l: ChangeLine) => string[]][] = [
    [['account', 'name'], accountLines(c), (l) => [`\`${l.key}\``, md(l.name ?? '')]],
    [['rule'], ruleLines(c), (l) => [`\`${l.key}\``]],
  ];
  for (const [head, lines, cells] of tables) {
    if (lines.length === 0) continue;
    const columns = [...head, ...COUNTS_HEAD];
    out.push('', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`);
    const shown = lines.slice(0, top);
    for (const l of shown) out.push(`| ${[...cells(l), ...counts(l)].join(' | ')} |`);
    const note = shownOf(shown.length, lines.length);
    if (note) out.push('', `_${note}_`);
  }
  return out;
}

/** The HTML section's body; `table` is the report's table builder (cells already escaped). */
export function changesHtml(
  c: FindingChanges,
  top: number,
  table: (head: string[], body: string[][]) => string,
): string {
  const out = [`<p>${esc(changesSentence(c))}.</p>`];
  const tables: [string[], ChangeLine[], (l: ChangeLine) => string[]][] = [
    [['account', 'name'], accountLines(c), (l) => [`<code>${esc(l.key)}</code>`, esc(l.name ?? '')]],
    [['rule'], ruleLines(c), (l) => [`<code>${esc(l.key)}</code>`]],
  ];
  for (const [head, lines, cells] of tables) {
    if (lines.length === 0) continue;
    const shown = lines.slice(0, top);
    out.push(
      table(
        [...head, ...COUNTS_HEAD],
        shown.map((l) => [...cells(l), ...counts(l)]),
      ),
    );
    const note = shownOf(shown.length, lines.length);
    if (note) out.push(`<p><em>${esc(note)}</em></p>`);
  }
  return out.join('\n');
}
