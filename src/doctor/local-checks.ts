/**
 * `doctor --target local`: the local target is a directory this tool creates and fills itself
 * (demo, apply), with no credentials, roles or services to set up, so there is nothing to check
 * beyond what `validate` checks in the repository. Said as one line rather than checks that
 * cannot fail. Pure.
 */
import { type CheckResult, skip } from './checks.js';

export function localDoctorChecks(): CheckResult[] {
  return [
    skip(
      'local',
      'local target',
      'nothing to check: it needs no credentials or services (demo and apply create its directory; validate checks the repository)',
    ),
  ];
}
