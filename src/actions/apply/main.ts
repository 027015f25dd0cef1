import * as core from '@actions/core';
import { apply, DEFAULT_MAX_DELETES } from '../../apply/apply.js';
import { kindInScope, parseScope, planInScope } from '../../github/scope.js';
import { runPlan } from '../../pipeline/plan.js';
import { renderApplyMarkdown, renderPlanMarkdown } from '../../report/plan-markdown.js';
import { renderApplyText } from '../../report/plan-text.js';
import { ActionInputError, prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction('apply', async () => {
    const raw = core.getInput(Inputs.maxDeletes);
    if (raw && !/^\d+$/.test(raw)) {
      throw new ActionInputError(`Input '${Inputs.maxDeletes}' must be a whole number, got '${raw}'`);
    }
    const maxDeletes = raw ? Number(raw) : DEFAULT_MAX_DELETES;
    const scope = parseScope(core.getInput(Inputs.scope));
    const { repo, target, today } = await prepare('write');
    const made = await runPlan(repo, target, {
      today,
      progress: (m) => core.info(m),
      inScope: (kind) => kindInScope(kind, scope),
    });
    const plan = planInScope(made.plan, scope);
    const { accounts } = made;
    core.summary.addRaw(renderPlanMarkdown(plan, accounts), true);
    const result = await apply(plan, target, { maxDeletes, progress: (m) => core.info(m) });
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
    if (!result.ok) {
      const failed = result.results.filter((r) => r.outcome !== 'done').length;
      core.setFailed(
        `Apply incomplete: ${failed} change(s) failed or were not attempted; see the job summary`,
      );
    }
  });
}
