import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { compareAccounts } from '../../discover/compare.js';
import { updateAccountsYaml } from '../../discover/write-accounts.js';
import { renderAccountChangesMarkdown } from '../../report/plan-markdown.js';
import { renderAccountChangesText } from '../../report/plan-text.js';
import { prepare, runAction } from '../common.js';
import { Inputs, Outputs } from '../names.js';

export function run(): Promise<void> {
  return runAction(async () => {
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
    if (changes.changed && core.getInput(Inputs.write) === 'true') {
      const file = join(repo.root, 'config/accounts.yaml');
      await writeFile(file, updateAccountsYaml(await readFile(file, 'utf8'), changes, today));
      core.info('Updated config/accounts.yaml');
    }
    core.setOutput(Outputs.changed, String(changes.changed));
    core.setOutput(Outputs.changesJson, JSON.stringify(changes));
    core.setOutput(Outputs.changesMarkdown, markdown);
    await core.summary.addRaw(markdown, true).write();
  });
}
