/**
 * The workflow inputs shared by the actions (github-token, dry-run, pr-comment, drift-issue),
 * read once at the edge. The token is masked in the log as soon as it is read.
 */

import * as core from '@actions/core';
import { Inputs } from '../actions/names.js';
import { toIsoDate } from '../model/dates.js';
import { present } from '../model/values.js';
import { createGitHubClient } from './client.js';
import { ACTIONS_BOT } from './comment.js';
import type { PlanPublishing } from './publish-plan.js';
import type { Scope } from './scope.js';
import { pullRequestNumber, runUrl, workflowRepository } from './workflow-context.js';

export function booleanInput(name: string): boolean {
  const raw = core.getInput(name).trim().toLowerCase();
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new Error(`Input '${name}' must be 'true' or 'false', got '${raw}'`);
}

/** The Octokit client for the input github-token; undefined when no token was given. */
export function githubClientFromInputs() {
  const token = core.getInput(Inputs.githubToken);
  if (!token) return undefined;
  core.setSecret(token);
  return createGitHubClient(token, { log: (m) => core.info(m) });
}

/** Who the token acts as (input bot-login): `github-actions[bot]`, or a GitHub App's `<slug>[bot]`. */
export function botLogin(): string {
  const raw = core.getInput(Inputs.botLogin).trim() || ACTIONS_BOT;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/.test(raw))
    throw new Error(
      `Input '${Inputs.botLogin}' must be a GitHub login such as 'github-actions[bot]', got '${raw}'`,
    );
  return raw;
}

/** How the plan action publishes its plan, from its inputs and the event. */
export function planPublishingFromInputs(scope: Scope): PlanPublishing {
  const prComment = booleanInput(Inputs.prComment);
  const driftIssue = booleanInput(Inputs.driftIssue);
  const dryRun = booleanInput(Inputs.dryRun);
  const pr = prComment ? pullRequestNumber() : undefined;
  if (prComment && pr === undefined) core.info('pr-comment: this run is not for a pull request; no comment');
  const wants = pr !== undefined || driftIssue;
  const octokit = wants && !dryRun ? githubClientFromInputs() : undefined;
  if (wants && !dryRun && !octokit) {
    throw new Error(
      `Inputs '${Inputs.prComment}' and '${Inputs.driftIssue}' need the input '${Inputs.githubToken}'`,
    );
  }
  const url = runUrl();
  return {
    ...(octokit ? { octokit, repo: workflowRepository() } : {}),
    ...present({ pullRequest: pr }),
    driftIssue,
    scope,
    author: botLogin(),
    dryRun,
    today: core.getInput(Inputs.today) || toIsoDate(new Date()),
    ...(url ? { runUrl: url } : {}),
    log: (m) => core.info(m),
  };
}
