/**
 * The compliance report: the four morning questions (which account to fix next, which rules
 * nobody follows, how each category stands, is it getting better) as one object whose JSON
 * form is a contract other tools read, and its Markdown and HTML renderings for people.
 * Pure: rows in, report out.
 */

import { CATEGORIES, type ExceptionSpec } from '../model/config.js';
import { daysBetween } from '../model/dates.js';
import { severityRank } from '../model/severity.js';
import {
  changesHtml,
  changesMarkdown,
  changesSentence,
  type FindingChanges,
  findingChanges,
} from './changes.js';
import { htmlText, markdownCell } from './escape.js';
import { type FrameworkLine, frameworkLines, frameworksHtml, frameworksMarkdown } from './frameworks.js';
import { type OuLine, ouLines, ousHtml, ousMarkdown } from './ous.js';
import { type ResourceList, resourceList, resourcesHtml, resourcesMarkdown } from './resources.js';
import {
  type RuleFacts,
  ruleFacts,
  ruleFactsByName,
  type SeverityLine,
  severityHtml,
  severityLines,
  severityMarkdown,
} from './severity.js';
import {
  ALL_DELIVERED,
  neverDeliveredExplanation,
  neverDeliveredTitle,
  type SnapshotDelivery,
  shownOf,
  snapshotDelivery,
  stoppedExplanation,
  stoppedTitle,
} from './snapshot-delivery.js';
import { countIn } from './view-values.js';

export interface Counts {
  compliant: number;
  nonCompliant: number;
  excluded: number;
  score: number | null;
}

export interface AccountLine extends Counts {
  accountId: string;
  name: string;
  lastSnapshot: string | null;
}

export interface RuleLine extends RuleFacts {
  rule: string;
  category: string;
  compliant: number;
  nonCompliant: number;
  excluded: number;
  accountsNonCompliant: number;
}

export interface CategoryLine extends Counts {
  category: string;
}

/**
 * Why an account/region has no recent snapshot, as the freshness view tells it:
 * `never_delivered` — no snapshot file at all in the window the view reads (`trendDays`), most
 * often a delivery channel with no snapshot delivery frequency; `stopped_delivering` — it had
 * snapshots, but the newest is older than `staleAfterDays`.
 */
export type DeliveryStatus = 'never_delivered' | 'stopped_delivering';

export interface StaleLine {
  accountId: string;
  name: string;
  region: string;
  status: DeliveryStatus;
  lastSnapshot: string | null;
}

export interface ComplianceReport {
  asOf: string;
  totals: Counts;
  accounts: AccountLine[];
  rules: RuleLine[];
  categories: CategoryLine[];
  unmanagedRules: { rule: string; evaluations: number }[];
  /** Active accounts' regions without a recent snapshot: never delivered first, then oldest first. */
  stale: StaleLine[];
  /** Every OU at every level of the tree (ou_summary), in tree order. */
  ous: OuLine[];
  /** The first failing resources (failing_resources), oldest failure first, and how many there are. */
  resources: ResourceList;
  /** New and resolved findings since yesterday and since a week ago (finding_changes). */
  changes: FindingChanges;
  /** The organization's score a week before `asOf`, from the trend, when known. */
  scoreWeekAgo: number | null;
  /** Exceptions that expire within 30 days, soonest first. */
  expiringExceptions: ExpiringException[];
  /** The score per severity (severity_summary), most severe first. */
  severities: SeverityLine[];
  /** The score per framework and per control (framework_summary). */
  frameworks: FrameworkLine[];
}

/** An exception expiring soon, as the JSON report gives it. */
export interface ExpiringException {
  id: string;
  expires: string;
  owner: string | null;
  ticket: string | null;
  reason: string;
}

/** What people see beside the report's numbers (not part of the JSON contract). */
export interface ReportContext {
  /** Exceptions that expire within the warning window, soonest first. */
  expiringExceptions: ExceptionSpec[];
  /** Score of the organization a week before `asOf`, from the trend, when known. */
  scoreWeekAgo: number | null;
  /** The freshness view's settings, for the wording of the snapshot delivery section. */
  freshness: { staleAfterDays: number; trendDays: number };
  dashboardUrl?: string;
}

export type Row = Record<string, unknown>;

function int(v: unknown): number {
  return countIn(v, 'report');
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function date(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  return String(v).slice(0, 10);
}

export function score(compliant: number, nonCompliant: number): number | null {
  return compliant + nonCompliant === 0 ? null : compliant / (compliant + nonCompliant);
}

/** Worst score first; accounts without a score (nothing evaluated) last; ties by most non-compliant, then id. */
function worstFirst(a: AccountLine, b: AccountLine): number {
  if (a.score === null || b.score === null)
    return a.score === null ? (b.score === null ? a.accountId.localeCompare(b.accountId) : 1) : -1;
  return a.score - b.score || b.nonCompliant - a.nonCompliant || a.accountId.localeCompare(b.accountId);
}

export interface ReportRows {
  accountSummary: Row[];
  ruleSummary: Row[];
  categorySummary: Row[];
  coverage: Row[];
  freshness: Row[];
  ouSummary: Row[];
  /** failing_resources' first rows, each with the total (resources.ts: failingResourcesSql). */
  failingResources: Row[];
  /** finding_changes counted per account and rule (changes.ts: findingChangesSql). */
  findingChanges: Row[];
  /** severity_summary's rows. */
  severitySummary?: Row[];
  /** framework_summary's rows. */
  frameworkSummary?: Row[];
  /** catalog_rules' severity, remediation, documentation link and controls (severity.ts: catalogFactsSql). */
  catalogRules?: Row[];
}

/** What the report carries besides the views' rows. */
export interface ReportExtras {
  scoreWeekAgo: number | null;
  expiringExceptions: ExceptionSpec[];
}

/** The view's `status`; from the last snapshot when the deployed view predates that column. */
function deliveryStatus(status: unknown, lastSnapshot: string | null): DeliveryStatus {
  if (status === 'never_delivered' || status === 'stopped_delivering') return status;
  return lastSnapshot === null ? 'never_delivered' : 'stopped_delivering';
}

export function buildReport(
  rows: ReportRows,
  asOf: string,
  extras: ReportExtras = { scoreWeekAgo: null, expiringExceptions: [] },
): ComplianceReport {
  const accounts = rows.accountSummary
    .map((r): AccountLine => {
      const compliant = int(r.compliant);
      const nonCompliant = int(r.non_compliant);
      return {
        accountId: str(r.account_id),
        name: str(r.account_name),
        compliant,
        nonCompliant,
        excluded: int(r.excluded),
        score: score(compliant, nonCompliant),
        lastSnapshot: date(r.last_snapshot),
      };
    })
    .sort(worstFirst);
  const facts = ruleFactsByName(rows.catalogRules ?? []);
  const rules = rows.ruleSummary
    .map(
      (r): RuleLine => ({
        rule: str(r.rule),
        category: str(r.category),
        compliant: int(r.compliant),
        nonCompliant: int(r.non_compliant),
        excluded: int(r.excluded),
        accountsNonCompliant: int(r.accounts_non_compliant),
        ...ruleFacts(facts, str(r.rule)),
      }),
    )
    .sort(
      (a, b) =>
        b.accountsNonCompliant - a.accountsNonCompliant ||
        severityRank(a.severity) - severityRank(b.severity) ||
        b.nonCompliant - a.nonCompliant ||
        a.rule.localeCompare(b.rule),
    );
  const order = (c: string) => {
    const i = (CATEGORIES as readonly string[]).indexOf(c);
    return i < 0 ? CATEGORIES.length : i;
  };
  const categories = rows.categorySummary
    .map((r): CategoryLine => {
      const compliant = int(r.compliant);
      const nonCompliant = int(r.non_compliant);
      return {
        category: str(r.category),
        compliant,
        nonCompliant,
        excluded: int(r.excluded),
        score: score(compliant, nonCompliant),
      };
    })
    .sort((a, b) => order(a.category) - order(b.category) || a.category.localeCompare(b.category));
  const unmanagedRules = rows.coverage
    .filter((r) => r.kind === 'not-in-catalog')
    .map((r) => ({ rule: str(r.rule), evaluations: int(r.evaluations) }))
    .sort((a, b) => b.evaluations - a.evaluations || a.rule.localeCompare(b.rule));
  const stale = rows.freshness
    .filter(
      (r) => (r.stale === true || r.stale === 'true') && (r.state === undefined || r.state === 'ACTIVE'),
    )
    .map((r): StaleLine => {
      const lastSnapshot = date(r.last_snapshot);
      return {
        accountId: str(r.account_id),
        name: str(r.account_name),
        region: str(r.region),
        status: deliveryStatus(r.status, lastSnapshot),
        lastSnapshot,
      };
    })
    .sort(
      (a, b) =>
        (a.lastSnapshot ?? '').localeCompare(b.lastSnapshot ?? '') ||
        a.accountId.localeCompare(b.accountId) ||
        a.region.localeCompare(b.region),
    );
  const compliant = accounts.reduce((n, a) => n + a.compliant, 0);
  const nonCompliant = accounts.reduce((n, a) => n + a.nonCompliant, 0);
  const excluded = accounts.reduce((n, a) => n + a.excluded, 0);
  return {
    asOf,
    totals: { compliant, nonCompliant, excluded, score: score(compliant, nonCompliant) },
    accounts,
    rules,
    categories,
    unmanagedRules,
    stale,
    ous: ouLines(rows.ouSummary),
    resources: resourceList(rows.failingResources),
    changes: findingChanges(rows.findingChanges),
    scoreWeekAgo: extras.scoreWeekAgo,
    expiringExceptions: extras.expiringExceptions.map((e) => ({
      id: e.id,
      expires: e.expires,
      owner: e.owner ?? null,
      ticket: e.ticket ?? null,
      reason: e.reason,
    })),
    severities: severityLines(rows.severitySummary ?? []),
    frameworks: frameworkLines(rows.frameworkSummary ?? []),
  };
}

/** Exceptions expiring within `days` of `asOf` (not yet expired), soonest first. */
export function expiringExceptions(exceptions: ExceptionSpec[], asOf: string, days = 30): ExceptionSpec[] {
  return exceptions
    .filter((e) => {
      const left = daysBetween(asOf, e.expires);
      return left >= 0 && left < days;
    })
    .sort((a, b) => a.expires.localeCompare(b.expires) || a.id.localeCompare(b.id));
}

export function percent(v: number | null): string {
  return v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}

const md = markdownCell;

/** The "10 of 40 shown" line under a Markdown table cut to its top N, if it was cut. */
function mdShown(out: string[], shown: number, total: number): void {
  const note = shownOf(shown, total);
  if (note) out.push('', `_${note}_`);
}

function snapshotDeliveryMarkdown(d: SnapshotDelivery, ctx: ReportContext, top: number): string[] {
  if (d.neverDelivered.length === 0 && d.stopped.length === 0) return [ALL_DELIVERED];
  const out: string[] = [];
  const more = (shown: number, total: number) => {
    const note = shownOf(shown, total);
    if (note) out.push('', `_${note}_`);
  };
  if (d.neverDelivered.length) {
    out.push(`**${neverDeliveredTitle(d)}.** ${md(neverDeliveredExplanation(ctx))}`, '');
    out.push('| account | name | regions |', '|---|---|---|');
    const shown = d.neverDelivered.slice(0, top);
    for (const a of shown) out.push(`| \`${a.accountId}\` | ${md(a.name)} | ${a.regions.join(', ')} |`);
    more(shown.length, d.neverDelivered.length);
  }
  if (d.stopped.length) {
    if (out.length) out.push('');
    out.push(`**${stoppedTitle(d)}.** ${md(stoppedExplanation(ctx))}`, '');
    out.push('| account | name | region | last snapshot | days since |', '|---|---|---|---|---|');
    const shown = d.stopped.slice(0, top);
    for (const s of shown)
      out.push(`| \`${s.accountId}\` | ${md(s.name)} | ${s.region} | ${s.lastSnapshot} | ${s.daysSince} |`);
    more(shown.length, d.stopped.length);
  }
  return out;
}

export function renderReportMarkdown(r: ComplianceReport, ctx: ReportContext, top = 10): string {
  const out: string[] = [`## Compliance report, ${r.asOf}`, ''];
  const change =
    ctx.scoreWeekAgo !== null && r.totals.score !== null
      ? ` (${r.totals.score >= ctx.scoreWeekAgo ? '+' : ''}${((r.totals.score - ctx.scoreWeekAgo) * 100).toFixed(1)} points since a week ago)`
      : '';
  out.push(
    `**Score ${percent(r.totals.score)}**${change}: ${r.totals.compliant} compliant, ${r.totals.nonCompliant} non-compliant, ${r.totals.excluded} excluded evaluations in ${r.accounts.length} accounts. ${changesSentence(r.changes)}.`,
    '',
  );
  if (r.severities.length) out.push('### By severity', '', ...severityMarkdown(r.severities, percent), '');
  if (ctx.dashboardUrl) out.push(`Dashboard: ${ctx.dashboardUrl}`, '');
  out.push(
    '### Accounts to fix first',
    '',
    '| account | name | score | non-compliant | compliant | excluded | last snapshot |',
    '|---|---|---|---|---|---|---|',
  );
  for (const a of r.accounts.slice(0, top)) {
    out.push(
      `| \`${a.accountId}\` | ${md(a.name)} | ${percent(a.score)} | ${a.nonCompliant} | ${a.compliant} | ${a.excluded} | ${a.lastSnapshot ?? 'none'} |`,
    );
  }
  mdShown(out, Math.min(top, r.accounts.length), r.accounts.length);
  out.push(
    '',
    '### Rules followed least',
    '',
    '| rule | category | severity | accounts failing | non-compliant | compliant |',
    '|---|---|---|---|---|---|',
  );
  const failingRules = r.rules.filter((x) => x.nonCompliant > 0);
  for (const x of failingRules.slice(0, top)) {
    out.push(
      `| \`${x.rule}\` | ${x.category} | ${x.severity} | ${x.accountsNonCompliant} | ${x.nonCompliant} | ${x.compliant} |`,
    );
  }
  mdShown(out, Math.min(top, failingRules.length), failingRules.length);
  out.push('', '### Failing resources', '', ...resourcesMarkdown(r.resources, top));
  out.push('', '### Changes', '', ...changesMarkdown(r.changes, top));
  out.push(
    '',
    '### Categories',
    '',
    '| category | score | non-compliant | compliant | excluded |',
    '|---|---|---|---|---|',
  );
  for (const c of r.categories)
    out.push(`| ${c.category} | ${percent(c.score)} | ${c.nonCompliant} | ${c.compliant} | ${c.excluded} |`);
  out.push('', '### Frameworks', '', ...frameworksMarkdown(r.frameworks, top, percent));
  out.push('', '### By OU', '', ...ousMarkdown(r.ous, top, percent));
  out.push(
    '',
    '### Snapshot delivery',
    '',
    ...snapshotDeliveryMarkdown(snapshotDelivery(r.stale, r.asOf), ctx, top),
  );
  out.push('', '### Exceptions expiring soon', '');
  if (ctx.expiringExceptions.length === 0) out.push('None in the next 30 days.');
  else {
    out.push('| exception | expires | owner | reason |', '|---|---|---|---|');
    for (const e of ctx.expiringExceptions)
      out.push(`| \`${e.id}\` | ${e.expires} | ${md(e.owner ?? e.ticket ?? '')} | ${md(e.reason)} |`);
  }
  if (r.unmanagedRules.length) {
    out.push('', '### Rules outside the catalog', '', '| rule | evaluations |', '|---|---|');
    for (const u of r.unmanagedRules.slice(0, top)) out.push(`| \`${md(u.rule)}\` | ${u.evaluations} |`);
    mdShown(out, Math.min(top, r.unmanagedRules.length), r.unmanagedRules.length);
  }
  return `${out.join('\n')}\n`;
}

const esc = htmlText;

/** The "10 of 40 shown" line under an HTML table cut to its top N, if it was cut. */
function htmlShown(shown: number, total: number): string {
  const note = shownOf(shown, total);
  return note ? `\n<p><em>${esc(note)}</em></p>` : '';
}

function bar(v: number | null): string {
  if (v === null) return '<span class="na">n/a</span>';
  const pct = Math.round(v * 1000) / 10;
  const tone = v >= 0.9 ? 'good' : v >= 0.7 ? 'fair' : 'poor';
  return `<span class="bar"><span class="fill ${tone}" style="width:${pct}%"></span></span> ${pct.toFixed(1)}%`;
}

type HtmlTable = (head: string[], body: string[][]) => string;

function snapshotDeliveryHtml(
  d: SnapshotDelivery,
  ctx: ReportContext,
  top: number,
  table: HtmlTable,
): string {
  if (d.neverDelivered.length === 0 && d.stopped.length === 0) return `<p>${esc(ALL_DELIVERED)}</p>`;
  const out: string[] = [];
  const more = (shown: number, total: number) => {
    const note = shownOf(shown, total);
    if (note) out.push(`<p><em>${esc(note)}</em></p>`);
  };
  if (d.neverDelivered.length) {
    const shown = d.neverDelivered.slice(0, top);
    out.push(
      `<h3>${esc(neverDeliveredTitle(d))}</h3><p>${esc(neverDeliveredExplanation(ctx))}</p>`,
      table(
        ['account', 'name', 'regions'],
        shown.map((a) => [`<code>${esc(a.accountId)}</code>`, esc(a.name), esc(a.regions.join(', '))]),
      ),
    );
    more(shown.length, d.neverDelivered.length);
  }
  if (d.stopped.length) {
    const shown = d.stopped.slice(0, top);
    out.push(
      `<h3>${esc(stoppedTitle(d))}</h3><p>${esc(stoppedExplanation(ctx))}</p>`,
      table(
        ['account', 'name', 'region', 'last snapshot', 'days since'],
        shown.map((s) => [
          `<code>${esc(s.accountId)}</code>`,
          esc(s.name),
          esc(s.region),
          esc(s.lastSnapshot),
          String(s.daysSince),
        ]),
      ),
    );
    more(shown.length, d.stopped.length);
  }
  return out.join('\n');
}

/** A self-contained page (no scripts, no network): open it from disk. */
export function renderReportHtml(r: ComplianceReport, ctx: ReportContext, top = 25): string {
  const rows = (cells: string[][]) =>
    cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('\n');
  const table = (head: string[], body: string[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${rows(body)}\n</tbody></table>`;
  const failingRules = r.rules.filter((x) => x.nonCompliant > 0);
  const sections = [
    `<h2>Accounts to fix first</h2>${table(
      ['account', 'name', 'score', 'non-compliant', 'compliant', 'excluded', 'last snapshot'],
      r.accounts
        .slice(0, top)
        .map((a) => [
          `<code>${esc(a.accountId)}</code>`,
          esc(a.name),
          bar(a.score),
          String(a.nonCompliant),
          String(a.compliant),
          String(a.excluded),
          esc(a.lastSnapshot ?? 'none'),
        ]),
    )}${htmlShown(Math.min(top, r.accounts.length), r.accounts.length)}`,
    `<h2>Rules followed least</h2>${table(
      ['rule', 'category', 'severity', 'accounts failing', 'non-compliant', 'compliant'],
      failingRules
        .slice(0, top)
        .map((x) => [
          `<code>${esc(x.rule)}</code>`,
          esc(x.category),
          esc(x.severity),
          String(x.accountsNonCompliant),
          String(x.nonCompliant),
          String(x.compliant),
        ]),
    )}${htmlShown(Math.min(top, failingRules.length), failingRules.length)}`,
    `<h2>Failing resources</h2>${resourcesHtml(r.resources, top, table)}`,
    `<h2>Changes</h2>${changesHtml(r.changes, top, table)}`,
    `<h2>Categories</h2>${table(
      ['category', 'score', 'non-compliant', 'compliant', 'excluded'],
      r.categories.map((c) => [
        esc(c.category),
        bar(c.score),
        String(c.nonCompliant),
        String(c.compliant),
        String(c.excluded),
      ]),
    )}`,
    `<h2>Frameworks</h2>${frameworksHtml(r.frameworks, top, table, bar)}`,
    `<h2>By OU</h2>${ousHtml(r.ous, top, table, bar)}`,
    `<h2>Snapshot delivery</h2>${snapshotDeliveryHtml(snapshotDelivery(r.stale, r.asOf), ctx, top, table)}`,
    `<h2>Exceptions expiring soon</h2>${
      ctx.expiringExceptions.length
        ? table(
            ['exception', 'expires', 'owner', 'reason'],
            ctx.expiringExceptions.map((e) => [
              `<code>${esc(e.id)}</code>`,
              esc(e.expires),
              esc(e.owner ?? e.ticket ?? ''),
              esc(e.reason),
            ]),
          )
        : '<p>None in the next 30 days.</p>'
    }`,
  ];
  if (r.unmanagedRules.length) {
    sections.push(
      `<h2>Rules outside the catalog</h2>${table(
        ['rule', 'evaluations'],
        r.unmanagedRules.slice(0, top).map((u) => [`<code>${esc(u.rule)}</code>`, String(u.evaluations)]),
      )}${htmlShown(Math.min(top, r.unmanagedRules.length), r.unmanagedRules.length)}`,
    );
  }
  const change =
    ctx.scoreWeekAgo !== null && r.totals.score !== null
      ? ` (${r.totals.score >= ctx.scoreWeekAgo ? '+' : ''}${((r.totals.score - ctx.scoreWeekAgo) * 100).toFixed(1)} points since a week ago)`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compliance report ${esc(r.asOf)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{padding:.3rem .7rem;border-bottom:1px solid #d0d7de;text-align:left}
th{background:#f6f8fa}.bar{display:inline-block;width:8rem;height:.7rem;background:#eaeef2;vertical-align:middle}
.fill{display:block;height:100%}.good{background:#2da44e}.fair{background:#d4a72c}.poor{background:#cf222e}.na{color:#57606a}
</style></head><body>
<h1>Compliance report, ${esc(r.asOf)}</h1>
<p><strong>Score ${esc(percent(r.totals.score))}</strong>${esc(change)}: ${r.totals.compliant} compliant, ${r.totals.nonCompliant} non-compliant, ${r.totals.excluded} excluded evaluations in ${r.accounts.length} accounts. ${esc(changesSentence(r.changes))}.</p>
${r.severities.length ? `<h2>By severity</h2>${severityHtml(r.severities, table, bar)}` : ''}
${ctx.dashboardUrl ? `<p><a href="${esc(ctx.dashboardUrl)}">Dashboard</a></p>` : ''}
${sections.join('\n')}
</body></html>
`;
}
