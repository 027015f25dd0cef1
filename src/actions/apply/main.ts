import { hostname } from 'node:os';
import * as core from '@actions/core';
import { apply, DEFAULT_MAX_DELETES } from '../../apply/apply.js';
import { holderOf, LockHeldError, withApplyLock } from '../../apply/lock.js';
import { booleanInput, botLogin, githubClientFromInputs } from '../../github/action-inputs.js';
import { checkRunAppliesTip } from '../../github/applies-tip.js';
import type { GitHubClient } from '../../github/client.js';
import { recordCorrection, syncDriftIssue } from '../../github/drift-issue.js';
import { kindInScope, parseScope, planInScope } from '../../github/scope.js';
import { runUrl, workflowRepository } from '../../github/workflow-context.js';
import { runPlan } from '../../pipeline/plan.js';
import { renderApplyMarkdown, renderPlanMarkdown } from '../../report/plan-markdown.js';
import { renderApplyText } from '../../report/plan-text.js';
import { ActionInputError, prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

/** In a workflow, refuses to apply a commit that is not (in what apply deploys) the tip of the default branch. */
async function refuseStaleCommit(root: string, octokit: GitHubClient | undefined): Promise<void> {
  if (process.env.GITHUB_ACTIONS !== 'true') return;
  if (!octokit) {
    throw new ActionInputError(
      `In a workflow, apply checks that it deploys the tip of the default branch, which needs the input '${Inputs.githubToken}' (its default, the workflow's github.token, is enough)`,
    );
  }
  const check = await checkRunAppliesTip({ octokit, root, repo: workflowRepository() });
  if (!check.ok) {
    await core.summary.addRaw(`### org-compliance apply refused\n\n${check.reason}\n`, true).write();
    throw new ActionInputError(check.reason);
  }
  if (check.note) core.info(check.note);
}

export function run(): Promise<void> {
  return runAction('apply', async () => {
    const raw = core.getInput(Inputs.maxDeletes);
    if (raw && !/^\d+$/.test(raw)) {
      throw new ActionInputError(`Input '${Inputs.maxDeletes}' must be a whole number, got '${raw}'`);
    }
    const maxDeletes = raw ? Number(raw) : DEFAULT_MAX_DELETES;
    const scope = parseScope(core.getInput(Inputs.scope));
    const driftIssue = booleanInput(Inputs.driftIssue);
    const author = botLogin();
    const octokit = githubClientFromInputs();
    if (driftIssue && !octokit)
      throw new ActionInputError(`Input '${Inputs.driftIssue}' needs the input '${Inputs.githubToken}'`);
    const { repo, target, today } = await prepare('write');
    await refuseStaleCommit(repo.root, octokit);

    // Plan and apply under the target's apply lock: a second apply started meanwhile refuses.
    const lockOptions = {
      holder: holderOf(process.env, hostname(), process.pid),
      forceSetting: "the CLI's 'org-compliance apply --force-unlock'",
      progress: (m: string) => core.info(m),
    };
    const locked = await withApplyLock(target, lockOptions, async () => {
      const made = await runPlan(repo, target, {
        today,
        progress: (m) => core.info(m),
        inScope: (kind) => kindInScope(kind, scope),
      });
      const plan = planInScope(made.plan, scope);
      // The plan and the outputs first: a refusal (max-deletes, conflicts) or a failure below leaves them in the run.
      const planMarkdown = renderPlanMarkdown(plan, made.accounts);
      core.setOutput(Outputs.ok, 'false');
      core.setOutput(Outputs.hasChanges, String(plan.hasChanges));
      core.setOutput(Outputs.planMarkdown, planMarkdown);
      await core.summary.addRaw(planMarkdown, true).write();

      const result = await apply(plan, target, {
        maxDeletes,
        maxDeletesSetting: `input '${Inputs.maxDeletes}'`,
        progress: (m) => core.info(m),
      });
      const markdown = renderApplyMarkdown(result);
      core.info(renderApplyText(result));
      core.setOutput(Outputs.ok, String(result.ok));
      core.setOutput(
        Outputs.resultJson,
        JSON.stringify({
          ok: result.ok,
          writes: result.writes,
          results: result.results.map((r) => ({
            key: r.change.key,
            action: r.change.action,
            outcome: r.outcome,
            error: r.error,
          })),
        }),
      );
      core.setOutput(Outputs.resultMarkdown, markdown);
      await core.summary.addRaw(markdown, true).write();
      return { plan, result, markdown };
    }).catch((e: unknown) => {
      if (e instanceof LockHeldError) throw new ActionInputError(e.message);
      throw e;
    });
    const { plan, result, markdown } = locked;

    if (driftIssue && octokit) {
      if (scope !== 'all') {
        core.info(
          `Drift issue left as it is: this run covers only '${scope}'; only a run over everything updates it`,
        );
      } else {
        const url = runUrl();
        const common = { octokit, ...workflowRepository(), today, author, ...(url ? { runUrl: url } : {}) };
        const recorded = plan.hasChanges
          ? await recordCorrection({ ...common, ok: result.ok, resultMarkdown: markdown })
          : await syncDriftIssue({ ...common, drift: false, planMarkdown: '' });
        core.setOutput(Outputs.driftIssue, recorded.outcome);
        core.info(`Drift issue: ${recorded.outcome}${recorded.url ? ` (${recorded.url})` : ''}`);
      }
    }
    if (!result.ok) {
      const failed = result.results.filter((r) => r.outcome !== 'done').length;
      core.setFailed(
        `Apply incomplete: ${failed} change(s) failed or were not attempted; see the job summary`,
      );
    }
  });
}
