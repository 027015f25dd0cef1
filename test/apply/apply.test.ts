import { describe, expect, it } from 'vitest';
import { ApplyRefusedError, apply } from '../../src/apply/apply.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { Provider, Target } from '../../src/model/provider.js';
import { RESOURCE_KINDS, type ResourceKind } from '../../src/model/resources.js';
import { renderApplyText, renderPlanText } from '../../src/report/plan-text.js';

function change(
  action: Change['action'],
  name: string,
  region = 'eu-west-1',
  kind: ResourceKind = 'config-rule',
): Change {
  return { action, kind, key: `${kind}/${region}/${name}`, region, name, diffs: [] };
}

function planOf(changes: Change[]): Plan {
  const summary = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const c of changes) {
    if (c.action === 'no-op') summary.noop++;
    else summary[c.action]++;
  }
  return {
    changes,
    notices: [],
    conflicts: [],
    summary,
    hasChanges: changes.some((c) => c.action !== 'no-op'),
  };
}

function fakeTarget(failing: Set<string> = new Set()): Target & { applied: string[] } {
  const applied: string[] = [];
  let writes = 0;
  const provider = (kind: ResourceKind): Provider => ({
    kind,
    read: async () => [],
    apply: async (c) => {
      writes++;
      if (failing.has(c.name)) throw new Error(`AccessDenied on ${c.name}`);
      applied.push(`${c.action} ${c.name} ${c.region}`);
    },
  });
  return {
    name: 'local',
    applied,
    organization: { readOrganization: async () => ({ organizationId: 'o-a1b2c3d4e5', accounts: [] }) },
    providers: Object.fromEntries(RESOURCE_KINDS.map((k) => [k, provider(k)])) as never,
    writeCount: () => writes,
    quickSightAccountId: async () => '222222222222',
    openQuerySession: async () => {
      throw new Error('not used');
    },
    compact: async () => {
      throw new Error('not used');
    },
  };
}

describe('apply', () => {
  it('isolates a failure: the other changes are still carried out, and the result says what was not done', async () => {
    const target = fakeTarget(new Set(['security-b']));
    const result = await apply(
      planOf([
        change('create', 'security-a'),
        change('create', 'security-b'),
        change('update', 'security-c'),
        change('no-op', 'security-d'),
      ]),
      target,
    );
    expect(result.ok).toBe(false);
    expect(result.results.map((r) => [r.change.name, r.outcome, r.error])).toEqual([
      ['security-a', 'done', undefined],
      ['security-b', 'failed', 'AccessDenied on security-b'],
      ['security-c', 'done', undefined],
    ]);
    expect(result.writes).toBe(3);
    expect(renderApplyText(result)).toBe(
      [
        'FAILED  create config-rule security-b (eu-west-1): AccessDenied on security-b',
        'done    config-rule created: 1',
        'done    config-rule updated: 1',
        'Apply INCOMPLETE: 2 done, 1 failed, 0 skipped, 3 write call(s).',
      ].join('\n'),
    );
  });

  it('refuses to start with conflicts or too many deletions, writing nothing', async () => {
    const target = fakeTarget();
    const deletes = planOf(Array.from({ length: 6 }, (_, i) => change('delete', `cost-${i}`)));
    await expect(apply(deletes, target)).rejects.toThrow(
      'The plan deletes 6 resources, more than the limit of 5 (--max-deletes). Review the plan, then raise --max-deletes if it is right.',
    );
    const withConflict = {
      ...planOf([change('update', 'security-a')]),
      conflicts: [{ level: 'error' as const, subject: 'x', message: 'not ours' }],
    };
    await expect(apply(withConflict, target)).rejects.toBeInstanceOf(ApplyRefusedError);
    expect(target.writeCount()).toBe(0);
    expect((await apply(deletes, target, { maxDeletes: 6 })).writes).toBe(6);
  });

  it('runs deletions before creations', async () => {
    const target = fakeTarget();
    await apply(
      planOf([
        change('delete', 'cost-old'),
        change('create', 'glue', 'eu-west-1', 'glue-table'),
        change('create', 'security-a'),
      ]),
      target,
      {
        concurrency: 1,
      },
    );
    expect(target.applied).toEqual([
      'delete cost-old eu-west-1',
      'create glue eu-west-1',
      'create security-a eu-west-1',
    ]);
  });
});

describe('plan text', () => {
  it('shows the same change in several regions once, with the regions', () => {
    const update: Change = {
      ...change('update', 'security-a', 'eu-west-1'),
      diffs: [{ path: 'inputParameters.maxAccessKeyAge', before: '90', after: '60' }],
    };
    const text = renderPlanText(
      planOf([
        change('delete', 'cost-old', 'eu-west-1'),
        change('delete', 'cost-old', 'us-east-1'),
        update,
        { ...update, region: 'us-east-1', key: 'x' },
      ]),
    );
    expect(text).toBe(
      [
        '- config-rule cost-old (eu-west-1, us-east-1): delete',
        '~ config-rule security-a (eu-west-1, us-east-1): update',
        '    ~ inputParameters.maxAccessKeyAge: "90" → "60"',
        'Plan: 0 to create, 2 to update, 2 to delete, 0 unchanged.',
      ].join('\n'),
    );
  });
});
