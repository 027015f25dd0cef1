import type { AccountSetChanges } from '../discover/compare.js';
import type { ApplyResult, Change, FieldDiff, Plan } from '../model/plan.js';
import { renderImpactText } from './plan-impact.js';

const SYMBOL: Record<Change['action'], string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

/** A list-valued field that differs, shown as the items added and removed. */
function listDelta(d: FieldDiff): string | undefined {
  const splitList = (v: unknown) =>
    Array.isArray(v) ? v.map(String) : typeof v === 'string' && v.includes(',') ? v.split(',') : undefined;
  const before = splitList(d.before);
  const after = splitList(d.after);
  if (!before || !after) return undefined;
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  if (added.length + removed.length === 0) return undefined;
  const parts = [];
  if (added.length)
    parts.push(`+${added.length} (${added.slice(0, 5).join(', ')}${added.length > 5 ? ', …' : ''})`);
  if (removed.length)
    parts.push(`-${removed.length} (${removed.slice(0, 5).join(', ')}${removed.length > 5 ? ', …' : ''})`);
  return parts.join(' ');
}

export function describeDiff(d: FieldDiff): string {
  return listDelta(d) ?? `${show(d.before)} → ${show(d.after)}`;
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  if (!plan.hasChanges) return `No changes. ${s.noop} resource(s) up to date.`;
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.noop} unchanged.`;
}

/**
 * Plain text for a terminal: deletions first, a line per changed field. The same change to the
 * same resource in several regions is one line listing the regions.
 */
export function renderPlanText(plan: Plan, options: { verbose?: boolean } = {}): string {
  const groups = new Map<string, { change: Change; regions: string[] }>();
  for (const c of plan.changes) {
    if (c.action === 'no-op' && !options.verbose) continue;
    const id = `${c.action}\u0000${c.kind}\u0000${c.name}\u0000${JSON.stringify(c.diffs.map((d) => [d.path, d.before, d.after]))}`;
    const group = groups.get(id);
    if (group) group.regions.push(c.region);
    else groups.set(id, { change: c, regions: [c.region] });
  }
  const lines: string[] = [];
  for (const { change: c, regions } of groups.values()) {
    lines.push(
      `${SYMBOL[c.action]} ${c.kind} ${c.name} (${regions.join(', ')})${c.action === 'no-op' ? '' : `: ${c.action}`}`,
    );
    if (c.action === 'update' && c.description) {
      for (const line of c.description) lines.push(`    ~ ${line}`);
    } else if (c.action === 'update') {
      for (const d of c.diffs) lines.push(`    ~ ${d.path}: ${describeDiff(d)}`);
    }
  }
  if (plan.impact) lines.push(...renderImpactText(plan.impact));
  for (const n of plan.conflicts) lines.push(`! ${n.message}`);
  for (const n of plan.notices) lines.push(`${n.level === 'info' ? 'i' : '!'} ${n.message}`);
  lines.push(summaryLine(plan));
  return lines.join('\n');
}

/** Failures and skips one per line; what was done, counted by kind and action unless verbose. */
export function renderApplyText(result: ApplyResult, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const done = new Map<string, number>();
  for (const r of result.results) {
    if (r.outcome === 'done' && !options.verbose) {
      const k = `${r.change.kind} ${r.change.action}d`;
      done.set(k, (done.get(k) ?? 0) + 1);
      continue;
    }
    const mark = r.outcome === 'done' ? 'done   ' : r.outcome === 'failed' ? 'FAILED ' : 'skipped';
    lines.push(
      `${mark} ${r.change.action} ${r.change.kind} ${r.change.name} (${r.change.region})${r.error ? `: ${r.error}` : ''}`,
    );
  }
  for (const [what, n] of done) lines.push(`done    ${what}: ${n}`);
  const count = (o: string) => result.results.filter((r) => r.outcome === o).length;
  lines.push(
    `Apply ${result.ok ? 'complete' : 'INCOMPLETE'}: ${count('done')} done, ${count('failed')} failed, ${count('skipped')} skipped, ${result.writes} write call(s).`,
  );
  return lines.join('\n');
}

export function renderAccountChangesText(c: AccountSetChanges): string {
  const lines: string[] = [];
  if (c.organizationMismatch) {
    lines.push(
      `! Organization is ${c.organizationMismatch.actual}, config/org.yaml says ${c.organizationMismatch.expected}`,
    );
  }
  for (const a of c.added) lines.push(`+ ${a.id} ${a.name} (${a.ouPath}, ${a.state}) joined ${a.joined}`);
  for (const a of c.closed) lines.push(`- ${a.id} ${a.name}: ${a.from} → ${a.to}`);
  for (const a of c.reactivated) lines.push(`+ ${a.id} ${a.name}: ${a.from} → ${a.to}`);
  for (const a of c.left) lines.push(`- ${a.id} ${a.name}: no longer in the Organization`);
  for (const a of c.renamed) lines.push(`~ ${a.id} renamed ${a.from} → ${a.to}`);
  for (const a of c.moved) lines.push(`~ ${a.id} ${a.name} moved ${a.from} → ${a.to}`);
  lines.push(
    c.changed
      ? `Accounts: ${c.added.length} added, ${c.closed.length + c.left.length} closed or gone, ${c.reactivated.length} reactivated, ${c.renamed.length} renamed, ${c.moved.length} moved.`
      : 'Accounts: config/accounts.yaml matches the Organization.',
  );
  return lines.join('\n');
}
