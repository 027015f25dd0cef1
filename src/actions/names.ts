/** Input and output names of the actions, in one place (they must match each action.yml). */
export const Inputs = {
  root: 'root',
  target: 'target',
  localDir: 'local-dir',
  strict: 'strict',
  maxDeletes: 'max-deletes',
  write: 'write',
  today: 'today',
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
} as const;
