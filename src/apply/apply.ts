import { errorMessage } from '../model/errors.js';
import { KINDS } from '../model/kinds.js';
import type { ApplyResult, Change, ChangeResult, Plan } from '../model/plan.js';
import { mapLimit } from '../model/pool.js';
import type { ProgressReporter, Providers, Target } from '../model/provider.js';
import type { ResourceKind } from '../model/resources.js';

export const DEFAULT_MAX_DELETES = 5;

export interface ApplyOptions {
  /** Refuse to start when the plan deletes more than this many resources. */
  maxDeletes?: number;
  /** How the refusal names the setting that raises the limit: `--max-deletes` (CLI, the default) or an action input. */
  maxDeletesSetting?: string;
  /** Changes carried out at once; changes of a kind run after every change of the kinds before it. */
  concurrency?: number;
  progress?: ProgressReporter;
}

export class ApplyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyRefusedError';
  }
}

/**
 * Carries out a plan through the target's providers. Never re-derives the plan. A failed
 * change does not stop the others, except that nothing of a later kind (data that depends on
 * it) runs after a failure of an earlier kind.
 */
export async function apply(plan: Plan, target: Target, options: ApplyOptions = {}): Promise<ApplyResult> {
  const maxDeletes = options.maxDeletes ?? DEFAULT_MAX_DELETES;
  const setting = options.maxDeletesSetting ?? '--max-deletes';
  const progress = options.progress ?? (() => {});
  if (plan.conflicts.length) {
    throw new ApplyRefusedError(
      `The plan touches ${plan.conflicts.length} resource(s) that org-compliance does not own:\n${plan.conflicts.map((c) => `  ${c.message}`).join('\n')}`,
    );
  }
  if (plan.summary.delete > maxDeletes) {
    throw new ApplyRefusedError(
      `The plan deletes ${plan.summary.delete} resources, more than the limit of ${maxDeletes} (${setting}). Review the plan, then raise ${setting} if it is right.`,
    );
  }
  const writesBefore = target.writeCount();
  const pending = plan.changes.filter((c) => c.action !== 'no-op');
  const results: ChangeResult[] = [];
  const concurrency = Math.max(1, options.concurrency ?? 4);

  // Stages: deletes first, then each kind in plan order (the plan is already sorted).
  const stages: Change[][] = [];
  for (const change of pending) {
    const last = stages[stages.length - 1];
    const head = last?.[0];
    // A stage is one kind (and one rank, where a kind's resources depend on each other).
    const sameStage =
      head &&
      (head.action === 'delete') === (change.action === 'delete') &&
      head.kind === change.kind &&
      head.rank === change.rank;
    if (last && sameStage) last.push(change);
    else stages.push([change]);
  }

  let completed = 0;
  // Progress at most every two seconds: quiet when fast (local), steady when slow (AWS).
  let lastReport = Date.now();
  const failedKinds = new Map<ResourceKind, string>();
  for (const stage of stages) {
    const kind = stage[0]?.kind;
    const blocker = kind && KINDS[kind].dependsOn.map((k) => failedKinds.get(k)).find(Boolean);
    if (kind && blocker) {
      failedKinds.set(kind, blocker);
      for (const change of stage) {
        results.push({ change, outcome: 'skipped', error: `not attempted: ${blocker} failed first` });
      }
      continue;
    }
    const stageResults = await mapLimit(stage, concurrency, async (change): Promise<ChangeResult> => {
      try {
        await applyChange(target.providers, change);
        return { change, outcome: 'done' };
      } catch (e) {
        progress(
          `Failed to ${change.action} ${change.kind} ${change.name} in ${change.region}: ${errorMessage(e)}`,
        );
        return { change, outcome: 'failed', error: errorMessage(e) };
      } finally {
        completed++;
        if (completed < pending.length && Date.now() - lastReport >= 2000) {
          lastReport = Date.now();
          progress(`${completed} of ${pending.length} changes carried out`);
        }
      }
    });
    results.push(...stageResults);
    const failed = stageResults.find((r) => r.outcome === 'failed');
    if (failed && kind && !failedKinds.has(kind))
      failedKinds.set(kind, `${failed.change.kind} ${failed.change.name}`);
  }
  if (target.afterApply && results.some((r) => r.outcome === 'done')) await target.afterApply(progress);
  return {
    results,
    writes: target.writeCount() - writesBefore,
    ok: results.every((r) => r.outcome === 'done'),
  };
}

/** Hands a change to the provider of its kind. */
function applyChange<K extends ResourceKind>(providers: Providers, change: Change<K>): Promise<void> {
  return providers[change.kind].apply(change);
}
