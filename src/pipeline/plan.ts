import { desiredResources } from '../desired/index.js';
import { type AccountSetChanges, compareAccounts } from '../discover/compare.js';
import type { Repository } from '../model/config.js';
import type { Plan } from '../model/plan.js';
import type { ProgressReporter, Target } from '../model/provider.js';
import {
  type CurrentResource,
  type DesiredResource,
  isQuickSightKind,
  RESOURCE_KINDS,
  type ResourceKind,
  resourcesOfKind,
} from '../model/resources.js';
import { present } from '../model/values.js';
import { plan } from '../plan/plan.js';
import { planImpact } from './impact.js';

export interface PlanRun {
  plan: Plan;
  /** How accounts.yaml differs from the Organization right now (shown with the plan, changed by discover). */
  accounts: AccountSetChanges;
}

/**
 * Reads every kind's current state at once. QuickSight is read only when the repository has
 * QuickSight definitions: a repository without quicksight/ leaves QuickSight alone (an account
 * need not have subscribed to it), so emptying quicksight/ stops managing it but deletes nothing.
 */
export async function readCurrent(
  target: Target,
  desired: DesiredResource[],
  inScope: (kind: ResourceKind) => boolean = () => true,
): Promise<CurrentResource[]> {
  const quickSight = desired.some((d) => isQuickSightKind(d.kind));
  const parts = await Promise.all(
    RESOURCE_KINDS.filter((kind) => inScope(kind) && (quickSight || !isQuickSightKind(kind))).map((kind) =>
      readKind(target, kind, desired),
    ),
  );
  return parts.flat();
}

/** What the provider of `kind` reads, given the desired resources of that kind. */
function readKind<K extends ResourceKind>(
  target: Target,
  kind: K,
  desired: readonly DesiredResource[],
): Promise<CurrentResource<K>[]> {
  return target.providers[kind].read(resourcesOfKind(desired, kind));
}

export interface RunPlanOptions {
  today: string;
  progress?: ProgressReporter;
  /**
   * The kinds the plan covers (a workflow's `scope`); default all. Kinds outside it are neither
   * read nor planned, so a partial run needs only the permissions (and services) of its kinds.
   */
  inScope?: (kind: ResourceKind) => boolean;
  /**
   * Measure what changes to the exceptions, the exclusion tag, the catalog or excludedAccounts do
   * to today's data (one query, only when the plan has such a change): plan, not apply.
   */
  impact?: boolean;
}

/** desired (from the repository) + current (from the target) → plan. The only I/O is the target's reads. */
export async function runPlan(repo: Repository, target: Target, options: RunPlanOptions): Promise<PlanRun> {
  const progress = options.progress ?? (() => {});
  const inScope = options.inScope ?? (() => true);
  // The target answers config/org.yaml's quicksight.accountId first, else finds its own.
  const quickSight =
    repo.quicksight.length > 0 && RESOURCE_KINDS.some((k) => isQuickSightKind(k) && inScope(k));
  const quickSightAccountId = quickSight ? await target.quickSightAccountId() : undefined;
  // QuickSight out of scope: its definitions are neither resolved nor read.
  const desired = desiredResources(
    quickSight ? repo : { ...repo, quicksight: [] },
    options.today,
    present({ quickSightAccountId }),
  ).filter((d) => inScope(d.kind));
  progress(`Reading ${target.name} state: ${desired.length} desired resources, and the Organization`);
  const [current, org] = await Promise.all([
    readCurrent(target, desired, inScope),
    target.organization.readOrganization(progress),
  ]);
  const result = plan(desired, current);
  if (options.impact) {
    const measured = await planImpact(repo, result, target, progress);
    if (measured.impact) result.impact = measured.impact;
    result.notices.push(...measured.notices);
  }
  return { plan: result, accounts: compareAccounts(repo.accounts, org, repo.org.organizationId) };
}
