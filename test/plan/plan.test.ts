import { describe, expect, it } from 'vitest';
import type { ConfigRuleProperties, CurrentResource, DesiredResource } from '../../src/model/resources.js';
import { diffProperties } from '../../src/plan/field-diff.js';
import { plan } from '../../src/plan/plan.js';

const MARK = '[managed by org-compliance]';

function rule(
  name: string,
  region = 'eu-west-1',
  extra: Partial<ConfigRuleProperties> = {},
): DesiredResource<'config-rule'> {
  return {
    kind: 'config-rule',
    key: `config-rule/${region}/${name}`,
    region,
    properties: {
      name,
      identifier: 'ACCESS_KEYS_ROTATED',
      description: `Keys are rotated. ${MARK}`,
      inputParameters: { maxAccessKeyAge: '90' },
      maximumExecutionFrequency: 'TwentyFour_Hours',
      resourceTypesScope: [],
      excludedAccounts: [],
      ...extra,
    },
  };
}

function current(d: DesiredResource<'config-rule'>, owned = true): CurrentResource<'config-rule'> {
  return { ...d, owned, properties: structuredClone(d.properties) };
}

describe('plan', () => {
  it('is empty of changes when current equals desired, and does not mutate its inputs', () => {
    const desired = [rule('security-a'), rule('security-b', 'us-east-1')];
    const cur = desired.map((d) => current(d));
    const frozen = JSON.stringify({ desired, cur });
    const p = plan(desired, cur);
    expect(p.hasChanges).toBe(false);
    expect(p.summary).toEqual({ create: 0, update: 0, delete: 0, noop: 2 });
    expect(p.changes.map((c) => c.action)).toEqual(['no-op', 'no-op']);
    expect(JSON.stringify({ desired, cur })).toBe(frozen);
  });

  it('creates what is missing, updates with the fields that differ, deletes owned leftovers', () => {
    const a = rule('security-a');
    const b = rule('security-b');
    const changedB = current(b);
    changedB.properties.inputParameters = { maxAccessKeyAge: '365' };
    changedB.properties.excludedAccounts = ['012345678901'];
    const gone = current(rule('cost-old'));
    const p = plan([a, b], [changedB, gone]);
    expect(p.changes.map((c) => [c.action, c.name])).toEqual([
      ['delete', 'cost-old'],
      ['create', 'security-a'],
      ['update', 'security-b'],
    ]);
    const update = p.changes[2];
    expect(update?.diffs).toEqual([
      { path: 'excludedAccounts', before: ['012345678901'], after: [] },
      { path: 'inputParameters.maxAccessKeyAge', before: '365', after: '90' },
    ]);
    expect(p.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 0 });
    expect(p.hasChanges).toBe(true);
  });

  it('never deletes what it does not own, and refuses to change an unowned resource', () => {
    const handMade = current(rule('security-hand-made'), false);
    const clash = current(rule('security-a'), false);
    clash.properties.description = 'made in the console';
    const p = plan([rule('security-a')], [handMade, clash]);
    expect(p.changes.map((c) => [c.action, c.name])).toEqual([['update', 'security-a']]);
    expect(p.conflicts).toHaveLength(1);
    expect(p.conflicts[0]?.message).toContain('is not managed by org-compliance');
  });

  it('puts deletions first, then the glue table before config rules', () => {
    const table: DesiredResource<'glue-table'> = {
      kind: 'glue-table',
      key: 'glue-table/eu-west-1/db.t',
      region: 'eu-west-1',
      properties: {
        database: 'db',
        name: 't',
        tableType: 'EXTERNAL_TABLE',
        parameters: {},
        columns: [],
        partitionKeys: [],
        location: 's3://b/AWSLogs/',
        inputFormat: 'i',
        outputFormat: 'o',
        serializationLibrary: 's',
        serdeParameters: {},
      },
    };
    const p = plan([rule('backup-a'), table], [current(rule('security-z'))]);
    expect(p.changes.map((c) => `${c.action}:${c.kind}`)).toEqual([
      'delete:config-rule',
      'create:glue-table',
      'create:config-rule',
    ]);
  });

  it('shows failed member deployments as warnings', () => {
    const d = rule('security-a');
    const c = current(d);
    c.status = {
      state: 'CREATE_FAILED',
      message: 'OrganizationAccessDenied',
      details: ['012345678901: CREATE_FAILED'],
    };
    const p = plan([d], [c]);
    expect(p.notices).toEqual([
      {
        level: 'warning',
        subject: d.key,
        message:
          'security-a in eu-west-1: CREATE_FAILED (OrganizationAccessDenied):\n  012345678901: CREATE_FAILED',
      },
    ]);
  });

  it('diff(x, x) is empty for many random property objects', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 2 || r < 0.3) return String(Math.floor(rnd() * 100));
      if (r < 0.5) return [String(rnd()), String(rnd())];
      return Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`k${i}`, value(depth + 1)]));
    };
    for (let i = 0; i < 200; i++) {
      const x = value(0);
      expect(diffProperties(x, structuredClone(x))).toEqual([]);
    }
  });
});

describe('views that are not ours', () => {
  const view = (name: string, sql: string, owned: boolean): CurrentResource<'athena-view'> => ({
    kind: 'athena-view',
    key: `athena-view/eu-west-1/org_compliance.${name}`,
    region: 'eu-west-1',
    properties: { database: 'org_compliance', name, sql },
    owned,
  });

  it('an unmarked view beside ours is never dropped, and the plan names it as left alone', () => {
    const ours = view('evaluations', 'SELECT 1 AS one', true);
    const result = plan(
      [{ kind: 'athena-view', key: ours.key, region: ours.region, properties: ours.properties }],
      [ours, view('team_adhoc', 'SELECT 2 AS two', false), view('finance_costs', 'SELECT 3', false)],
    );
    expect(result.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['no-op org_compliance.evaluations']);
    expect(result.hasChanges).toBe(false);
    expect(result.notices).toEqual([
      {
        level: 'info',
        subject: 'athena-view',
        message:
          '2 Athena views not managed by org-compliance (no ownership mark), left alone: org_compliance.finance_costs, org_compliance.team_adhoc',
      },
    ]);
  });

  it('an unmarked view of a name the repository wants is a conflict, not an update', () => {
    const theirs = view('evaluations', 'SELECT 2 AS two', false);
    const result = plan(
      [
        {
          kind: 'athena-view',
          key: theirs.key,
          region: theirs.region,
          properties: { ...theirs.properties, sql: 'SELECT 1 AS one' },
        },
      ],
      [theirs],
    );
    expect(result.conflicts.map((c) => c.subject)).toEqual([theirs.key]);
    expect(result.notices).toEqual([]);
  });
});
