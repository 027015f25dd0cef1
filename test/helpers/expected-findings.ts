/**
 * Failing resources and new/resolved findings as the generated snapshot files say they must be,
 * computed in plain TypeScript from the files (no SQL), with the definitions the views document:
 * failing_resources' first_seen (the current run of failures over the delivered days of the trend
 * window) and finding_changes' reference snapshots (the newest one 1..1+windowDays, resp.
 * 7..7+windowDays days older than the newest).
 */
import type { Repository } from '../../src/model/config.js';
import { type Evaluation, evaluationsOf, isExcluded, type SnapshotFile } from './expected.js';

const DAY_MS = 86_400_000;

function dayOffset(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** One account and region: its delivered days (those whose newest file has evaluations), oldest first. */
interface Place {
  account: string;
  region: string;
  days: string[];
  byDay: Map<string, Evaluation[]>;
}

function places(daily: SnapshotFile[], repo: Repository, from: string): Place[] {
  const out = new Map<string, Place>();
  for (const f of daily) {
    if (f.day < from) continue;
    const evaluations = evaluationsOf(f, repo);
    if (evaluations.length === 0) continue;
    const k = `${f.account}|${f.region}`;
    const p = out.get(k) ?? { account: f.account, region: f.region, days: [], byDay: new Map() };
    p.byDay.set(f.day, evaluations);
    out.set(k, p);
  }
  for (const p of out.values()) p.days = [...p.byDay.keys()].sort();
  return [...out.values()];
}

const key = (e: Evaluation) => JSON.stringify([e.rule, e.resourceType, e.resourceId]);

export interface ExpectedResource {
  accountId: string;
  region: string;
  rule: string;
  resourceType: string;
  resourceId: string;
  firstSeen: string;
  daysFailing: number;
  excluded: boolean;
}

/** Every NON_COMPLIANT catalog evaluation on the newest snapshots, with its current run's first day. */
export function expectedFailingResources(
  daily: SnapshotFile[],
  repo: Repository,
  today: string,
): ExpectedResource[] {
  const { trendDays, windowDays } = repo.org.compliance;
  const out: ExpectedResource[] = [];
  for (const p of places(daily, repo, dayOffset(today, -trendDays))) {
    const newest = p.days.at(-1) as string;
    if (newest < dayOffset(today, -windowDays)) continue;
    const failingOn = (day: string) =>
      new Set(
        (p.byDay.get(day) ?? []).filter((e) => e.inCatalog && e.compliance === 'NON_COMPLIANT').map(key),
      );
    const failing = p.days.map(failingOn);
    for (const e of p.byDay.get(newest) ?? []) {
      if (!e.inCatalog || e.compliance !== 'NON_COMPLIANT') continue;
      let first = p.days.length - 1;
      while (first > 0 && failing[first - 1]?.has(key(e))) first--;
      const firstSeen = p.days[first] as string;
      out.push({
        accountId: p.account,
        region: p.region,
        rule: e.rule,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        firstSeen,
        daysFailing: daysFrom(firstSeen, today),
        excluded: isExcluded(e, today),
      });
    }
  }
  return out;
}

export interface ExpectedChange {
  accountId: string;
  region: string;
  rule: string;
  resourceType: string;
  resourceId: string;
  since: 'yesterday' | 'week';
  change: 'new' | 'resolved';
}

/** New and resolved findings of each account and region against its reference snapshots. */
export function expectedFindingChanges(
  daily: SnapshotFile[],
  repo: Repository,
  today: string,
): ExpectedChange[] {
  const { trendDays, windowDays } = repo.org.compliance;
  // daily_evaluations reads the trend window; finding_changes the days that can matter in it.
  const from = [dayOffset(today, -trendDays), dayOffset(today, -(2 * windowDays + 7))]
    .sort()
    .at(-1) as string;
  const out: ExpectedChange[] = [];
  for (const p of places(daily, repo, from)) {
    const newest = p.days.at(-1) as string;
    if (newest < dayOffset(today, -windowDays)) continue;
    // Findings: NON_COMPLIANT and not excluded, judged as of `asOf`.
    const findings = (day: string, asOf: string) =>
      new Set(
        (p.byDay.get(day) ?? [])
          .filter((e) => e.inCatalog && e.compliance === 'NON_COMPLIANT' && !isExcluded(e, asOf))
          .map(key),
      );
    const now = findings(newest, today);
    for (const [since, back] of [
      ['yesterday', 1],
      ['week', 7],
    ] as const) {
      const reference = p.days
        .filter((d) => {
          const age = daysFrom(d, newest);
          return age >= back && age <= back + windowDays;
        })
        .at(-1);
      if (reference === undefined) continue;
      const then = findings(reference, reference);
      const push = (k: string, change: 'new' | 'resolved') => {
        const [rule, resourceType, resourceId] = JSON.parse(k) as [string, string, string];
        out.push({ accountId: p.account, region: p.region, rule, resourceType, resourceId, since, change });
      };
      for (const k of now) if (!then.has(k)) push(k, 'new');
      for (const k of then) if (!now.has(k)) push(k, 'resolved');
    }
  }
  return out;
}
