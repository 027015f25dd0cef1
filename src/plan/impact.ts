/**
 * A plan's impact on today's data, from the rows of the one impact query (impact-sql.ts), and the
 * reach of rules that have no data yet (new rules, accounts a rule evaluates again), from the
 * repository and the managed-rule facts. Pure.
 */
import { builtInManagedRules } from '../load/managed-rules.js';
import type { Repository, RuleSpec } from '../model/config.js';
import type {
  ImpactChanges,
  ImpactSide,
  ImpactSubject,
  PlanImpact,
  RuleReach,
  ScoreChange,
  ScoreTally,
} from '../model/impact.js';
import type { Notice } from '../model/plan.js';
import { deployRegions } from '../model/rule-regions.js';
import { subjectKey } from './impact-sql.js';

type Row = Record<string, unknown>;

function num(v: unknown): number {
  if (v === null || v === undefined || v === '') return 0;
  return Number(v);
}

function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

function tally(): ScoreTally {
  return { compliant: 0, nonCompliant: 0, excluded: 0, score: null };
}

function withScore(t: ScoreTally): ScoreTally {
  const total = t.compliant + t.nonCompliant;
  return { ...t, score: total === 0 ? null : t.compliant / total };
}

function add(t: ScoreTally, state: string, compliance: string, n: number): void {
  if (state === 'excluded') t.excluded += n;
  else if (state === 'counted' && compliance === 'COMPLIANT') t.compliant += n;
  else if (state === 'counted' && compliance === 'NON_COMPLIANT') t.nonCompliant += n;
}

/** Organization (accounts in the projection, as account_summary counts them) and per category. */
function scores(rows: Row[]): NonNullable<PlanImpact['scores']> {
  const organization = { before: tally(), after: tally() };
  const byCategory = new Map<string, { before: ScoreTally; after: ScoreTally }>();
  for (const r of rows) {
    const category = text(r.category) ?? '(none)';
    const c = byCategory.get(category) ?? { before: tally(), after: tally() };
    byCategory.set(category, c);
    const compliance = String(r.compliance_type);
    const n = num(r.evaluations);
    const targets = bool(r.in_projection) ? [c, organization] : [c];
    for (const t of targets) {
      add(t.before, String(r.before_state), compliance, n);
      add(t.after, String(r.after_state), compliance, n);
    }
  }
  const done = (s: { before: ScoreTally; after: ScoreTally }): ScoreChange => ({
    before: withScore(s.before),
    after: withScore(s.after),
  });
  return {
    organization: done(organization),
    categories: [...byCategory]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([category, s]) => ({ category, ...done(s) })),
  };
}

function emptySide(): ImpactSide {
  return {
    evaluations: 0,
    compliant: 0,
    nonCompliant: 0,
    accounts: 0,
    moved: 0,
    movedNonCompliant: 0,
    pairs: 0,
    top: [],
  };
}

/** Each subject's two sides, keyed `<side>\0<subject>`. */
function sides(rows: Row[], repo: Repository): Map<string, ImpactSide> {
  const names = new Map(repo.accounts.map((a) => [a.id, a.name]));
  const out = new Map<string, ImpactSide>();
  const side = (r: Row) => {
    const key = `${String(r.part)}\0${String(r.subject)}`;
    const s = out.get(key) ?? emptySide();
    out.set(key, s);
    return s;
  };
  for (const r of rows) {
    if (r.part !== 'after' && r.part !== 'before') continue;
    const s = Object.assign(side(r), {
      evaluations: num(r.subject_evaluations),
      compliant: num(r.subject_compliant),
      nonCompliant: num(r.subject_non_compliant),
      accounts: num(r.accounts),
      moved: num(r.subject_moved),
      movedNonCompliant: num(r.subject_moved_non_compliant),
      pairs: num(r.pairs),
    });
    const accountId = String(r.account_id);
    s.top.push({
      accountId,
      accountName: names.get(accountId) ?? null,
      rule: String(r.rule),
      evaluations: num(r.evaluations),
      compliant: num(r.compliant),
      nonCompliant: num(r.non_compliant),
      moved: num(r.moved),
    });
  }
  for (const s of out.values()) {
    s.top.sort(
      (a, b) =>
        b.nonCompliant - a.nonCompliant ||
        b.moved - a.moved ||
        b.evaluations - a.evaluations ||
        (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0) ||
        (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );
  }
  return out;
}

function subjects(changes: ImpactChanges, bySide: Map<string, ImpactSide>): ImpactSubject[] {
  const of = (kind: ImpactSubject['kind'], name: string, change: ImpactSubject['change'], key: string) => ({
    kind,
    name,
    change,
    before: bySide.get(`before\0${key}`) ?? emptySide(),
    after: bySide.get(`after\0${key}`) ?? emptySide(),
  });
  const out: ImpactSubject[] = changes.exceptions.map((e) =>
    of('exception', e.id, e.change, subjectKey('exception', e.id)),
  );
  if (changes.tag !== undefined) {
    const name = changes.tag ? `${changes.tag.key}=${changes.tag.value}` : '(none)';
    out.push(of('tag', name, 'changed', subjectKey('tag')));
  }
  for (const r of changes.removedRules) out.push(of('rule-removed', r, 'removed', subjectKey('rule', r)));
  for (const e of changes.excludedAccounts) {
    if (e.added.length) out.push(of('excluded-accounts', e.rule, 'changed', subjectKey('excluded', e.rule)));
  }
  return out;
}

/** Where a rule will evaluate: the regions it is deployed to, these accounts, its resource types. */
function reach(rule: RuleSpec, accounts: string[], repo: Repository): RuleReach {
  const facts = builtInManagedRules().get(rule.identifier);
  return {
    rule: rule.name,
    identifier: rule.identifier,
    accounts,
    regions: deployRegions(rule.regions, repo.org),
    resourceTypes: rule.resourceTypesScope.length
      ? [...rule.resourceTypesScope]
      : [...(facts?.resourceTypes ?? [])],
  };
}

/** New rules and accounts a rule returns to: no data needed, the repository says where they run. */
export function ruleReaches(
  changes: ImpactChanges,
  repo: Repository,
): { newRules: RuleReach[]; returning: RuleReach[] } {
  const active = repo.accounts.filter((a) => a.state === 'ACTIVE').map((a) => a.id);
  const rules = new Map(repo.rules.map((r) => [r.name, r]));
  const newRules: RuleReach[] = [];
  for (const name of changes.newRules) {
    const rule = rules.get(name);
    if (!rule) continue;
    const excluded = new Set(rule.excludedAccounts);
    newRules.push(
      reach(
        rule,
        active.filter((a) => !excluded.has(a)),
        repo,
      ),
    );
  }
  const returning: RuleReach[] = [];
  for (const e of changes.excludedAccounts) {
    const rule = rules.get(e.rule);
    if (rule && e.removed.length) returning.push(reach(rule, e.removed, repo));
  }
  return { newRules, returning };
}

/** The impact, from the query's rows. */
export function interpretImpact(rows: Row[], changes: ImpactChanges, repo: Repository): PlanImpact {
  return {
    status: 'computed',
    changes,
    scores: scores(rows.filter((r) => r.part === 'score')),
    subjects: subjects(changes, sides(rows, repo)),
    ...ruleReaches(changes, repo),
  };
}

/** The impact without the query: new rules and returning accounts only, and why. */
export function skippedImpact(changes: ImpactChanges, repo: Repository, reason: string): PlanImpact {
  return { status: 'skipped', reason, changes, subjects: [], ...ruleReaches(changes, repo) };
}

/** New or changed exceptions that cover no evaluation of the newest snapshots. */
export function unmatchedExceptions(rows: Row[], changes: ImpactChanges): string[] {
  const matched = new Set(
    rows.filter((r) => r.part === 'match' && num(r.evaluations) > 0).map((r) => text(r.subject)),
  );
  return changes.exceptions.filter((e) => e.change !== 'removed' && !matched.has(e.id)).map((e) => e.id);
}

/** A warning per exception that matches nothing today. */
export function unmatchedNotices(ids: string[]): Notice[] {
  return ids.map((id) => ({
    level: 'warning',
    subject: `exception:${id}`,
    message: `exception '${id}' matches no evaluation on the newest snapshots: it excludes nothing today (check its rules, accounts, resourceType, resourceId and tags, or whether an exception before it by id already covers what it names)`,
  }));
}
