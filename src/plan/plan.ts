import { describeUpdate, KINDS, nameOf } from '../model/kinds.js';
import type { Change, ChangeOf, Notice, Plan, PlanSummary } from '../model/plan.js';
import type { CurrentResource, DesiredResource, ResourceKind } from '../model/resources.js';
import { present } from '../model/values.js';
import { diffProperties } from './field-diff.js';

/** The change that makes `current` (absent: nothing yet) what `desired` describes. */
function changeTo<K extends ResourceKind>(
  desired: DesiredResource<K>,
  current: CurrentResource<K> | undefined,
): Change<K> {
  const base = {
    kind: desired.kind,
    key: desired.key,
    region: desired.region,
    name: nameOf(desired),
    ...present({ rank: desired.rank }),
  };
  if (!current) {
    const create: ChangeOf<K> = {
      ...base,
      action: 'create',
      after: desired.properties,
      diffs: diffProperties({}, desired.properties),
    };
    return create;
  }
  const diffs = diffProperties(current.properties, desired.properties);
  const description = diffs.length
    ? describeUpdate(desired.kind, current.properties, desired.properties)
    : undefined;
  const change: ChangeOf<K> = {
    ...base,
    action: diffs.length ? 'update' : 'no-op',
    before: current.properties,
    after: desired.properties,
    diffs,
    ...present({ description, status: current.status }),
  };
  return change;
}

/** The change that removes an owned resource the repository no longer describes. */
function deletion<K extends ResourceKind>(current: CurrentResource<K>): Change<K> {
  const change: ChangeOf<K> = {
    kind: current.kind,
    key: current.key,
    region: current.region,
    name: nameOf(current),
    action: 'delete',
    before: current.properties,
    diffs: diffProperties(current.properties, {}),
    ...present({ status: current.status }),
  };
  return change;
}

const ACTION_RANK: Record<Change['action'], number> = { delete: 0, create: 1, update: 1, 'no-op': 2 };

function compareChanges(a: Change, b: Change): number {
  const rank = ACTION_RANK[a.action] - ACTION_RANK[b.action];
  if (rank) return rank;
  // Deletes undo dependencies in reverse; everything else follows them.
  const deleting = a.action === 'delete';
  const order = (c: Change) => KINDS[c.kind].order;
  const kind = deleting ? order(b) - order(a) : order(a) - order(b);
  if (kind) return kind;
  // Within a kind, resources that depend on each other go in rank order (reversed for deletes).
  const ra = a.rank ?? -1;
  const rb = b.rank ?? -1;
  const byRank = deleting ? rb - ra : ra - rb;
  return byRank || a.key.localeCompare(b.key);
}

/**
 * Pure: what must change so that `current` becomes `desired`. Never mutates its inputs.
 * Only owned resources are updated or deleted; a desired resource that exists unowned is a conflict.
 */
export function plan(desired: readonly DesiredResource[], current: readonly CurrentResource[]): Plan {
  const byKey = new Map(current.map((c) => [c.key, c]));
  const desiredKeys = new Set<string>();
  const changes: Change[] = [];
  const notices: Notice[] = [];
  const conflicts: Notice[] = [];

  for (const d of desired) {
    if (desiredKeys.has(d.key)) throw new Error(`Bug: desired resource ${d.key} appears twice`);
    desiredKeys.add(d.key);
    const c = byKey.get(d.key);
    if (c && c.kind !== d.kind)
      throw new Error(`Bug: ${d.key} is a ${d.kind} desired but a ${c.kind} current`);
    const change = changeTo(d, c);
    if (c && !c.owned && change.diffs.length) {
      conflicts.push({
        level: 'error',
        subject: d.key,
        message: `${d.kind} ${change.name} in ${d.region} exists but is not managed by org-compliance; it will not be changed. Adopt it by adding the ownership marker, or rename it in the repository.`,
      });
    }
    changes.push(change);
  }

  const unmanaged = new Map<ResourceKind, string[]>();
  for (const c of current) {
    if (desiredKeys.has(c.key)) continue;
    if (c.owned) changes.push(deletion(c));
    else if (KINDS[c.kind].listsUnmanaged)
      unmanaged.set(c.kind, [...(unmanaged.get(c.kind) ?? []), nameOf(c)]);
  }
  for (const [kind, names] of unmanaged) {
    const label = KINDS[kind].label;
    notices.push({
      level: 'info',
      subject: kind,
      message: `${names.length} ${label}${names.length === 1 ? '' : 's'} not managed by org-compliance (no ownership mark), left alone: ${names.sort().join(', ')}`,
    });
  }

  for (const ch of changes) {
    const st = ch.status;
    if (!st) continue;
    if (st.state.endsWith('_FAILED')) {
      const detail = st.details.length ? `:\n  ${st.details.join('\n  ')}` : '';
      notices.push({
        level: 'warning',
        subject: ch.key,
        message: `${ch.name} in ${ch.region}: ${st.state}${st.message ? ` (${st.message})` : ''}${detail}`,
      });
    } else if (st.state.endsWith('_IN_PROGRESS')) {
      notices.push({
        level: 'info',
        subject: ch.key,
        message: `${ch.name} in ${ch.region}: ${st.state}; apply will wait for it`,
      });
    }
  }

  changes.sort(compareChanges);
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const ch of changes) {
    if (ch.action === 'no-op') summary.noop++;
    else summary[ch.action]++;
  }
  return {
    changes,
    notices,
    conflicts,
    summary,
    hasChanges: summary.create + summary.update + summary.delete > 0,
  };
}
