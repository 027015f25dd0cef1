/**
 * What changes in a QuickSight resource, in words: its name, the body by member (analyses and
 * dashboards by sheet and visual), and who gains or loses which permissions. The kinds table
 * (model/kinds.ts) hands this to the plan as the QuickSight kinds' describe hook.
 */
import type { QuickSightKind, QuickSightProperties } from '../model/quicksight.js';
import { describeBodyChanges } from './body-changes.js';
import { permissionChanges } from './permissions.js';

export function describeQuickSightChange(
  kind: QuickSightKind,
  before: QuickSightProperties,
  after: QuickSightProperties,
): string[] {
  const lines: string[] = [];
  if (before.name !== after.name)
    lines.push(`name ${JSON.stringify(before.name)} → ${JSON.stringify(after.name)}`);
  lines.push(...describeBodyChanges(kind, before.body, after.body));
  const { grant, revoke } = permissionChanges(before.permissions, after.permissions);
  for (const g of grant) lines.push(`permissions: grant ${g.Principal} ${g.Actions.join(', ')}`);
  for (const r of revoke) lines.push(`permissions: revoke ${r.Principal} ${r.Actions.join(', ')}`);
  return lines;
}
