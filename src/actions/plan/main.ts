import * as core from '@actions/core';
import { planPublishingFromInputs } from '../../github/action-inputs.js';
import { publishPlan, publishPlanFailure } from '../../github/publish-plan.js';
import { kindInScope, parseScope, planInScope } from '../../github/scope.js';
import { errorMessage } from '../../model/errors.js';
import { runPlan } from '../../pipeline/plan.js';
import { renderPlanMarkdown } from '../../report/plan-markdown.js';
import { renderPlanText } from '../../report/plan-text.js';
import { prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction('plan', async () => {
    const scope = parseScope(core.getInput(Inputs.scope));
    const publishing = planPublishingFromInputs(scope);
    let made: Awaited<ReturnType<typeof runPlan>>;
    try {
      const { repo, target, today } = await prepare();
      made = await runPlan(repo, target, {
        today,
        progress: (m) => core.info(m),
        inScope: (kind) => kindInScope(kind, scope),
        impact: true,
      });
    } catch (e) {
      await core.summary
        .addRaw(
          `### org-compliance plan\n\n**The plan could not be made:**\n\n\`\`\`\n${errorMessage(e)}\n\`\`\`\n`,
          true,
        )
        .write();
      await publishPlanFailure(publishing, errorMessage(e));
      throw e;
    }
    const plan = planInScope(made.plan, scope);
    const { accounts } = made;
    const markdown = renderPlanMarkdown(plan, accounts) + (scope === 'all' ? '' : `\n_Scope: ${scope}._\n`);
    core.info(renderPlanText(plan));
    // The outputs and the summary first: if publishing fails below, the run still shows the plan.
    core.setOutput(Outputs.hasChanges, String(plan.hasChanges));
    core.setOutput(Outputs.planJson, JSON.stringify({ ...plan, accounts }));
    core.setOutput(Outputs.planMarkdown, markdown);
    await core.summary.addRaw(markdown, true).write();

    const published = await publishPlan(publishing, {
      drift: plan.hasChanges || plan.conflicts.length > 0,
      markdown,
    });
    if (published.commentUrl) core.setOutput(Outputs.commentUrl, published.commentUrl);
    if (published.driftIssue) core.setOutput(Outputs.driftIssue, published.driftIssue);
    if (published.notes.length)
      await core.summary.addRaw(`\n${published.notes.join('\n\n')}\n`, true).write();
    if (plan.conflicts.length)
      core.setFailed(`${plan.conflicts.length} resource(s) in the plan are not owned by org-compliance`);
  });
}
