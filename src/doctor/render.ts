/**
 * `doctor`'s output: one line per check (`PASS`, `WARN`, `FAIL`, `SKIP`, the check, what was
 * found), an indented `fix:` line under each warning and failure, and a closing count; or the same
 * as JSON for machines. Pure.
 */
import type { AccessMode } from '../model/config.js';
import { withoutAddresses } from '../model/redact.js';
import { type CheckResult, type CheckStatus, exitCodeOf } from './checks.js';

export interface DoctorRun {
  target: 'aws' | 'local';
  mode: AccessMode;
  checks: CheckResult[];
}

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** The checks as printed: no e-mail address in any detail or remedy. */
function printable(checks: readonly CheckResult[]): CheckResult[] {
  return checks.map((c) => ({
    ...c,
    detail: withoutAddresses(c.detail),
    ...(c.remedy === undefined ? {} : { remedy: withoutAddresses(c.remedy) }),
  }));
}

export function renderDoctorText(run: DoctorRun): string {
  const width = Math.max(...run.checks.map((c) => c.title.length), 0);
  const lines: string[] = [];
  for (const check of printable(run.checks)) {
    lines.push(`${LABEL[check.status]}  ${check.title.padEnd(width)}  ${check.detail}`);
    if (check.remedy) lines.push(`      ${' '.repeat(width)}  fix: ${check.remedy}`);
  }
  lines.push(summaryLine(run));
  return lines.join('\n');
}

/** `doctor (aws, read mode): 9 passed, 1 warning, 1 failed, 2 skipped`. */
export function summaryLine(run: DoctorRun): string {
  const count = (status: CheckStatus) => run.checks.filter((c) => c.status === status).length;
  const parts = [
    `${count('pass')} passed`,
    `${count('warn')} warning${count('warn') === 1 ? '' : 's'}`,
    `${count('fail')} failed`,
    `${count('skip')} skipped`,
  ];
  return `doctor (${run.target}, ${run.mode} mode): ${parts.join(', ')}`;
}

/** The run as JSON: `{target, mode, ok, exitCode, checks: [{id, title, status, detail, remedy?}]}`. */
export function renderDoctorJson(run: DoctorRun): string {
  const exitCode = exitCodeOf(run.checks);
  return JSON.stringify(
    { target: run.target, mode: run.mode, ok: exitCode === 0, exitCode, checks: printable(run.checks) },
    null,
    2,
  );
}
