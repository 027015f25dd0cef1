import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { compareAccounts } from '../../discover/compare.js';
import { updateAccountsYaml } from '../../discover/write-accounts.js';
import { proposeAccountsChange } from '../../github/accounts-pr.js';
import { accountsDryRunMarkdown, syncAccountsPullRequest } from '../../github/accounts-sync.js';
import { booleanInput, githubClientFromInputs } from '../../github/action-inputs.js';
import { gitAuthEnv } from '../../github/git.js';
import { autoMergeAccounts } from '../../github/org-settings.js';
import { defaultBranch, workflowRepository } from '../../github/workflow-context.js';
import { renderAccountChangesMarkdown } from '../../report/plan-markdown.js';
import { renderAccountChangesText } from '../../report/plan-text.js';
import { prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction('discover', async () => {
    const pullRequest = booleanInput(Inputs.pullRequest);
    const dryRun = booleanInput(Inputs.dryRun);
    const { repo, target, today } = await prepare();
    const org = await target.organization.readOrganization((m) => core.info(m));
    const changes = compareAccounts(repo.accounts, org, repo.org.organizationId);
    core.info(renderAccountChangesText(changes));
    if (changes.organizationMismatch) {
      throw new Error(
        `The credentials reach organization ${changes.organizationMismatch.actual}, but config/org.yaml says ${changes.organizationMismatch.expected}`,
      );
    }
    const markdown = renderAccountChangesMarkdown(changes);
    let summary = markdown;
    const file = join(repo.root, 'config/accounts.yaml');
    const before = await readFile(file, 'utf8');
    if (changes.changed && core.getInput(Inputs.write) === 'true' && !dryRun) {
      await writeFile(file, updateAccountsYaml(before, changes, today));
      core.info('Updated config/accounts.yaml');
    }
    if (pullRequest) {
      const autoMergeInput = core.getInput(Inputs.autoMerge);
      const autoMerge = autoMergeInput ? booleanInput(Inputs.autoMerge) : autoMergeAccounts(repo.org);
      const proposal = proposeAccountsChange({
        accountsText: before,
        changes,
        today,
        organizationId: repo.org.organizationId,
        autoMerge,
      });
      if (dryRun) summary += accountsDryRunMarkdown(changes.changed ? proposal : undefined);
      else {
        const octokit = githubClientFromInputs();
        if (!octokit)
          throw new Error(`Input '${Inputs.pullRequest}' needs the input '${Inputs.githubToken}'`);
        const result = await syncAccountsPullRequest({
          octokit,
          // The checkout keeps no credentials (persist-credentials: false): git gets the token
          // for its own fetch and push, through the environment of those commands only.
          gitEnv: gitAuthEnv(core.getInput(Inputs.githubToken), process.env.GITHUB_SERVER_URL),
          repo: workflowRepository(),
          root: repo.root,
          base: core.getInput(Inputs.base) || defaultBranch(),
          proposal,
          accountsText: before,
          autoMerge,
          log: (m) => core.info(m),
        });
        core.setOutput(Outputs.pullRequestOutcome, result.outcome);
        if (result.number !== undefined) core.setOutput(Outputs.pullRequestNumber, String(result.number));
        if (result.url) core.setOutput(Outputs.pullRequestUrl, result.url);
        summary += `\nPull request ${result.outcome}${result.url ? `: ${result.url}` : ''}${result.autoMerge === 'enabled' ? ' (auto-merge enabled)' : ''}.\n`;
      }
    }
    core.setOutput(Outputs.changed, String(changes.changed));
    core.setOutput(Outputs.changesJson, JSON.stringify(changes));
    core.setOutput(Outputs.changesMarkdown, markdown);
    await core.summary.addRaw(summary, true).write();
  });
}
