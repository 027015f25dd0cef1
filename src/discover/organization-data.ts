/**
 * The Organization's data checked before anything is compared or written (issue 14): every account
 * once, with a 12-digit id, a name, a known state and an OU path from the root. Organizations
 * itself never answers otherwise, but its answer is read page by page while the Organization
 * changes (an account moved during the walk is listed under two OUs), and the local target's
 * org.json is written by hand. Two entries for one account that disagree would make discover
 * choose one silently and rewrite accounts.yaml with it: refused instead, naming the account. Pure.
 */

import type { OrganizationSnapshot } from '../model/provider.js';
import { isRecord } from '../model/values.js';

/** The states Organizations gives an account (ListAccountsForParent's `State`). */
export const ACCOUNT_STATES = ['PENDING_ACTIVATION', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'];

/** One problem, at an index of the accounts list. */
export interface OrganizationProblem {
  /** `['accounts', 3, 'id']`. */
  at: (string | number)[];
  message: string;
}

/** `accounts[3].id`. */
export function jsonPathText(at: readonly (string | number)[]): string {
  return at.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export class OrganizationDataError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly OrganizationProblem[],
    /** Where a path is in the source (`12:7`), when it is a file. */
    locate?: (at: readonly (string | number)[]) => string,
  ) {
    super(
      `The Organization's data (${source}) is refused; nothing was compared or written:\n` +
        problems
          .map((p) => `  ${locate ? `${locate(p.at)}: ` : ''}${jsonPathText(p.at)}: ${p.message}`)
          .join('\n'),
    );
    this.name = 'OrganizationDataError';
  }
}

const FIELDS = ['name', 'state', 'ouPath'] as const;

function fieldProblems(a: Record<string, unknown>, i: number): OrganizationProblem[] {
  const at = (field: string) => ['accounts', i, field];
  const problems: OrganizationProblem[] = [];
  if (typeof a.id !== 'string' || !/^\d{12}$/.test(a.id))
    problems.push({
      at: at('id'),
      message: `${JSON.stringify(a.id ?? null)} is not an account id: expected a string of exactly 12 digits, such as "012345678901"`,
    });
  const who = typeof a.id === 'string' ? `account ${a.id}` : 'the account';
  if (typeof a.name !== 'string' || a.name.trim() === '')
    problems.push({ at: at('name'), message: `${who} has no name: expected its name in the Organization` });
  if (typeof a.state !== 'string' || !ACCOUNT_STATES.includes(a.state))
    problems.push({
      at: at('state'),
      message: `${who}: ${JSON.stringify(a.state ?? null)} is not an account state: expected one of ${ACCOUNT_STATES.join(', ')}`,
    });
  if (typeof a.ouPath !== 'string' || !/^\/[^/]+(\/[^/]+)*$/.test(a.ouPath))
    problems.push({
      at: at('ouPath'),
      message: `${who}: ${JSON.stringify(a.ouPath ?? null)} is not an OU path: expected the path from the root, such as "/Root/Workloads/Prod" (no empty OU name)`,
    });
  return problems;
}

/** Entries of one id that disagree (name, state or OU), or simply repeat. */
function duplicateProblems(accounts: readonly unknown[]): OrganizationProblem[] {
  const first = new Map<string, number>();
  const problems: OrganizationProblem[] = [];
  for (const [i, a] of accounts.entries()) {
    if (!isRecord(a) || typeof a.id !== 'string') continue;
    const seen = first.get(a.id);
    if (seen === undefined) {
      first.set(a.id, i);
      continue;
    }
    const before = accounts[seen] as Record<string, unknown>;
    const differ = FIELDS.filter((f) => before[f] !== a[f]).map(
      (f) => `${f} ${JSON.stringify(before[f])} there, ${JSON.stringify(a[f])} here`,
    );
    problems.push({
      at: ['accounts', i, 'id'],
      message:
        `account ${a.id} is listed again (first at accounts[${seen}])` +
        (differ.length ? `, and the two disagree: ${differ.join('; ')}` : '') +
        ': each account is listed once. From Organizations this happens when an account is moved while it is read: run again.',
    });
  }
  return problems;
}

/** Every problem of the Organization's accounts, in list order; empty when they can be used. */
export function organizationProblems(org: { accounts: readonly unknown[] }): OrganizationProblem[] {
  const problems: OrganizationProblem[] = [];
  for (const [i, a] of org.accounts.entries()) {
    if (!isRecord(a))
      problems.push({
        at: ['accounts', i],
        message: 'expected an account {id, name, state, ouPath, joined}',
      });
    else problems.push(...fieldProblems(a, i));
  }
  return [...problems, ...duplicateProblems(org.accounts)];
}

/** The snapshot as it is, or an OrganizationDataError naming every problem and where. */
export function checkOrganization(org: OrganizationSnapshot, source: string): OrganizationSnapshot {
  const problems = organizationProblems(org);
  if (problems.length > 0) throw new OrganizationDataError(source, problems);
  return org;
}
