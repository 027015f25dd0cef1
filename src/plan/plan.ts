import type { Change, Notice, Plan, PlanSummary } from '../model/plan.js';
import { type CurrentResource, type DesiredResource, KIND_ORDER } from '../model/resources.js';
import { diffProperties } from './diff.js';

function nameOf(r: DesiredResource | CurrentResource): string {
  return r.kind === 'config-rule' ? r.properties.name : `${r.properties.database}.${r.properties.name}`;
}

const ACTION_RANK: Record<Change['action'], number> = { delete: 0, create: 1, update: 1, 'no-op': 2 };

function compareChanges(a: Change, b: Change): number {
  const rank = ACTION_RANK[a.action] - ACTION_RANK[b.action];
  if (rank) return rank;
  // Deletes undo dependencies in reverse; everything else follows them.
  const deleting = a.action === 'delete';
  const kind = deleting ? KIND_ORDER[b.kind] - KIND_ORDER[a.kind] : KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
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
    const base = {
      kind: d.kind,
      key: d.key,
      region: d.region,
      name: nameOf(d),
      ...(d.rank !== undefined ? { rank: d.rank } : {}),
    };
    if (!c) {
      changes.push({
        ...base,
        action: 'create',
        after: d.properties,
        diffs: diffProperties({}, d.properties),
      });
      continue;
    }
    const diffs = diffProperties(c.properties, d.properties);
    const change: Change = {
      ...base,
      action: diffs.length ? 'update' : 'no-op',
      before: c.properties,
      after: d.properties,
      diffs,
    };
    if (c.status) change.status = c.status;
    if (!c.owned && diffs.length) {
      conflicts.push({
        level: 'error',
        subject: d.key,
        message: `${d.kind} ${nameOf(d)} in ${d.region} exists but is not managed by org-compliance; it will not be changed. Adopt it by adding the ownership marker, or rename it in the repository.`,
      });
    }
    changes.push(change);
  }

  for (const c of current) {
    if (desiredKeys.has(c.key) || !c.owned) continue;
    const change: Change = {
      kind: c.kind,
      key: c.key,
      region: c.region,
      name: nameOf(c),
      action: 'delete',
      before: c.properties,
      diffs: diffProperties(c.properties, {}),
    };
    if (c.status) change.status = c.status;
    changes.push(change);
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
