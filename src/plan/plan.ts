import type { Change, Notice, Plan, PlanSummary } from '../model/plan.js';
import type { QuickSightProperties } from '../model/quicksight.js';
import {
  type CurrentResource,
  type DesiredResource,
  isQuickSightKind,
  KIND_ORDER,
} from '../model/resources.js';
import { describeBodyChanges } from '../quicksight/diff.js';
import { permissionChanges } from '../quicksight/permissions.js';
import { diffProperties } from './diff.js';

function nameOf(r: DesiredResource | CurrentResource): string {
  switch (r.kind) {
    case 'config-rule':
      return r.properties.name;
    case 'glue-table':
    case 'athena-view':
      return `${r.properties.database}.${r.properties.name}`;
    case 'quicksight-refresh-schedule':
      // Schedule ids are only unique within their data set.
      return r.key.split('/').slice(2).join('/');
    default:
      return r.properties.id;
  }
}

/**
 * What changes in a QuickSight resource, in words: its name, the body by member (analyses and
 * dashboards by sheet and visual), and who gains or loses which permissions.
 */
export function describeQuickSightChange(
  kind: DesiredResource['kind'],
  before: QuickSightProperties,
  after: QuickSightProperties,
): string[] {
  if (!isQuickSightKind(kind)) return [];
  const lines: string[] = [];
  if (before.name !== after.name)
    lines.push(`name ${JSON.stringify(before.name)} → ${JSON.stringify(after.name)}`);
  lines.push(...describeBodyChanges(kind, before.body, after.body));
  const { grant, revoke } = permissionChanges(before.permissions, after.permissions);
  for (const g of grant) lines.push(`permissions: grant ${g.Principal} ${g.Actions.join(', ')}`);
  for (const r of revoke) lines.push(`permissions: revoke ${r.Principal} ${r.Actions.join(', ')}`);
  return lines;
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
    if (diffs.length && isQuickSightKind(d.kind)) {
      change.description = describeQuickSightChange(
        d.kind,
        c.properties as QuickSightProperties,
        d.properties as QuickSightProperties,
      );
    }
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
