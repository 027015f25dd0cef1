/** Input and output names of the actions, in one place (they must match each action.yml). */
export const Inputs = {
  root: 'root',
  target: 'target',
  localDir: 'local-dir',
  strict: 'strict',
  maxDeletes: 'max-deletes',
  write: 'write',
  today: 'today',
  // Workflows (plan, apply, discover, report).
  scope: 'scope',
  dryRun: 'dry-run',
  githubToken: 'github-token',
  botLogin: 'bot-login',
  prComment: 'pr-comment',
  driftIssue: 'drift-issue',
  pullRequest: 'pull-request',
  base: 'base',
  autoMerge: 'auto-merge',
  // report
  format: 'format',
  out: 'out',
  sesFrom: 'ses-from',
  sesRegion: 'ses-region',
  recipients: 'recipients',
  webhookUrl: 'webhook-url',
  dashboardUrl: 'dashboard-url',
} as const;

export const Outputs = {
  hasChanges: 'has-changes',
  planJson: 'plan-json',
  planMarkdown: 'plan-markdown',
  ok: 'ok',
  resultJson: 'result-json',
  resultMarkdown: 'result-markdown',
  changed: 'changed',
  changesJson: 'changes-json',
  changesMarkdown: 'changes-markdown',
  // Workflows.
  commentUrl: 'comment-url',
  driftIssue: 'drift-issue',
  pullRequestOutcome: 'pull-request-outcome',
  pullRequestNumber: 'pull-request-number',
  pullRequestUrl: 'pull-request-url',
  // report
  reportMarkdown: 'report-markdown',
  reportJson: 'report-json',
  score: 'score',
} as const;
