/**
 * The `scope` of a manual run: which kinds of resource a plan (or an apply) covers. Each kind's
 * scope group is in the kinds table (model/kinds.ts); `quicksight` covers every QuickSight kind.
 */
import { kindInScope, SCOPE_GROUPS } from '../model/kinds.js';
import type { Plan } from '../model/plan.js';
import { present } from '../model/values.js';

export { kindInScope };

export const SCOPES = ['all', ...SCOPE_GROUPS] as const;
export type Scope = (typeof SCOPES)[number];

export function parseScope(raw: string): Scope {
  const value = raw.trim() || 'all';
  if (!(SCOPES as readonly string[]).includes(value)) {
    throw new Error(`Input 'scope' must be one of ${SCOPES.join(', ')}, got '${raw}'`);
  }
  return value as Scope;
}

/** The part of a plan in scope: its changes, and the notices and conflicts about them. */
export function planInScope(plan: Plan, scope: Scope): Plan {
  if (scope === 'all') return plan;
  const changes = plan.changes.filter((c) => kindInScope(c.kind, scope));
  const outOfScope = new Set(plan.changes.filter((c) => !kindInScope(c.kind, scope)).map((c) => c.key));
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  return {
    changes,
    notices: plan.notices.filter((n) => !outOfScope.has(n.subject)),
    conflicts: plan.conflicts.filter((n) => !outOfScope.has(n.subject)),
    summary: {
      create: count('create'),
      update: count('update'),
      delete: count('delete'),
      noop: count('no-op'),
    },
    hasChanges: changes.some((c) => c.action !== 'no-op'),
    ...present({ impact: plan.impact }),
  };
}
