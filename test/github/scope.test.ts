import { describe, expect, it } from 'vitest';
import { parseScope, planInScope } from '../../src/github/scope.js';
import type { Change, Plan } from '../../src/model/plan.js';

function change(kind: Change['kind'], key: string, action: Change['action']): Change {
  return { kind, key, action, region: 'eu-west-1', name: key, diffs: [] };
}

const PLAN: Plan = {
  changes: [
    change('glue-table', 'glue:t', 'update'),
    change('athena-view', 'view:v', 'no-op'),
    change('config-rule', 'rule:a', 'create'),
    change('config-rule', 'rule:b', 'no-op'),
  ],
  notices: [{ level: 'warning', subject: 'glue:t', message: 'the table is wide' }],
  conflicts: [{ level: 'error', subject: 'rule:a', message: 'not owned' }],
  summary: { create: 1, update: 1, delete: 0, noop: 2 },
  hasChanges: true,
};

describe('scope of a manual run', () => {
  it('keeps the changes, notices and conflicts of the kinds in scope, and recounts', () => {
    expect(planInScope(PLAN, 'config-rules')).toEqual({
      changes: [PLAN.changes[2], PLAN.changes[3]],
      notices: [],
      conflicts: PLAN.conflicts,
      summary: { create: 1, update: 0, delete: 0, noop: 1 },
      hasChanges: true,
    });
    expect(planInScope(PLAN, 'views')).toMatchObject({ hasChanges: false, summary: { noop: 1 } });
    expect(planInScope(PLAN, 'glue').notices).toEqual(PLAN.notices);
    expect(planInScope(PLAN, 'quicksight')).toMatchObject({ changes: [], hasChanges: false });
    expect(planInScope(PLAN, 'all')).toBe(PLAN);
  });

  it('an unknown scope is refused by name', () => {
    expect(parseScope('')).toBe('all');
    expect(() => parseScope('rules')).toThrow(
      "Input 'scope' must be one of all, config-rules, glue, views, quicksight, got 'rules'",
    );
  });
});
