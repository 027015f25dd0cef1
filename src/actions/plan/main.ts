import * as core from '@actions/core';
import { planPublishingFromInputs } from '../../github/action-inputs.js';
import { publishPlan, publishPlanFailure } from '../../github/publish-plan.js';
import { kindInScope, parseScope, planInScope } from '../../github/scope.js';
import { runPlan } from '../../pipeline/plan.js';
import { renderPlanMarkdown } from '../../report/plan-markdown.js';
import { renderPlanText } from '../../report/plan-text.js';
import { prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction('plan', async () => {
    const scope = parseScope(core.getInput(Inputs.scope));
    const publishing = planPublishingFromInputs();
    let made: Awaited<ReturnType<typeof runPlan>>;
    try {
      const { repo, target, today } = await prepare();
      made = await runPlan(repo, target, {
        today,
        progress: (m) => core.info(m),
        inScope: (kind) => kindInScope(kind, scope),
      });
    } catch (e) {
      await publishPlanFailure(publishing, e instanceof Error ? e.message : String(e));
      throw e;
    }
    const plan = planInScope(made.plan, scope);
    const { accounts } = made;
    const markdown = renderPlanMarkdown(plan, accounts) + (scope === 'all' ? '' : `\n_Scope: ${scope}._\n`);
    core.info(renderPlanText(plan));
    core.setOutput(Outputs.hasChanges, String(plan.hasChanges));
    core.setOutput(Outputs.planJson, JSON.stringify({ ...plan, accounts }));
    core.setOutput(Outputs.planMarkdown, markdown);
    const published = await publishPlan(publishing, {
      drift: plan.hasChanges || plan.conflicts.length > 0,
      markdown,
    });
    if (published.commentUrl) core.setOutput(Outputs.commentUrl, published.commentUrl);
    if (published.driftIssue) core.setOutput(Outputs.driftIssue, published.driftIssue);
    core.summary.addRaw(markdown, true);
    for (const note of published.notes) core.summary.addRaw(`\n${note}\n`, true);
    await core.summary.write();
    if (plan.conflicts.length)
      core.setFailed(`${plan.conflicts.length} resource(s) in the plan are not owned by org-compliance`);
  });
}
