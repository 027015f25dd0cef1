import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import * as z from 'zod';
import type { Account, ExceptionSpec, RuleSpec } from '../model/config.js';
import { daysBetween, isCalendarDate } from '../model/dates.js';
import { errorMessage } from '../model/errors.js';
import { nearest } from '../model/nearest.js';
import { accountList, type EntryPath, parseEntries } from './entries.js';
import { RULES_FILE } from './rules.js';
import { reportSchemaIssues, strictMap } from './schema.js';
import { YamlFile } from './yaml-file.js';

/**
 * Reviewed exceptions as code. The file is optional: the caller treats a missing file as
 * `exceptions: []` by passing `YamlFile.parse(EXCEPTIONS_FILE, '')` instead of the result of
 * `YamlFile.read` (which reports "file not found").
 */
export const EXCEPTIONS_FILE = 'config/exceptions.yaml';

export interface ExceptionCheckContext {
  /** When undefined (accounts.yaml broken) the account membership check is skipped. */
  accounts?: Account[] | undefined;
  /** When undefined (rules.yaml broken) rule patterns are only checked for syntax. */
  rules?: RuleSpec[] | undefined;
  /** `YYYY-MM-DD`. */
  today: string;
  /** The same file at the base revision (e.g. the PR's base); undefined = no base known: every exception counts as new. */
  previous?: ExceptionSpec[] | undefined;
  /** An exception expiring within this many days gets a warning; default 30. */
  warnDays?: number | undefined;
}

export const EXCEPTION_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const REASON_MIN = 10;
export const REASON_MAX = 500;
export const DEFAULT_WARN_DAYS = 30;

const RULE_PATTERN = /^[A-Za-z0-9_*-]+$/;
const RESOURCE_TYPE_GLOB = /^[A-Za-z0-9:*?]+$/;
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
/** Printable ASCII without space, quotes, backslash and backtick. */
const RESOURCE_ID_GLOB = /^[!#-&(-[\]-_a-~]+$/;
const RESOURCE_TYPE_MAX = 256;
const RESOURCE_ID_MAX = 768;
const TAG_KEY_MAX = 128;
const TAG_VALUE_MAX = 256;

const entrySchema = strictMap({
  id: z.string(),
  rules: z.array(z.string()).min(1, {
    error: "list at least one rule name from config/rules.yaml, or a pattern such as 'security-s3-*'",
  }),
  accounts: z.array(z.unknown()).optional(),
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  reason: z.string(),
  owner: z.string().optional(),
  ticket: z.string().optional(),
  expires: z.string(),
  /** Says that an exception covering every rule, account and resource is meant (refused otherwise). */
  coversEverything: z.boolean().optional(),
});
type Entry = z.infer<typeof entrySchema>;

const fileSchema = strictMap({
  exceptions: z.array(z.unknown()).nullable().optional(),
});

/** The exception an entry describes, before the checks that need the rest of the repository. */
function toSpec(e: Entry, accounts: string[]): ExceptionSpec {
  const spec: ExceptionSpec = {
    id: e.id,
    rules: e.rules,
    accounts,
    tags: e.tags ?? {},
    reason: e.reason.trim(),
    expires: e.expires,
  };
  if (e.resourceType !== undefined) spec.resourceType = e.resourceType;
  if (e.resourceId !== undefined) spec.resourceId = e.resourceId;
  if (e.owner !== undefined) spec.owner = e.owner;
  if (e.ticket !== undefined) spec.ticket = e.ticket;
  return spec;
}

/** Comparable form: list order and tag order do not count as a change. */
function canonical(s: ExceptionSpec): string {
  return JSON.stringify([
    s.id,
    [...s.rules].sort(),
    [...s.accounts].sort(),
    s.resourceType ?? null,
    s.resourceId ?? null,
    Object.entries(s.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    s.reason,
    s.owner ?? null,
    s.ticket ?? null,
    s.expires,
  ]);
}

function badCharacters(value: string, valid: RegExp): string {
  return [...new Set(value)]
    .filter((c) => !valid.test(c))
    .map((c) => (c === ' ' ? "' ' (space)" : `'${c}'`))
    .join(' ');
}

/** Glob to SQL LIKE pattern with ESCAPE '\': * → %, ? → _, and literal % _ \ escaped. */
export function globToLike(glob: string): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else if (c === '%' || c === '_' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Glob (`*` any run, `?` one character) as an anchored regular expression. */
function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/** Edit distance between a pattern and a name, where `*` in the pattern matches any run at no cost. */
function globDistance(pattern: string, name: string): number {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let prev: number[] = Array.from({ length: n.length + 1 }, (_, j) => j);
  for (let i = 1; i <= p.length; i++) {
    const pc = p[i - 1];
    const row: number[] = [pc === '*' ? (prev[0] ?? 0) : (prev[0] ?? 0) + 1];
    for (let j = 1; j <= n.length; j++) {
      const up = prev[j] ?? 0;
      const left = row[j - 1] ?? 0;
      const diag = prev[j - 1] ?? 0;
      row[j] = pc === '*' ? Math.min(up, left) : Math.min(up + 1, left + 1, diag + (pc === n[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[n.length] ?? 0;
}

/** Catalog names closest to a pattern that matches none, best first. */
function nearestRules(pattern: string, names: string[]): string[] {
  if (!pattern.includes('*')) return nearest(pattern, names);
  const literal = pattern.replaceAll('*', '');
  const bound = Math.max(2, Math.floor(literal.length / 3));
  return names
    .map((name) => [globDistance(pattern, name), name] as const)
    .filter(([d]) => d <= bound)
    .sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]))
    .slice(0, 3)
    .map(([, name]) => name);
}

/**
 * The document as plain values, or undefined after reporting why not. An unquoted value that
 * starts with `*` (`resourceId: *-logs`) is a YAML alias; an undefined one makes `data()` throw.
 */
function readData(file: YamlFile): { data: unknown } | undefined {
  try {
    return { data: file.data() };
  } catch (e) {
    // YamlFile.parse reports aliases to missing anchors already.
    if (file.diagnostics.some((d) => d.message.includes('is read by YAML as an alias'))) return undefined;
    const before = file.diagnostics.length;
    const walk = (node: unknown, path: (string | number)[]): void => {
      if (isAlias(node)) {
        // An empty alias (a bare `*`) is already a YAML syntax error.
        if (node.source !== '' && node.resolve(file.doc) === undefined) {
          file.error(
            path,
            `*${node.source} is read by YAML as an alias of an anchor '&${node.source}' that is not defined; quote the value: '*${node.source}'`,
          );
        }
      } else if (isMap(node)) {
        for (const item of node.items) {
          if (isPair(item)) walk(item.value, [...path, isScalar(item.key) ? String(item.key.value) : '?']);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          walk(item, [...path, i]);
        });
      }
    };
    walk(file.doc.contents, []);
    if (file.diagnostics.length === before && file.ok) {
      file.error([], `cannot read the document: ${errorMessage(e)}`);
    }
    return undefined;
  }
}

/** What the checks of every entry share: the rest of the repository, and the ids seen so far. */
interface ExceptionScope {
  ctx: ExceptionCheckContext;
  /** Catalog rule names; undefined when rules.yaml is broken. */
  ruleNames: string[] | undefined;
  /** Account ids in accounts.yaml; undefined when it is broken. */
  knownAccounts: ReadonlySet<string> | undefined;
  /** Each exception at the base revision, in its comparable form, by id. */
  previous: ReadonlyMap<string, string>;
  /** The index of the entry that first used each id. */
  ids: Map<string, number>;
}

/**
 * Validates config/exceptions.yaml. Entries with errors are left out of the result; an exception
 * that has expired (a warning when unchanged) is kept: the views stop applying it by its date.
 * Returns undefined when the file's shape is broken.
 */
export function parseExceptions(file: YamlFile, ctx: ExceptionCheckContext): ExceptionSpec[] | undefined {
  const read = readData(file);
  if (!read) return undefined;
  const { data } = read;
  if (data === null || data === undefined) return [];
  const top = fileSchema.safeParse(data);
  if (!top.success) {
    reportSchemaIssues(file, top.error, data);
    return undefined;
  }
  const scope: ExceptionScope = {
    ctx,
    ruleNames: ctx.rules?.map((r) => r.name),
    knownAccounts: ctx.accounts ? new Set(ctx.accounts.map((a) => a.id)) : undefined,
    previous: new Map((ctx.previous ?? []).map((p) => [p.id, canonical(p)])),
    ids: new Map(),
  };
  return parseEntries(file, data, 'exceptions', top.data.exceptions ?? [], entrySchema, (e, path, i) =>
    checkException(file, e, path, i, scope),
  );
}

/** Reports what is wrong with one exception that fits the schema; returns the exception it describes. */
function checkException(
  file: YamlFile,
  e: Entry,
  path: EntryPath,
  index: number,
  scope: ExceptionScope,
): ExceptionSpec {
  checkId(file, e.id, path, index, scope.ids);
  checkRulePatterns(file, e.rules, path, scope.ruleNames);
  const accounts = accountList(file, [...path, 'accounts'], e.accounts ?? [], scope.knownAccounts);
  checkResourceGlobs(file, e, path);
  checkTags(file, e.tags ?? {}, path);
  checkAccountability(file, e, path);
  checkBreadth(file, e, path, scope);
  const expires = checkExpiryDate(file, e.expires, path);
  const spec = toSpec(e, accounts);
  if (expires !== undefined) checkExpiry(file, e, expires, path, scope);
  return spec;
}

/** A resource type glob that matches every type: `*`, `AWS::*`, `AWS::*::*`. */
const EVERY_TYPE = /^(\*+|AWS::\*+(::\*+)?)$/;

/**
 * Whether the exception leaves out nothing: every rule of the catalog (when it is known; else
 * only a pattern of `*` alone), every account, and no constraint on the resource.
 */
function coversEverything(e: Entry, scope: ExceptionScope): boolean {
  const patterns = e.rules.map(globToRegExp);
  const everyRule = scope.ruleNames
    ? scope.ruleNames.length > 0 && scope.ruleNames.every((n) => patterns.some((re) => re.test(n)))
    : e.rules.some((r) => /^\*+$/.test(r));
  const listed = new Set((e.accounts ?? []).map(String));
  const everyAccount =
    listed.size === 0 ||
    (scope.knownAccounts !== undefined &&
      scope.knownAccounts.size > 0 &&
      [...scope.knownAccounts].every((a) => listed.has(a)));
  const everyResource =
    (e.resourceType === undefined || EVERY_TYPE.test(e.resourceType)) &&
    (e.resourceId === undefined || /^\*+$/.test(e.resourceId)) &&
    Object.keys(e.tags ?? {}).length === 0;
  return everyRule && everyAccount && everyResource;
}

/**
 * An exception that covers every rule, account and resource takes the whole organization out of
 * the score: refused unless `coversEverything: true` says it is meant, and that flag only where true.
 */
function checkBreadth(file: YamlFile, e: Entry, path: EntryPath, scope: ExceptionScope): void {
  const everything = coversEverything(e, scope);
  if (everything && e.coversEverything !== true) {
    file.error(
      [...path, 'rules'],
      `exception '${e.id}' covers every rule, every account and every resource: it would take the whole organization out of the score. Narrow it with accounts, resourceType, resourceId or tags; if that is really meant, say so with coversEverything: true`,
    );
  } else if (!everything && e.coversEverything === true) {
    file.error(
      [...path, 'coversEverything'],
      `exception '${e.id}' does not cover everything (its rules, accounts, resourceType, resourceId or tags narrow it); remove coversEverything, which only acknowledges an exception that covers every rule, account and resource`,
    );
  }
}

/** id: pattern and uniqueness. */
function checkId(file: YamlFile, id: string, path: EntryPath, index: number, ids: Map<string, number>): void {
  if (!EXCEPTION_ID.test(id)) {
    file.error(
      [...path, 'id'],
      `'${id}' is not a valid exception id: expected 2 to 63 lower-case letters, digits and '-', starting with a letter or digit, such as 'public-marketing-site'`,
    );
  }
  const first = ids.get(id);
  if (first !== undefined) {
    file.error(
      [...path, 'id'],
      `exception id '${id}' is used twice (first at line ${file.lineAt(['exceptions', first, 'id'])})`,
    );
  } else ids.set(id, index);
}

/** rules: syntax, duplicates, each matching at least one catalog rule (when the catalog is known). */
function checkRulePatterns(
  file: YamlFile,
  patterns: string[],
  path: EntryPath,
  ruleNames: string[] | undefined,
): void {
  const rulesSeen = new Map<string, number>();
  patterns.forEach((pattern, j) => {
    const p = [...path, 'rules', j];
    if (!RULE_PATTERN.test(pattern)) {
      file.error(
        p,
        pattern === ''
          ? "a rule name cannot be empty; write a rule name from config/rules.yaml or a pattern such as 'security-s3-*'"
          : `'${pattern}' has characters not valid in a rule name: ${badCharacters(pattern, /[A-Za-z0-9_*-]/)}; rule names use letters, digits, '-' and '_', and '*' matches any run of characters`,
      );
      return;
    }
    const seen = rulesSeen.get(pattern);
    if (seen !== undefined) {
      file.error(p, `'${pattern}' is listed twice (first at line ${file.lineAt([...path, 'rules', seen])})`);
      return;
    }
    rulesSeen.set(pattern, j);
    if (!ruleNames) return;
    const re = globToRegExp(pattern);
    if (ruleNames.some((n) => re.test(n))) return;
    const near = nearestRules(pattern, ruleNames);
    const what = pattern.includes('*') ? 'matches no rule in' : 'is not a rule in';
    file.error(
      p,
      `'${pattern}' ${what} ${RULES_FILE}${near.length ? `; nearest: ${near.join(', ')}` : '; no rule name is close'}`,
    );
  });
}

/** How a glob on a resource's type or id is checked and explained. */
interface GlobField {
  key: 'resourceType' | 'resourceId';
  /** What the field names, as in "not valid in a resource type". */
  what: string;
  /** What leaving the field out matches. */
  everything: string;
  /** The whole valid glob, and one valid character of it. */
  glob: RegExp;
  char: RegExp;
  /** Examples of valid values, after "expected". */
  examples: string;
  max: number;
  /** Any further problem of a glob made of valid characters. */
  also?: (value: string) => string | undefined;
}

const RESOURCE_TYPE_FIELD: GlobField = {
  key: 'resourceType',
  what: 'a resource type',
  everything: 'every resource type',
  glob: RESOURCE_TYPE_GLOB,
  char: /[A-Za-z0-9:*?]/,
  examples: 'a resource type such as AWS::S3::Bucket, or a glob such as AWS::S3::*',
  max: RESOURCE_TYPE_MAX,
  also: (t) =>
    !/[*?]/.test(t) && !RESOURCE_TYPE.test(t)
      ? `'${t}' is not a resource type: expected one such as AWS::S3::Bucket, or a glob such as AWS::S3::*`
      : undefined,
};

const RESOURCE_ID_FIELD: GlobField = {
  key: 'resourceId',
  what: 'a resource id',
  everything: 'every resource',
  glob: RESOURCE_ID_GLOB,
  char: /[!#-&(-[\]-_a-~]/,
  examples: "a resource id such as my-bucket or i-0abc12345, or a glob such as 'www-*'",
  max: RESOURCE_ID_MAX,
};

/** Globs on the resource type and id. */
function checkResourceGlobs(file: YamlFile, e: Entry, path: EntryPath): void {
  for (const field of [RESOURCE_TYPE_FIELD, RESOURCE_ID_FIELD]) {
    const value = e[field.key];
    const problem = value === undefined ? undefined : globProblem(field, value);
    if (problem !== undefined) file.error([...path, field.key], problem);
  }
}

function globProblem(field: GlobField, value: string): string | undefined {
  if (value === '') return `empty; leave ${field.key} out to match ${field.everything}`;
  if (!field.glob.test(value)) {
    return `'${value}' has characters not valid in ${field.what}: ${badCharacters(value, field.char)}; expected ${field.examples} ('*' any run of characters, '?' one character)`;
  }
  const also = field.also?.(value);
  if (also !== undefined) return also;
  if (value.length > field.max) return `${value.length} characters; the limit is ${field.max}`;
  return undefined;
}

/** tags: exact key and value, within the limits of AWS tags. */
function checkTags(file: YamlFile, tags: Record<string, string>, path: EntryPath): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key === '' || key.length > TAG_KEY_MAX) {
      file.error(
        [...path, 'tags'],
        `a tag key has 1 to ${TAG_KEY_MAX} characters; '${key}' has ${key.length}`,
        {
          key,
        },
      );
    }
    if (value.length > TAG_VALUE_MAX) {
      file.error(
        [...path, 'tags', key],
        `${value.length} characters; a tag value has at most ${TAG_VALUE_MAX}`,
      );
    }
  }
}

/** reason, owner, ticket: why the exception is acceptable and who answers for it. */
function checkAccountability(file: YamlFile, e: Entry, path: EntryPath): void {
  const reason = e.reason.trim();
  if (reason.length < REASON_MIN) {
    file.error(
      [...path, 'reason'],
      `${reason.length} characters; write at least ${REASON_MIN} saying why the exception is acceptable`,
    );
  } else if (reason.length > REASON_MAX) {
    file.error(
      [...path, 'reason'],
      `${reason.length} characters; the limit is ${REASON_MAX} (link the ticket for the details)`,
    );
  }
  for (const key of ['owner', 'ticket'] as const) {
    if (e[key] !== undefined && e[key].trim() === '') {
      file.error([...path, key], `expected a non-empty string, or leave ${key} out`);
    }
  }
  if (e.owner === undefined && e.ticket === undefined) {
    file.error(
      [...path, 'owner'],
      'owner or ticket is required: the team that owns the exception (owner), the review ticket (ticket), or both',
    );
  }
}

/** expires: a real date. Returns it, or undefined after reporting why not. */
function checkExpiryDate(file: YamlFile, expires: string, path: EntryPath): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    file.error(
      [...path, 'expires'],
      `expected a date 'YYYY-MM-DD' (quote it), got ${JSON.stringify(expires)}`,
    );
    return undefined;
  }
  if (!isCalendarDate(expires)) {
    file.error(
      [...path, 'expires'],
      `'${expires}' is not a calendar date: that day does not exist; expected a real date 'YYYY-MM-DD'`,
    );
    return undefined;
  }
  return expires;
}

/**
 * The expiry against today: in the past only for an exception this change does not touch (a
 * warning then), and a warning when it is near.
 */
function checkExpiry(
  file: YamlFile,
  e: Entry,
  expires: string,
  path: EntryPath,
  scope: ExceptionScope,
): void {
  const { today } = scope.ctx;
  const warnDays = scope.ctx.warnDays ?? DEFAULT_WARN_DAYS;
  const left = daysBetween(today, expires);
  const p = [...path, 'expires'];
  if (left < 0) {
    const before = scope.previous.get(e.id);
    const unchanged =
      before !== undefined &&
      before ===
        canonical(
          toSpec(
            e,
            (e.accounts ?? []).map((a) => String(a)),
          ),
        );
    if (unchanged) {
      file.warn(
        p,
        `expired on ${expires} and no longer applies; remove the exception, or renew it after a new review with a later expiry date`,
      );
    } else {
      file.error(
        p,
        `${expires} is in the past (today is ${today}): a ${before === undefined ? 'new' : 'changed'} exception must expire today or later`,
      );
    }
  } else if (left < warnDays) {
    const when = left === 0 ? 'today is its last day' : left === 1 ? '1 day left' : `${left} days left`;
    file.warn(
      p,
      `expires on ${expires} (${when}); renew it after a new review, or fix the resources before then`,
    );
  }
}

/** Parses the base revision's text leniently (no diagnostics; broken entries skipped) so that changes can be detected. */
export function previousExceptions(text: string | undefined): ExceptionSpec[] | undefined {
  if (text === undefined) return undefined;
  const file = YamlFile.parse(EXCEPTIONS_FILE, text);
  if (!file.ok) return [];
  let data: unknown;
  try {
    data = file.data();
  } catch {
    return [];
  }
  const top = fileSchema.safeParse(data ?? {});
  if (!top.success) return [];
  const out: ExceptionSpec[] = [];
  const ids = new Set<string>();
  for (const raw of top.data.exceptions ?? []) {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success || ids.has(parsed.data.id)) continue;
    const accounts = parsed.data.accounts ?? [];
    if (!accounts.every((a) => typeof a === 'string')) continue;
    ids.add(parsed.data.id);
    out.push(toSpec(parsed.data, accounts as string[]));
  }
  return out;
}
