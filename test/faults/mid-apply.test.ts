/**
 * The fault matrix, a failure in the middle of apply: a fault that outlasts the retries on one
 * resource's writes. Apply carries out everything else it can (a failed kind skips only the kinds
 * that depend on it), reports the failure with the resource, the operation and the attempts, and
 * leaves AWS holding exactly what was done; a second apply on a clean wire creates exactly what is
 * missing and ends where a clean run ends (nothing duplicated, nothing lost); a third plan is
 * empty. And a write whose answer is lost after the service carried it out.
 */

import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { withApplyLock } from '../../src/apply/lock.js';
import type { ApplyResult, ChangeResult } from '../../src/model/plan.js';
import { runPlan } from '../../src/pipeline/plan.js';
import type { FaultRule } from './fault-handler.js';
import { canonicalState, shippedRepository, TODAY, type World, world } from './world.js';

const repo = await shippedRepository();

async function applyOnce(w: World): Promise<ApplyResult> {
  const planned = await runPlan(repo, w.target('read'), { today: TODAY });
  const writer = w.target('write');
  return withApplyLock(writer, { holder: 'fault matrix' }, () => apply(planned.plan, writer));
}

/** `outcome action kind name region` of each change that was not done. */
function notDone(result: ApplyResult): string[] {
  return result.results
    .filter((r) => r.outcome !== 'done')
    .map((r) => `${r.outcome} ${r.change.action} ${r.change.kind} ${r.change.name} ${r.change.region}`)
    .sort();
}

/** The results of each outcome. */
function byOutcome(result: ApplyResult): Partial<Record<ChangeResult['outcome'], ChangeResult[]>> {
  const out: Partial<Record<ChangeResult['outcome'], ChangeResult[]>> = {};
  for (const r of result.results) out[r.outcome] = [...(out[r.outcome] ?? []), r];
  return out;
}

/** The same world, the fault gone: the second apply, then a third plan. */
async function converge(w: World, clean: World) {
  w.faults.heal();
  const second = await applyOnce(w);
  const third = await runPlan(repo, w.target('read'), { today: TODAY });
  expect(second.ok).toBe(true);
  expect(third.plan.hasChanges).toBe(false);
  expect(canonicalState(w.fake)).toEqual(canonicalState(clean.fake));
  return second;
}

describe('fault matrix: a failure in the middle of apply, then a second apply', async () => {
  const clean = world(repo);
  const cleanResult = await applyOnce(clean);
  const cleanWrites = clean.fake.writeCalls().length;

  it('one rule fails in every region (500 beyond 8 attempts): the other rules and kinds are applied; the second apply writes that rule only', async () => {
    const rule = 'security-access-keys-rotated';
    const w = world(repo, [
      {
        service: 'config',
        operation: 'PutOrganizationConfigRule',
        requests: 'all',
        kind: 'server-error',
        about: `"${rule}"`,
      },
    ] satisfies FaultRule[]);
    const first = await applyOnce(w);
    expect(first.ok).toBe(false);
    expect(notDone(first)).toEqual([`failed create config-rule ${rule} eu-west-1`]);
    const failure = first.results.find((r) => r.outcome === 'failed');
    expect(failure?.error).toBe(
      `Could not create Organization Config Rule ${rule} (PutOrganizationConfigRule in eu-west-1): The request processing has failed because of an unknown error. (gave up after 8 attempts)`,
    );
    expect(w.faults.injected).toHaveLength(8);
    // AWS holds everything but that rule.
    expect([...(w.fake.rules.get('eu-west-1')?.keys() ?? [])]).not.toContain(rule);
    expect(w.fake.rules.get('eu-west-1')?.size).toBe((clean.fake.rules.get('eu-west-1')?.size ?? 0) - 1);
    const before = w.fake.writeCalls().length;
    const second = await converge(w, clean);
    expect(
      second.results.map((r) => `${r.change.action} ${r.change.kind} ${r.change.name} ${r.change.region}`),
    ).toEqual([`create config-rule ${rule} eu-west-1`]);
    // One put for the rule, and the lock's put and delete.
    expect(
      w.fake
        .writeCalls()
        .slice(before)
        .map((c) => c.operation),
    ).toEqual(['PutObject', 'PutOrganizationConfigRule', 'DeleteObject']);
  });

  it('one data set fails (throttled beyond 8 attempts): what depends on data sets is skipped, named; the second apply creates exactly the rest, once', async () => {
    const dataSet = 'org-compliance-accounts';
    const w = world(repo, [
      {
        service: 'quicksight',
        operation: 'CreateDataSet',
        requests: 'all',
        kind: 'throttle',
        about: `"DataSetId":"${dataSet}"`,
      },
    ]);
    const first = await applyOnce(w);
    expect(first.ok).toBe(false);
    const failed = first.results.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => r.change.name)).toEqual([dataSet]);
    expect(failed[0]?.error).toMatch(
      /\(CreateDataSet in eu-west-1\): Rate exceeded \(gave up after 8 attempts\)$/,
    );
    // The other 13 data sets were created; schedules, the analysis and the dashboard wait for them all.
    const skipped = first.results.filter((r) => r.outcome === 'skipped');
    expect(skipped.map((r) => r.change.kind).sort()).toEqual([
      'quicksight-analysis',
      'quicksight-dashboard',
      ...Array(14).fill('quicksight-refresh-schedule'),
    ]);
    for (const r of skipped)
      expect(r.error).toBe(`not attempted: quicksight-data-set ${dataSet} failed first`);
    const store = w.fake.quickSight.store('eu-west-1');
    expect([store.dataSources.size, store.dataSets.size, store.analyses.size, store.dashboards.size]).toEqual(
      [1, 13, 0, 0],
    );
    expect(store.dataSets.has(dataSet)).toBe(false);
    // Everything before QuickSight is in place.
    expect(
      first.results
        .filter((r) => !r.change.kind.startsWith('quicksight-'))
        .every((r) => r.outcome === 'done'),
    ).toBe(true);

    const before = w.fake.writeCalls().length;
    const second = await converge(w, clean);
    expect(second.results.map((r) => r.change.kind).sort()).toEqual([
      'quicksight-analysis',
      'quicksight-dashboard',
      'quicksight-data-set',
      ...Array(14).fill('quicksight-refresh-schedule'),
    ]);
    const writes = w.fake
      .writeCalls()
      .slice(before)
      .map((c) => c.operation);
    expect(writes.filter((op) => op === 'CreateDataSet')).toHaveLength(1);
    expect(writes.filter((op) => op === 'CreateRefreshSchedule')).toHaveLength(14);
    // Over both applies, the service saw as many creates as one clean apply: nothing twice.
    const creates = (ops: string[]) => ops.filter((op) => op.startsWith('Create')).length;
    expect(creates(w.fake.writeCalls().map((c) => c.operation))).toBe(
      creates(clean.fake.writeCalls().map((c) => c.operation)),
    );
  });

  it('the Glue database cannot be created: every kind after it is skipped, nothing else half-made; the second apply converges', async () => {
    const w = world(repo, [
      { service: 'glue', operation: 'CreateDatabase', requests: 'all', kind: 'unavailable' },
    ]);
    const first = await applyOnce(w);
    expect(first.ok).toBe(false);
    const outcomes = byOutcome(first);
    expect(outcomes.failed?.map((r) => `${r.change.kind} ${r.change.name}`)).toEqual([
      'glue-table org_compliance.compacted_evaluations',
      'glue-table org_compliance.compacted_files',
      'glue-table org_compliance.config_snapshots',
      'glue-table org_compliance.ref_accounts',
      'glue-table org_compliance.ref_catalog_rules',
      'glue-table org_compliance.ref_exceptions',
      'glue-table org_compliance.ref_rule_controls',
    ]);
    expect(
      Object.fromEntries(
        Object.entries(outcomes).map(([k, v]) => [k, [...new Set(v?.map((r) => r.change.kind))]]),
      ),
    ).toEqual({
      failed: ['glue-table'],
      skipped: [
        'table-data',
        'athena-view',
        'quicksight-data-set',
        'quicksight-refresh-schedule',
        'quicksight-analysis',
        'quicksight-dashboard',
      ],
      // Config rules and the QuickSight data source depend on no table: all 178 rules and the source are in place.
      done: ['quicksight-data-source', 'config-rule'],
    });
    expect(outcomes.done).toHaveLength(179);
    for (const r of outcomes.skipped ?? [])
      expect(r.error).toMatch(/^not attempted: glue-table org_compliance\.\w+ failed first$/);
    // Nothing of the data half-made: no table, no reference object, no view, no data set.
    expect(w.fake.tables.size).toBe(0);
    expect([...w.fake.objects.keys()]).toEqual([]);
    expect(w.fake.queries).toEqual([]);
    expect(w.fake.quickSight.store('eu-west-1').dataSets.size).toBe(0);
    await converge(w, clean);
  });

  it('a create whose answer is lost (the service made it, the connection reset): the retry is refused as existing, reported; the second apply converges with one of each', async () => {
    const dataSet = 'org-compliance-trend';
    const w = world(repo, [
      {
        service: 'quicksight',
        operation: 'CreateDataSet',
        requests: 'first-time',
        kind: 'answer-lost',
        about: `"DataSetId":"${dataSet}"`,
      },
    ]);
    const first = await applyOnce(w);
    // The first request created it; the retry found it there.
    const failed = first.results.filter((r) => r.outcome === 'failed');
    expect(failed.map((r) => r.change.name)).toEqual([dataSet]);
    expect(failed[0]?.error).toMatch(/\(CreateDataSet in eu-west-1\): .*already exists/i);
    expect(w.fake.quickSight.store('eu-west-1').dataSets.size).toBe(14);
    await converge(w, clean);
    expect(w.fake.quickSight.store('eu-west-1').dataSets.size).toBe(14);
    expect(cleanResult.ok).toBe(true);
    expect(cleanWrites).toBeGreaterThan(0);
  });

  it('the lock put whose answer is lost: the retry is refused (412), the lock read back is ours, apply runs and releases it', async () => {
    const w = world(repo, [
      {
        service: 's3',
        operation: 'PutObject',
        requests: 'first-time',
        kind: 'answer-lost',
        about: 'locks/apply.json',
      },
    ]);
    const result = await applyOnce(w);
    expect(result.ok).toBe(true);
    expect(w.faults.injected.map((f) => `${f.operation} ${f.kind}`)).toEqual(['PutObject answer-lost']);
    const lockCalls = w.fake.calls
      .filter((c) => String(c.input.Key).endsWith('locks/apply.json'))
      .map(
        (c) => `${c.operation}${c.input.IfNoneMatch ? ` If-None-Match: ${String(c.input.IfNoneMatch)}` : ''}`,
      );
    // The put that reached S3, its retry (refused: the object exists), the read, the release.
    expect(lockCalls).toEqual([
      'PutObject If-None-Match: *',
      'PutObject If-None-Match: *',
      'GetObject',
      'GetObject',
      'DeleteObject',
    ]);
    expect([...w.fake.objects.keys()].filter((k) => k.includes('locks/'))).toEqual([]);
    expect(canonicalState(w.fake)).toEqual(canonicalState(clean.fake));
  });
});
