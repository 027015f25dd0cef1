import { ACCOUNT_STATES, type Account, type AccountState } from '../model/config.js';
import { isCalendarDate } from '../model/dates.js';
import { nearest } from '../model/nearest.js';
import type { YamlFile } from './yaml-file.js';

export const ACCOUNTS_FILE = 'config/accounts.yaml';

/** Keys the tool maintains; any other key on an account is a person's own field and is kept. */
export const ACCOUNT_KEYS = ['id', 'name', 'state', 'ou', 'joined', 'closed'] as const;
const ACCOUNT_ID = /^\d{12}$/;
const EXTRA_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Checks one account id value, wherever it appears (accounts.yaml, excludedAccounts). */
export function checkAccountId(file: YamlFile, path: (string | number)[], value: unknown): value is string {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const written = file.sourceAt(path) ?? String(value);
    const twelve = /^\d{12}$/.test(written) ? '' : ' (an account id has exactly 12 digits)';
    file.error(
      path,
      `account id ${written} is a number in YAML, which drops leading zeros; quote it: '${written}'${twelve}`,
    );
    return false;
  }
  if (typeof value !== 'string') {
    file.error(
      path,
      `expected an account id: a quoted string of 12 digits, got ${value === null ? 'nothing' : typeof value}`,
    );
    return false;
  }
  if (!ACCOUNT_ID.test(value)) {
    file.error(path, `'${value}' is not an account id: expected exactly 12 digits, as a quoted string`);
    return false;
  }
  return true;
}

/** An account leaves after it joins: `closed` (when both dates are valid) is not before `joined`. */
function closedAfterJoined(file: YamlFile, path: (string | number)[], e: Record<string, unknown>): boolean {
  const { joined, closed } = e;
  if (typeof joined !== 'string' || typeof closed !== 'string') return true;
  if (!isCalendarDate(joined) || !isCalendarDate(closed) || closed >= joined) return true;
  file.error(
    [...path, 'closed'],
    `${closed} is before joined (${joined}): an account leaves the organization after it joins; fix either date (discover --write sets closed to the day it first sees the account out of ACTIVE)`,
  );
  return false;
}

export function parseAccounts(file: YamlFile): Account[] | undefined {
  const data = file.data();
  if (data === null || data === undefined) {
    file.error([], "expected a mapping with 'accounts:' (a list, possibly empty)");
    return undefined;
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    file.error([], "expected a mapping with 'accounts:' (a list)");
    return undefined;
  }
  for (const key of Object.keys(data)) {
    if (key !== 'accounts') file.error([], `unknown key '${key}'; valid keys: accounts`, { key });
  }
  const list = (data as Record<string, unknown>).accounts;
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) {
    file.error(['accounts'], 'expected a list of accounts');
    return undefined;
  }
  const accounts: Account[] = [];
  const firstSeen = new Map<string, number>();
  list.forEach((entry, i) => {
    const path = ['accounts', i];
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      file.error(path, 'expected a mapping with id, name, state, ou, joined');
      return;
    }
    const e = entry as Record<string, unknown>;
    let ok = true;
    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(e)) {
      if ((ACCOUNT_KEYS as readonly string[]).includes(key)) continue;
      // A near miss is one edit away (two for the longer keys); `note` or `site` stay your own fields.
      const close = nearest(key, ACCOUNT_KEYS, 1, key.length >= 6 ? 2 : 1);
      if (close.length) {
        file.error(
          path,
          `unknown key '${key}'; did you mean '${close[0]}'? (other keys are kept as your own fields)`,
          { key },
        );
        ok = false;
      } else if (!EXTRA_KEY.test(key)) {
        file.error(path, `field name '${key}' must start with a letter and use letters, digits, '-' or '_'`, {
          key,
        });
        ok = false;
      } else {
        extra[key] = e[key];
      }
    }
    if (!checkAccountId(file, [...path, 'id'], e.id)) ok = false;
    for (const key of ['name', 'ou'] as const) {
      if (typeof e[key] !== 'string' || e[key] === '') {
        file.error(
          [...path, key],
          e[key] === undefined ? 'required field is missing' : 'expected a non-empty string',
        );
        ok = false;
      }
    }
    if (typeof e.ou === 'string' && !e.ou.startsWith('/')) {
      file.error(
        [...path, 'ou'],
        `expected an OU path from the root such as '/Root/Workloads', got '${e.ou}'`,
      );
      ok = false;
    }
    if (!ACCOUNT_STATES.includes(e.state as AccountState)) {
      file.error(
        [...path, 'state'],
        e.state === undefined
          ? `required field is missing; valid: ${ACCOUNT_STATES.join(', ')}`
          : `'${String(e.state)}' is not an account state; valid: ${ACCOUNT_STATES.join(', ')}`,
      );
      ok = false;
    }
    for (const key of ['joined', 'closed'] as const) {
      const v = e[key];
      if (v === undefined && key === 'closed') continue;
      if (typeof v !== 'string' || !isCalendarDate(v)) {
        file.error(
          [...path, key],
          v === undefined
            ? "required field is missing (a date 'YYYY-MM-DD')"
            : `expected a date 'YYYY-MM-DD', got ${JSON.stringify(v)}`,
        );
        ok = false;
      }
    }
    if (!closedAfterJoined(file, path, e)) ok = false;
    if (typeof e.id === 'string' && ACCOUNT_ID.test(e.id)) {
      const prev = firstSeen.get(e.id);
      if (prev !== undefined) {
        file.error(
          [...path, 'id'],
          `account ${e.id} is listed twice (first at line ${file.lineAt(['accounts', prev, 'id'])})`,
        );
        ok = false;
      } else firstSeen.set(e.id, i);
    }
    if (!ok) return;
    const account: Account = {
      id: e.id as string,
      name: e.name as string,
      state: e.state as AccountState,
      ouPath: e.ou as string,
      joined: e.joined as string,
      extra,
    };
    if (typeof e.closed === 'string') account.closed = e.closed;
    accounts.push(account);
  });
  return accounts;
}
