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
} from '../model/resources.js';
import { plan } from '../plan/plan.js';

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
export async function readCurrent(target: Target, desired: DesiredResource[]): Promise<CurrentResource[]> {
  const quickSight = desired.some((d) => isQuickSightKind(d.kind));
  const parts = await Promise.all(
    RESOURCE_KINDS.filter((kind) => quickSight || !isQuickSightKind(kind)).map(
      (kind) =>
        target.providers[kind].read(desired.filter((d) => d.kind === kind) as never) as Promise<
          CurrentResource[]
        >,
    ),
  );
  return parts.flat();
}

/** desired (from the repository) + current (from the target) → plan. The only I/O is the target's reads. */
export async function runPlan(
  repo: Repository,
  target: Target,
  options: { today: string; progress?: ProgressReporter },
): Promise<PlanRun> {
  const progress = options.progress ?? (() => {});
  // The target answers config/org.yaml's quicksight.accountId first, else finds its own.
  const quickSightAccountId = repo.quicksight.length > 0 ? await target.quickSightAccountId() : undefined;
  const desired = desiredResources(
    repo,
    options.today,
    quickSightAccountId !== undefined ? { quickSightAccountId } : {},
  );
  progress(`Reading ${target.name} state: ${desired.length} desired resources, and the Organization`);
  const [current, org] = await Promise.all([
    readCurrent(target, desired),
    target.organization.readOrganization(progress),
  ]);
  const result = plan(desired, current);
  return { plan: result, accounts: compareAccounts(repo.accounts, org, repo.org.organizationId) };
}
