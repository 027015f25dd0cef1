/**
 * A world for the fault matrix: the repository as shipped, the in-process fake AWS of the demo's
 * organization, and the aws target's clients built on it with a fault plan at their transport.
 * `canonicalState` is what the fake holds, without the times and versions a service stamps, so two
 * worlds that reached the same state compare equal.
 */

import { FakeAws } from '../../src/bench/fake-aws.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { type AwsTarget, createAwsTarget } from '../../src/providers/aws/target.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { FaultPlan, type FaultRule } from './fault-handler.js';

export const TODAY = '2026-11-28';

export async function shippedRepository(root = REPO_ROOT): Promise<Repository> {
  const { repository, diagnostics } = await loadRepository(root, { today: TODAY });
  if (!repository) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return repository;
}

export interface World {
  fake: FakeAws;
  faults: FaultPlan;
  /** Every wait the retry loop (and the pollers) asked for, in fake milliseconds. */
  sleeps: number[];
  target(mode: 'read' | 'write'): AwsTarget;
}

/** A fresh fake AWS whose clients send every request through `rules` (none: a clean wire). */
export function world(repo: Repository, rules: readonly FaultRule[] = []): World {
  const fake = new FakeAws(syntheticOrganization(DEMO_ORG));
  const faults = new FaultPlan(rules);
  const clients = fake.clients({ wrapHandler: faults.wrapHandler });
  const sleeps: number[] = [];
  return {
    fake,
    faults,
    sleeps,
    target: (mode) =>
      createAwsTarget(repo.org, {
        mode,
        clients,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        // The middle of each backoff window: exact, repeatable waits.
        random: () => 0.5,
        quickSightPollMs: 1,
        busyPollMs: 1,
      }),
  };
}

/** Time and version stamps a service sets by itself: not part of what was deployed. */
const STAMPS = new Set([
  'LastUpdateTime',
  'CreateTime',
  'UpdateTime',
  'VersionId',
  'createdTime',
  'lastUpdatedTime',
  'lastPublishedTime',
  'looksLeft',
]);

/** Maps and sets as sorted plain values, dates and stamps left out: comparable with toEqual. */
export function canonical(value: unknown): unknown {
  if (value instanceof Date) return 'date';
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value].map(([k, v]) => [String(k), canonical(v)] as const).sort(([a], [b]) => a.localeCompare(b)),
    );
  }
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !STAMPS.has(k))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** What the fake holds: rules, databases, tables and views, objects, QuickSight, and the queries Athena ran (sorted). */
export function canonicalState(fake: FakeAws): unknown {
  return canonical({
    rules: fake.rules,
    databases: fake.databases,
    tables: fake.tables,
    objects: fake.objects,
    quickSight: fake.quickSight.stores,
    queries: [...fake.queries].sort(),
  });
}

/** Calls the fake answered, per `service operation`. */
export function answeredBy(fake: FakeAws): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of fake.calls)
    out[`${c.service} ${c.operation}`] = (out[`${c.service} ${c.operation}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
