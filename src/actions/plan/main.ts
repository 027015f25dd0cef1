import * as core from '@actions/core';
import { runPlan } from '../../pipeline/plan.js';
import { renderPlanMarkdown } from '../../report/plan-markdown.js';
import { renderPlanText } from '../../report/plan-text.js';
import { prepare, runAction } from '../common.js';
import { Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction(async () => {
    const { repo, target, today } = await prepare();
    const { plan, accounts } = await runPlan(repo, target, { today, progress: (m) => core.info(m) });
    const markdown = renderPlanMarkdown(plan, accounts);
    core.info(renderPlanText(plan));
    core.setOutput(Outputs.hasChanges, String(plan.hasChanges));
    core.setOutput(Outputs.planJson, JSON.stringify({ ...plan, accounts }));
    core.setOutput(Outputs.planMarkdown, markdown);
    await core.summary.addRaw(markdown, true).write();
    if (plan.conflicts.length)
      core.setFailed(`${plan.conflicts.length} resource(s) in the plan are not owned by org-compliance`);
  });
}
