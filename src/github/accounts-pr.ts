/**
 * The nightly accounts pull request: what discover found, as the change to config/accounts.yaml
 * and a body people can review at a glance. Pure apart from `nightlyDryRun`, which reads the
 * repository and the local target's Organization (files only, no network).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AccountSetChanges, compareAccounts } from '../discover/compare.js';
import { updateAccountsYaml } from '../discover/write-accounts.js';
import { ACCOUNTS_FILE } from '../load/accounts.js';
import { formatDiagnostic, loadRepository } from '../load/index.js';
import { createTarget } from '../targets.js';

/** The fixed branch of the accounts pull request: a second run finds the first run's pull request by it. */
export const ACCOUNTS_BRANCH = 'org-compliance/accounts';
export const ACCOUNTS_LABELS = ['org-compliance', 'accounts'];

export interface AccountsPullRequest {
  branch: string;
  title: string;
  body: string;
  labels: string[];
  /** Repository-relative path → full new text. */
  files: Record<string, string>;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function counts(c: AccountSetChanges): string[] {
  const parts: [number, string][] = [
    [c.added.length, 'added'],
    [c.closed.length, 'closed'],
    [c.left.length, 'left the Organization'],
    [c.reactivated.length, 'reactivated'],
    [c.renamed.length, 'renamed'],
    [c.moved.length, 'moved'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
}

export function accountsPullRequestTitle(c: AccountSetChanges): string {
  const parts = counts(c);
  return parts.length ? `Accounts: ${parts.join(', ')}` : 'Accounts: no change';
}

/** The table of accounts added, closed, renamed or moved, one row per change. */
export function accountChangesTable(c: AccountSetChanges): string {
  const rows = ['| change | account | name | detail |', '|---|---|---|---|'];
  for (const a of c.added)
    rows.push(
      `| added | \`${a.id}\` | ${cell(a.name)} | ${cell(a.ouPath)}, ${a.state}, joined ${a.joined} |`,
    );
  for (const a of c.closed) rows.push(`| closed | \`${a.id}\` | ${cell(a.name)} | ${a.from} → ${a.to} |`);
  for (const a of c.left)
    rows.push(`| left the Organization | \`${a.id}\` | ${cell(a.name)} | was in ${cell(a.ouPath)} |`);
  for (const a of c.reactivated)
    rows.push(`| reactivated | \`${a.id}\` | ${cell(a.name)} | ${a.from} → ${a.to} |`);
  for (const a of c.renamed) rows.push(`| renamed | \`${a.id}\` | ${cell(a.to)} | was ${cell(a.from)} |`);
  for (const a of c.moved)
    rows.push(`| moved | \`${a.id}\` | ${cell(a.name)} | ${cell(a.from)} → ${cell(a.to)} |`);
  return rows.join('\n');
}

export function accountsPullRequestBody(
  c: AccountSetChanges,
  options: { today: string; organizationId: string; autoMerge: boolean },
): string {
  const out = [
    '### Accounts of the Organization',
    '',
    `\`${ACCOUNTS_FILE}\` is behind AWS Organization \`${options.organizationId}\` as discover read it on ${options.today}: ${counts(c).join(', ')}.`,
    '',
    accountChangesTable(c),
    '',
    'Merging adds new accounts to the Glue table’s account projection on the next apply, so their Config',
    'data reaches the views and the dashboards; closed accounts stay queryable for',
    '`closedAccountRetentionDays` after they left ACTIVE.',
    '',
    `The nightly workflow maintains this pull request on the branch \`${ACCOUNTS_BRANCH}\`: it updates it when`,
    'the Organization changes again and closes it when the change is no longer needed. Commits pushed to the',
    `branch by hand are replaced; change other fields of \`${ACCOUNTS_FILE}\` in a pull request of your own.`,
  ];
  if (options.autoMerge) {
    out.push(
      '',
      `Auto-merge is on for pull requests that change only \`${ACCOUNTS_FILE}\` (\`github.autoMergeAccounts\` in`,
      '`config/org.yaml`): this one merges by itself once the required checks pass.',
    );
  }
  return `${out.join('\n')}\n`;
}

/** The pull request that brings accounts.yaml in line with the Organization. */
export function proposeAccountsChange(options: {
  accountsText: string;
  changes: AccountSetChanges;
  today: string;
  organizationId: string;
  autoMerge: boolean;
}): AccountsPullRequest {
  const { changes, today } = options;
  const text = changes.changed
    ? updateAccountsYaml(options.accountsText, changes, today)
    : options.accountsText;
  return {
    branch: ACCOUNTS_BRANCH,
    title: accountsPullRequestTitle(changes),
    body: accountsPullRequestBody(changes, options),
    labels: ACCOUNTS_LABELS,
    files: { [ACCOUNTS_FILE]: text },
  };
}

export interface NightlyDryRun {
  changes: AccountSetChanges;
  /** config/accounts.yaml before and after. */
  accountsYamlBefore: string;
  accountsYaml: string;
  /** What the nightly run would send; undefined when accounts.yaml matches the Organization. */
  pullRequest?: AccountsPullRequest;
}

/**
 * The nightly discover step on the local target, without git or GitHub: reads the repository at
 * `root` and the Organization in `localDir/org.json`, and returns the new accounts.yaml and the
 * pull request the nightly workflow would open.
 */
export async function nightlyDryRun(options: {
  root: string;
  localDir: string;
  today: string;
  autoMerge?: boolean;
}): Promise<NightlyDryRun> {
  const { repository, diagnostics } = await loadRepository(options.root, { today: options.today });
  if (!repository) {
    throw new Error(
      `The repository at ${options.root} does not load:\n${diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n')}`,
    );
  }
  const target = await createTarget('local', repository.org, {
    localDir: options.localDir,
    today: options.today,
  });
  const org = await target.organization.readOrganization();
  const changes = compareAccounts(repository.accounts, org, repository.org.organizationId);
  if (changes.organizationMismatch) {
    throw new Error(
      `The Organization in ${options.localDir} is ${changes.organizationMismatch.actual}, but config/org.yaml says ${changes.organizationMismatch.expected}`,
    );
  }
  const before = await readFile(join(repository.root, ACCOUNTS_FILE), 'utf8');
  const proposal = proposeAccountsChange({
    accountsText: before,
    changes,
    today: options.today,
    organizationId: repository.org.organizationId,
    autoMerge: options.autoMerge ?? false,
  });
  return {
    changes,
    accountsYamlBefore: before,
    accountsYaml: proposal.files[ACCOUNTS_FILE] ?? before,
    ...(changes.changed ? { pullRequest: proposal } : {}),
  };
}
