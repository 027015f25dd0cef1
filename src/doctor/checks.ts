/**
 * What `org-compliance doctor` reports: one result per check (pass, warn, fail, or skip when the
 * check was not run), each warning and failure with its remedy, and the exit code they add up to.
 * Also the small pure helpers the checks share: reading an AWS error's name, telling an access
 * denial, naming the principal of an STS ARN, picking a sample. Pure: no AWS SDK, no I/O.
 */
import { errorMessage } from '../model/errors.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable id, e.g. `credentials`, `role:management:read`, `snapshots`. */
  id: string;
  /** What is checked, as printed: `credentials`, `roles.management.read`, `snapshot bucket`. */
  title: string;
  status: CheckStatus;
  /** What was found (pass, warn, fail) or why the check did not run (skip). */
  detail: string;
  /** What to change, and where (warn and fail only). */
  remedy?: string;
}

/** Where docs/setup.md explains each part of the set-up (GitHub's heading anchors). */
export const SETUP_DOCS = {
  credentials: 'docs/setup.md#how-the-credentials-flow',
  entryRoles: 'docs/setup.md#2-the-entry-roles-data-account',
  roles: 'docs/setup.md#3-the-roles-configorgyaml-names',
  managementRead: 'docs/setup.md#org-compliance-read-management-account-rolesmanagementread',
  dataRead: 'docs/setup.md#org-compliance-data-read-data-account-rolesdataread',
  snapshots: 'docs/setup.md#before-you-start-every-account-must-deliver-config-snapshots',
  nightlyRole: 'docs/setup.md#org-compliance-github-nightly--the-nightly-jobs-on-main-read-only',
  doctor: 'docs/setup.md#check-the-set-up-doctor',
} as const;

export function pass(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: 'pass', detail };
}

export function warn(id: string, title: string, detail: string, remedy: string): CheckResult {
  return { id, title, status: 'warn', detail, remedy };
}

export function fail(id: string, title: string, detail: string, remedy: string): CheckResult {
  return { id, title, status: 'fail', detail, remedy };
}

export function skip(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: 'skip', detail };
}

/** 1 when any check failed, else 0 (warnings and skipped checks do not fail doctor). */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}

/** The first of `needed` that did not pass (warnings count as passed), as `skipped: needs …`; else undefined. */
export function blockedBy(needed: readonly (CheckResult | undefined)[]): string | undefined {
  const blocker = needed.find((r) => r !== undefined && (r.status === 'fail' || r.status === 'skip'));
  return blocker
    ? `skipped: needs ${blocker.title} (${blocker.status === 'fail' ? 'failed' : 'not checked'})`
    : undefined;
}

/** The service's name for an error (`AccessDeniedException`), or `Error`. */
export function errorNameOf(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'OrganizationAccessDeniedException',
]);

/** The caller lacks a permission (IAM, a resource policy, or an SCP said no). */
export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorNameOf(error));
}

/** No credentials at all, or credentials AWS does not accept (expired, unknown key). */
export function isCredentialsProblem(error: unknown): boolean {
  return [
    'CredentialsProviderError',
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'SignatureDoesNotMatch',
  ].includes(errorNameOf(error));
}

/** The message of an error, on one line. */
export function oneLine(error: unknown): string {
  return errorMessage(error).replace(/\s+/g, ' ').trim();
}

/**
 * Who an STS caller ARN is, without the session name: `role org-compliance-github-nightly`
 * (`arn:aws:sts::…:assumed-role/<role>/<session>`), `user deploy`, or `the root user`.
 */
export function principalOf(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const [type, name] = resource.split('/');
  if (type === 'assumed-role' && name) return `role ${name}`;
  if (type === 'user' && name) return `user ${resource.slice('user/'.length).split('/').pop()}`;
  if (type === 'role' && name) return `role ${resource.split('/').pop()}`;
  if (type === 'federated-user' && name) return `federated user ${name}`;
  if (resource === 'root') return 'the root user';
  return resource || arn;
}

/** The account of an ARN (`arn:aws:iam::111111111111:role/x` → `111111111111`). */
export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** At most `n` of `items`, spread evenly from the first to the last, in their order. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return items.slice(0, Math.max(n, 0));
  const picked: T[] = [];
  for (let k = 0; k < n; k++) {
    const item = items[Math.round((k * (items.length - 1)) / (n - 1))];
    if (item !== undefined) picked.push(item);
  }
  return picked;
}

/** `a, b, c and 4 more`: at most `max` named. */
export function someOf(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** `37.5%`. */
export function share(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(1).replace(/\.0$/, '')}%`;
}
