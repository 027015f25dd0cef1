import type { Account } from '../model/config.js';
import type { OrgAccount, OrganizationSnapshot } from '../model/provider.js';
import { checkOrganization } from './organization-data.js';

export interface AccountMove {
  id: string;
  name: string;
  from: string;
  to: string;
}

export interface AccountStateChange {
  id: string;
  name: string;
  from: string;
  to: string;
}

/** How accounts.yaml differs from the Organization. */
export interface AccountSetChanges {
  added: OrgAccount[];
  /** Left ACTIVE: suspended, pending closure, closed. */
  closed: AccountStateChange[];
  /** Back to ACTIVE (or activated after PENDING_ACTIVATION). */
  reactivated: AccountStateChange[];
  renamed: AccountMove[];
  moved: AccountMove[];
  /** In accounts.yaml, no longer in the Organization at all. */
  left: Account[];
  /** accounts.yaml says one organization, Organizations says another. */
  organizationMismatch?: { expected: string; actual: string };
  changed: boolean;
}

const INACTIVE = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

/**
 * How accounts.yaml differs from the Organization; an OrganizationDataError (nothing compared) when
 * the Organization's data lists an account twice or with a field that is not valid.
 */
export function compareAccounts(
  known: readonly Account[],
  org: OrganizationSnapshot,
  expectedOrganizationId?: string,
): AccountSetChanges {
  checkOrganization(org, `organization ${org.organizationId}`);
  const byId = new Map(known.map((a) => [a.id, a]));
  const orgIds = new Set(org.accounts.map((a) => a.id));
  const result: AccountSetChanges = {
    added: [],
    closed: [],
    reactivated: [],
    renamed: [],
    moved: [],
    left: [],
    changed: false,
  };
  for (const a of [...org.accounts].sort((x, y) => x.id.localeCompare(y.id))) {
    const k = byId.get(a.id);
    if (!k) {
      result.added.push(a);
      continue;
    }
    if (k.state !== a.state) {
      const entry = { id: a.id, name: a.name, from: k.state, to: a.state };
      if (INACTIVE.has(a.state)) result.closed.push(entry);
      else result.reactivated.push(entry);
    }
    if (k.name !== a.name) result.renamed.push({ id: a.id, name: a.name, from: k.name, to: a.name });
    if (k.ouPath !== a.ouPath) result.moved.push({ id: a.id, name: a.name, from: k.ouPath, to: a.ouPath });
  }
  for (const k of known) {
    if (!orgIds.has(k.id) && k.state !== 'CLOSED') result.left.push(k);
  }
  if (expectedOrganizationId && expectedOrganizationId !== org.organizationId) {
    result.organizationMismatch = { expected: expectedOrganizationId, actual: org.organizationId };
  }
  result.changed =
    result.added.length +
      result.closed.length +
      result.reactivated.length +
      result.renamed.length +
      result.moved.length +
      result.left.length >
    0;
  return result;
}
