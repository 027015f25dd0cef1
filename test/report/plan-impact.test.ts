/**
 * The impact in a pull request's comment: sentences for every change, tables for the first ten,
 * after the problems (a comment cut at GitHub's size limit keeps the warnings).
 */
import { describe, expect, it } from 'vitest';
import type { ImpactSide, ImpactSubject, PlanImpact } from '../../src/model/impact.js';
import type { Plan } from '../../src/model/plan.js';
import { renderImpactMarkdown } from '../../src/report/plan-impact.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';

const side = (nonCompliant: number): ImpactSide => ({
  evaluations: nonCompliant + 1,
  compliant: 1,
  nonCompliant,
  accounts: 1,
  moved: nonCompliant + 1,
  movedNonCompliant: nonCompliant,
  pairs: 1,
  top: [
    {
      accountId: '123456789012',
      accountName: 'prod-web',
      rule: 'backup-db-instance-backup-enabled',
      evaluations: nonCompliant + 1,
      compliant: 1,
      nonCompliant,
      moved: nonCompliant + 1,
    },
  ],
});

const empty: ImpactSide = {
  ...side(0),
  evaluations: 0,
  compliant: 0,
  accounts: 0,
  moved: 0,
  pairs: 0,
  top: [],
};

function impact(n: number): PlanImpact {
  const subjects: ImpactSubject[] = Array.from({ length: n }, (_, i) => ({
    kind: 'exception',
    name: `exception-${String(i).padStart(2, '0')}`,
    change: 'new',
    before: empty,
    after: side(i + 1),
  }));
  return {
    status: 'computed',
    changes: { exceptions: [], removedRules: [], newRules: [], excludedAccounts: [] },
    scores: {
      organization: {
        before: { compliant: 717, nonCompliant: 283, excluded: 0, score: 0.717 },
        after: { compliant: 717, nonCompliant: 253, excluded: 30, score: 717 / 970 },
      },
      categories: [],
    },
    subjects,
    newRules: [],
    returning: [],
  };
}

describe('the impact in Markdown', () => {
  it('a sentence for every change, a table for the first ten', () => {
    const md = renderImpactMarkdown(impact(12)).join('\n');
    expect(md).toContain('**organization 71.7% → 73.9% (non-compliant 283 → 253, excluded 0 → 30)**');
    expect(md.match(/^- exception `exception-\d\d` \(new\) covers/gm)).toHaveLength(12);
    expect(md).toContain('_Per account and rule for the first 10 of 12 changes:_');
    expect(md.match(/<details>/g)).toHaveLength(10);
    expect(md).toContain('| `123456789012` | prod-web | `backup-db-instance-backup-enabled` | 10 | 1 | 11 |');
    expect(md).not.toContain('exception-10</code>');
  });

  it('comes after the problems in the plan comment; a skipped impact says why', () => {
    const { scores: _none, ...unmeasured } = impact(1);
    const plan: Plan = {
      changes: [],
      notices: [{ level: 'warning', subject: 'exception:x', message: "exception 'x' matches no evaluation" }],
      conflicts: [],
      summary: { create: 0, update: 1, delete: 0, noop: 0 },
      hasChanges: true,
      impact: { ...unmeasured, status: 'skipped', reason: 'the impact query failed: boom' },
    };
    const md = renderPlanMarkdown(plan);
    expect(md.indexOf('#### Needs attention')).toBeGreaterThan(0);
    expect(md.indexOf('#### Impact on today’s data')).toBeGreaterThan(md.indexOf('#### Needs attention'));
    expect(md).toContain('Not measured: the impact query failed: boom');
  });
});
