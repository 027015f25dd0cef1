/**
 * The fault matrix, storms: on the aws target against the in-process fake AWS, every request goes
 * through the SDK's serialisation and signing to a transport that injects faults (fault-handler.ts)
 * on every service the target calls. Discover (the Organization's walk), plan, apply (under the
 * apply lock), a second plan and the report's queries run through a storm of each kind and must
 * end exactly where a run on a clean wire ends: the same plan, the same state in AWS, the same
 * report, each call carried out once by the service, and as many retries as faults injected.
 */

import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { withApplyLock } from '../../src/apply/lock.js';
import type { Repository } from '../../src/model/config.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { runReportOn } from '../../src/pipeline/report.js';
import type { AwsService } from '../../src/providers/aws/clients.js';
import { renderPlanText } from '../../src/report/plan-text.js';
import { ALL_SERVICES, type FaultKind, type FaultRule, type InjectedFault } from './fault-handler.js';
import { answeredBy, canonicalState, shippedRepository, TODAY, type World, world } from './world.js';

/** Everything a nightly run and a merge do against AWS, in order; what came out of each step. */
async function run(repo: Repository, w: World) {
  const organization = await w.target('read').organization.readOrganization();
  const first = await runPlan(repo, w.target('read'), { today: TODAY });
  const writer = w.target('write');
  let faultsInApply: InjectedFault[] = [];
  const result = await withApplyLock(writer, { holder: 'fault matrix' }, async () => {
    const before = w.faults.injected.length;
    const done = await apply(first.plan, writer);
    faultsInApply = w.faults.injected.slice(before);
    return done;
  });
  const second = await runPlan(repo, w.target('read'), { today: TODAY });
  const report = await runReportOn(w.target('read'), repo, TODAY);
  return {
    organization,
    plan: renderPlanText(first.plan),
    applied: result.results.map(
      (r) => `${r.outcome} ${r.change.action} ${r.change.kind} ${r.change.name} ${r.change.region}`,
    ),
    ok: result.ok,
    // Write requests sent, less those a fault refused (the counter counts every request sent).
    writes: result.writes - faultsInApply.filter((f) => WRITES.has(f.operation)).length,
    secondPlanHasChanges: second.plan.hasChanges,
    report: report.report,
  };
}

/** The write operations apply sends (StartQueryExecution: CREATE OR REPLACE VIEW and DROP VIEW). */
const WRITES = new Set([
  'PutOrganizationConfigRule',
  'DeleteOrganizationConfigRule',
  'CreateDatabase',
  'CreateTable',
  'UpdateTable',
  'PutObject',
  'StartQueryExecution',
  'CreateDataSource',
  'CreateDataSet',
  'CreateRefreshSchedule',
  'CreateAnalysis',
  'CreateDashboard',
  'UpdateDashboardPublishedVersion',
]);

/** Requests 1..n of every operation of every service fail with `kind`. */
function storm(kind: FaultKind, n: number, services: readonly AwsService[] = ALL_SERVICES): FaultRule[] {
  const requests = Array.from({ length: n }, (_, i) => i + 1);
  return services.map((service) => ({ service, requests, kind }));
}

/** Per key, a + b. */
function plus(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => x.localeCompare(y)));
}

describe('fault matrix: storms at the transport, on every service the aws target calls', async () => {
  const repo = await shippedRepository();
  const clean = world(repo);
  const baseline = await run(repo, clean);

  it('the clean run deploys everything and calls every service', () => {
    expect(baseline.ok).toBe(true);
    expect(baseline.secondPlanHasChanges).toBe(false);
    expect(baseline.writes).toBe(262);
    expect(clean.faults.injected).toEqual([]);
    const services = new Set(Object.keys(clean.faults.sentBy()).map((k) => k.split(' ')[0]));
    expect([...services].sort()).toEqual([...ALL_SERVICES].sort());
  });

  const kinds: FaultKind[] = ['throttle', 'server-error', 'unavailable', 'timeout', 'reset'];
  for (const kind of kinds) {
    it(`${kind}: the first 3 requests of every operation fail; same result, 3 retries per operation`, async () => {
      const w = world(repo, storm(kind, 3));
      const faulted = await run(repo, w);

      expect(faulted).toEqual(baseline);
      expect(canonicalState(w.fake)).toEqual(canonicalState(clean.fake));
      // The service carried out each call once: faults never reached it.
      expect(answeredBy(w.fake)).toEqual(answeredBy(clean.fake));
      // Exactly 3 faults on every operation used, each retried once more.
      const operations = Object.keys(clean.faults.sentBy());
      expect(w.faults.injectedBy()).toEqual(Object.fromEntries(operations.map((op) => [op, 3])));
      expect(w.faults.injected).toHaveLength(3 * operations.length);
      expect(w.faults.sentBy()).toEqual(plus(clean.faults.sentBy(), w.faults.injectedBy()));
      // One backoff per retry, in the middle of its window (random 0.5): 50, 100 or 200 ms.
      const retrySleeps = w.sleeps.length - clean.sleeps.length;
      expect(retrySleeps).toBe(w.faults.injected.length);
      const waited = w.sleeps.reduce((a, b) => a + b, 0) - clean.sleeps.reduce((a, b) => a + b, 0);
      expect(waited).toBeGreaterThanOrEqual(50 * retrySleeps);
      expect(waited).toBeLessThanOrEqual(200 * retrySleeps);
    });
  }

  it('every distinct request fails once, kinds mixed by service: every call is retried exactly once', async () => {
    const kindOf: Record<AwsService, FaultKind> = {
      organizations: 'throttle',
      config: 'server-error',
      glue: 'reset',
      athena: 'timeout',
      s3: 'throttle',
      sts: 'unavailable',
      quicksight: 'throttle',
    };
    const w = world(
      repo,
      ALL_SERVICES.map((service) => ({ service, requests: 'first-time' as const, kind: kindOf[service] })),
    );
    expect(await run(repo, w)).toEqual(baseline);
    expect(canonicalState(w.fake)).toEqual(canonicalState(clean.fake));
    expect(answeredBy(w.fake)).toEqual(answeredBy(clean.fake));
    // As many faults as distinct requests of the clean run (a poll repeated is one request).
    expect(w.faults.injected).toHaveLength(clean.faults.distinct.size);
    expect(w.faults.distinct.size).toBe(clean.faults.distinct.size);
    expect(w.sleeps.length - clean.sleeps.length).toBe(w.faults.injected.length);
  });

  it('a fault that outlasts the retries (8 attempts) fails the call with the service, operation and attempts named', async () => {
    const w = world(repo, [
      { service: 'organizations', operation: 'ListRoots', requests: 'all', kind: 'throttle' },
    ]);
    await expect(w.target('read').organization.readOrganization()).rejects.toThrow(
      /ListRoots in us-east-1\): You have sent too many requests in too short a period of time\. \(gave up after 8 attempts\)$/,
    );
    expect(w.faults.sentBy()).toEqual({
      'organizations DescribeOrganization': 1,
      'organizations ListRoots': 8,
    });
    // Full jitter at 0.5: 50, 100, 200, … capped at 20 s; 7 waits between 8 attempts.
    expect(w.sleeps).toEqual([50, 100, 200, 400, 800, 1600, 3200]);
  });
});
