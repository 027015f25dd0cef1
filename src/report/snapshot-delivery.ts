/**
 * The report's snapshot delivery section: the active accounts that never delivered a Config
 * snapshot, apart from the account/regions that stopped delivering, with the sentences that
 * explain each group. Shared by the Markdown, HTML and chat renderings. Pure.
 */
import { daysBetween } from '../model/dates.js';
import type { ReportContext, StaleLine } from './compliance.js';

/** An active account with no snapshot in the window, and the regions where none arrived. */
export interface NeverDeliveredAccount {
  accountId: string;
  name: string;
  regions: string[];
}

export interface StoppedLine extends StaleLine {
  lastSnapshot: string;
  /** Days from the last snapshot to the report's date. */
  daysSince: number;
}

export interface SnapshotDelivery {
  /** By account id. */
  neverDelivered: NeverDeliveredAccount[];
  /** How many account/regions the accounts above stand for. */
  neverDeliveredRegions: number;
  /** Oldest snapshot first. */
  stopped: StoppedLine[];
  /** How many accounts the stopped account/regions belong to. */
  stoppedAccounts: number;
}

export function snapshotDelivery(stale: readonly StaleLine[], asOf: string): SnapshotDelivery {
  const never = new Map<string, NeverDeliveredAccount>();
  let neverDeliveredRegions = 0;
  const stopped: StoppedLine[] = [];
  for (const s of stale) {
    if (s.status === 'never_delivered' || s.lastSnapshot === null) {
      const a = never.get(s.accountId) ?? { accountId: s.accountId, name: s.name, regions: [] };
      a.regions.push(s.region);
      never.set(s.accountId, a);
      neverDeliveredRegions++;
    } else {
      stopped.push({ ...s, lastSnapshot: s.lastSnapshot, daysSince: daysBetween(s.lastSnapshot, asOf) });
    }
  }
  const neverDelivered = [...never.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  for (const a of neverDelivered) a.regions.sort();
  stopped.sort(
    (a, b) =>
      a.lastSnapshot.localeCompare(b.lastSnapshot) ||
      a.accountId.localeCompare(b.accountId) ||
      a.region.localeCompare(b.region),
  );
  return {
    neverDelivered,
    neverDeliveredRegions,
    stopped,
    stoppedAccounts: new Set(stopped.map((s) => s.accountId)).size,
  };
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `Never delivered a snapshot: 2 accounts, 3 account/regions` */
export function neverDeliveredTitle(d: SnapshotDelivery): string {
  return `Never delivered a snapshot: ${count(d.neverDelivered.length, 'account')}, ${count(d.neverDeliveredRegions, 'account/region')}`;
}

export function neverDeliveredExplanation(ctx: Pick<ReportContext, 'freshness'>): string {
  return (
    `No Config snapshot file from them in the last ${count(ctx.freshness.trendDays, 'day')}. ` +
    'Most often their delivery channel sets no snapshot delivery frequency ' +
    '(configSnapshotDeliveryProperties.deliveryFrequency), so Config sends only configuration history; ' +
    'or Config does not record in that region, or delivers to another bucket or prefix. ' +
    'None of their evaluations is in the numbers above. docs/setup.md says how to check and set it.'
  );
}

/** `Stopped delivering snapshots: 1 account/region, 1 account` */
export function stoppedTitle(d: SnapshotDelivery): string {
  return `Stopped delivering snapshots: ${count(d.stopped.length, 'account/region')}, ${count(d.stoppedAccounts, 'account')}`;
}

export function stoppedExplanation(ctx: Pick<ReportContext, 'freshness'>): string {
  return (
    `They delivered snapshots, but the newest is more than ${count(ctx.freshness.staleAfterDays, 'day')} old: ` +
    'Config stopped recording there, or delivery to the bucket broke.'
  );
}

export const ALL_DELIVERED = 'Every active account delivered a recent snapshot in every region.';

/** `10 of 37 shown; report --format json lists them all.`, or nothing when all are shown. */
export function shownOf(shown: number, total: number): string | undefined {
  return shown < total ? `${shown} of ${total} shown; report --format json lists them all.` : undefined;
}
