import { join, relative, resolve, sep } from 'node:path';
import * as core from '@actions/core';
import { formatDiagnostic, loadForRun } from '../load/index.js';
import type { AccessMode, Repository } from '../model/config.js';
import { isCalendarDate, toIsoDate } from '../model/dates.js';
import type { Target } from '../model/provider.js';
import { DEFAULT_LOCAL_DIR } from '../providers/local/store.js';
import { createTarget, TARGET_NAMES, type TargetName } from '../targets.js';
import { VERSION } from '../version.js';
import { Inputs } from './names.js';

/** A mistake in the workflow's inputs or the repository's files, not a bug. */
export class ActionInputError extends Error {
  override name = 'ActionInputError';
}

export interface ActionContext {
  repo: Repository;
  target: Target;
  today: string;
}

/** Reads the shared inputs, loads and validates the repository (errors become annotations), builds the target. */
export async function prepare(mode: AccessMode = 'read'): Promise<ActionContext> {
  const root = resolve(core.getInput(Inputs.root) || '.');
  const targetName = (core.getInput(Inputs.target) || 'aws') as TargetName;
  if (!TARGET_NAMES.includes(targetName)) {
    throw new ActionInputError(
      `Input '${Inputs.target}' must be one of ${TARGET_NAMES.join(', ')}, got '${targetName}'`,
    );
  }
  const today = core.getInput(Inputs.today) || toIsoDate(new Date());
  if (!isCalendarDate(today))
    throw new ActionInputError(`Input '${Inputs.today}' must be a date YYYY-MM-DD, got '${today}'`);
  const strict = core.getInput(Inputs.strict) === 'true';
  // On a pull request the base branch holds what was already reviewed; elsewhere, HEAD.
  const baseRef = process.env.GITHUB_BASE_REF ? `origin/${process.env.GITHUB_BASE_REF}` : 'HEAD';
  // The views' grammar is checked where @polyglot-sql/sdk is installed; a bundle run without
  // node_modules says in the log that it skipped it (the plan workflow's validate job does it).
  const { repository, diagnostics, notes } = await loadForRun({
    root,
    strict,
    today,
    baseRef,
    viewGrammar: 'if-installed',
  });
  for (const note of notes ?? []) core.info(note);
  // Annotations name files relative to the workspace, where GitHub looks for them; the
  // diagnostics name them relative to the repository root, which may be a folder inside it.
  const workspace = process.env.GITHUB_WORKSPACE;
  const annotationPath = (file: string) =>
    workspace ? relative(workspace, join(root, file)).split(sep).join('/') : file;
  for (const d of diagnostics) {
    const props = {
      file: annotationPath(d.file),
      startLine: d.line,
      startColumn: d.column,
      title: d.field || 'org-compliance',
    };
    if (d.severity === 'error') core.error(d.message, props);
    else core.warning(d.message, props);
  }
  if (!repository) {
    const count = diagnostics.filter((d) => d.severity === 'error').length;
    throw new ActionInputError(
      `${count} configuration error(s) in the repository:\n${diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n')}`,
    );
  }
  const target = await createTarget(targetName, repository.org, {
    localDir: core.getInput(Inputs.localDir) || DEFAULT_LOCAL_DIR,
    today,
    mode,
    progress: (m) => core.info(m),
  });
  return { repo: repository, target, today };
}

/**
 * The one try/catch of an action: a failure is reported with setFailed, never thrown. The first
 * line names the tool, its version and the action, before anything is read.
 */
export async function runAction(action: string, body: () => Promise<void>): Promise<void> {
  core.info(`org-compliance ${VERSION} ${action} (Node.js ${process.version})`);
  try {
    await body();
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e));
  }
}
