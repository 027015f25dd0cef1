import { writeFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { booleanInput } from '../../github/action-inputs.js';
import { listInput, reportSettings } from '../../github/org-settings.js';
import { present } from '../../model/values.js';
import { runReportOn } from '../../pipeline/report.js';
import { renderReportHtml, renderReportMarkdown } from '../../report/compliance.js';
import { ActionInputError, prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';
import { type Delivery, deliverReport, isEmailAddress, webhookSecrets } from './deliver.js';

const FORMATS = ['md', 'json', 'html'] as const;

export function run(): Promise<void> {
  return runAction('report', async () => {
    const format = core.getInput(Inputs.format) || 'md';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new ActionInputError(
        `Input '${Inputs.format}' must be one of ${FORMATS.join(', ')}, got '${format}'`,
      );
    const dryRun = booleanInput(Inputs.dryRun);
    const webhookUrl = core.getInput(Inputs.webhookUrl);
    // The runner masks what it is told: the URL, and its secret path on its own.
    if (webhookUrl) for (const secret of webhookSecrets(webhookUrl)) core.setSecret(secret);

    const { repo, target, today } = await prepare();
    const settings = reportSettings(repo.org);
    const recipients = listInput(core.getInput(Inputs.recipients));
    const to = recipients.length ? recipients : settings.recipients;
    // Recipients are people's addresses: masked in the log whatever prints them.
    for (const address of to) core.setSecret(address);
    const bad = to.findIndex((r) => !isEmailAddress(r));
    if (bad >= 0)
      throw new ActionInputError(`Input '${Inputs.recipients}': entry ${bad + 1} is not an e-mail address`);
    const from = core.getInput(Inputs.sesFrom) || settings.from;
    if (to.length && !from)
      throw new ActionInputError(
        `Sending the report by e-mail needs the input '${Inputs.sesFrom}' (a verified SES identity)`,
      );
    const dashboardUrl = core.getInput(Inputs.dashboardUrl) || settings.dashboardUrl;

    const built = await runReportOn(target, repo, today);
    const { report } = built;
    // An input, or org.yaml's URL (validated, never empty): present or undefined.
    const context = { ...built.context, ...present({ dashboardUrl }) };
    const markdown = renderReportMarkdown(report, context);
    const html = renderReportHtml(report, context);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    core.setOutput(Outputs.reportMarkdown, markdown);
    core.setOutput(Outputs.reportJson, JSON.stringify(report));
    core.setOutput(Outputs.score, report.totals.score === null ? '' : String(report.totals.score));
    const out = core.getInput(Inputs.out);
    if (out) {
      await writeFile(out, format === 'json' ? json : format === 'html' ? html : markdown);
      core.info(`Wrote the report to ${out}`);
    }
    await core.summary.addRaw(markdown, true).write();

    const delivery: Delivery = {
      dryRun,
      ...(to.length && from
        ? { email: { from, recipients: to, region: core.getInput(Inputs.sesRegion) || repo.org.homeRegion } }
        : {}),
      ...(webhookUrl ? { webhookUrl } : {}),
    };
    const errors = await deliverReport(report, context, { markdown, html }, delivery, {
      log: (m) => core.info(m),
    });
    if (errors.length)
      core.setFailed(`The report is in the job summary, but delivery failed:\n${errors.join('\n')}`);
  });
}
