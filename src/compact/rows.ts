/**
 * The compacted rows of one Config snapshot file (docs/compaction.md): one per rule result of each
 * `AWS::Config::ResourceCompliance` item, with the tags of the target resource's own item in the
 * same file. Items arrive one at a time (a file of any size is streamed), in any order: the tags
 * of every resource and the results of every compliance item are collected, and joined at the end;
 * a resource's `configuration` blob is never kept. A field the rows are made of that holds the wrong
 * type (a `configRuleList` that is not an array, a `complianceType` that is a number) makes the
 * whole file unreadable (SnapshotShapeError, with its JSON path): dropping only that item would
 * change the figures without anyone knowing (docs/compaction.md, "Unreadable snapshot files").
 * Pure: no I/O.
 */

import { compareText, isRecord } from '../model/values.js';

/** The Config resource type of an item that holds rule results for a target resource. */
export const COMPLIANCE_ITEM_TYPE = 'AWS::Config::ResourceCompliance';

export interface CompactRow {
  account_id: string;
  region: string;
  /**
   * As the member account sees it: `OrgConfigRule-<name>-<suffix>`, or another source's name.
   * Written to the table only for the latter (rowLines): an organization rule is `org_rule_name`.
   */
  member_rule_name: string;
  /**
   * `<name>` of an Organization Config Rule's member name `OrgConfigRule-<name>-<suffix>` (the
   * suffix differs per account and region, so there are as many member names as rules × accounts
   * × regions); null for a rule from elsewhere. Not the catalog's say: whether `<name>` is in the catalog is the views'.
   */
  org_rule_name: string | null;
  resource_type: string;
  resource_id: string;
  compliance_type: string;
  /** The target's tags (keys case-sensitive), or null when the file has no item for the target. */
  tags: Record<string, string> | null;
}

export interface SnapshotFileRef {
  account: string;
  region: string;
  /** `s3://<bucket>/<key>`. */
  uri: string;
}

interface RuleResult {
  resourceType: string;
  resourceId: string;
  rule: string;
  compliance: string;
}

/** A snapshot file whose JSON is not what Config writes: `path` says where (`configurationItems[3].…`). */
export class SnapshotShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
    found: unknown,
    /** Said instead of describeJson(found). */
    foundText?: string,
  ) {
    super(`${path}: expected ${expected}, found ${foundText ?? describeJson(found)}`);
    this.name = 'SnapshotShapeError';
  }
}

/** `null`, `an array`, `the number 3`, `a string`: what a JSON value is, for messages (never its text). */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (typeof value === 'string') return 'a string';
  return 'an object';
}

/** The string at `path`; a SnapshotShapeError when it is anything else (absent included). */
function requiredText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new SnapshotShapeError(path, 'a string', value);
  return value;
}

/** The string at `path`, or undefined when absent or null; a SnapshotShapeError for another type. */
function optionalText(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredText(value, path);
}

/**
 * `configuration` is an object in the file (a JSON string in some exports): either way, its
 * fields; undefined when it is null or absent (a deleted resource's item).
 */
function configurationOf(item: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const configuration = item.configuration;
  if (configuration === undefined || configuration === null) return undefined;
  if (isRecord(configuration)) return configuration;
  const expected = 'an object (or a JSON object in a string)';
  if (typeof configuration !== 'string') throw new SnapshotShapeError(path, expected, configuration);
  let parsed: unknown;
  try {
    parsed = JSON.parse(configuration);
  } catch {
    throw new SnapshotShapeError(path, expected, configuration, 'a string that is not JSON');
  }
  if (!isRecord(parsed)) throw new SnapshotShapeError(path, expected, parsed);
  return parsed;
}

function tagsOf(item: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!isRecord(item.tags)) return tags;
  for (const [key, value] of Object.entries(item.tags)) {
    if (typeof value === 'string') tags[key] = value;
    else if (value !== null && value !== undefined) tags[key] = String(value);
  }
  return tags;
}

/** Member names of Organization Config Rules: `OrgConfigRule-<name>-<suffix>`. */
const ORG_RULE_MEMBER_NAME = /^OrgConfigRule-(.+)-[A-Za-z0-9]+$/;

/** The organization rule's own name in a member rule name, or null. */
export function orgRuleName(memberRuleName: string): string | null {
  return ORG_RULE_MEMBER_NAME.exec(memberRuleName)?.[1] ?? null;
}

/** By resource, then rule: a resource's rows (and its tags) are adjacent, which Parquet stores once. */
function compareRows(a: CompactRow, b: CompactRow): number {
  return (
    compareText(a.resource_type, b.resource_type) ||
    compareText(a.resource_id, b.resource_id) ||
    compareText(a.member_rule_name, b.member_rule_name) ||
    compareText(a.compliance_type, b.compliance_type)
  );
}

/** Collects one file's items and gives its rows. */
export class SnapshotRows {
  readonly #file: SnapshotFileRef;
  readonly #tags = new Map<string, Record<string, string>>();
  readonly #results: RuleResult[] = [];
  #items = 0;

  constructor(file: SnapshotFileRef) {
    this.#file = file;
  }

  /** Configuration items read so far. */
  get items(): number {
    return this.#items;
  }

  /** Adds the next element of `configurationItems`; a SnapshotShapeError when it is not what Config writes. */
  add(item: unknown): void {
    const at = `configurationItems[${this.#items}]`;
    this.#items++;
    if (!isRecord(item)) throw new SnapshotShapeError(at, 'a configuration item (an object)', item);
    const type = requiredText(item.resourceType, `${at}.resourceType`);
    if (type !== COMPLIANCE_ITEM_TYPE) {
      const id = optionalText(item.resourceId, `${at}.resourceId`);
      if (id !== undefined) this.#tags.set(`${type}\u0000${id}`, tagsOf(item));
      return;
    }
    const configuration = configurationOf(item, `${at}.configuration`);
    if (configuration === undefined) return;
    const where = `${at}.configuration`;
    const resourceType = requiredText(configuration.targetResourceType, `${where}.targetResourceType`);
    const resourceId = requiredText(configuration.targetResourceId, `${where}.targetResourceId`);
    const list = configuration.configRuleList;
    if (list === undefined || list === null) return;
    if (!Array.isArray(list))
      throw new SnapshotShapeError(`${where}.configRuleList`, 'an array of rule results', list);
    for (const [i, entry] of list.entries()) {
      const path = `${where}.configRuleList[${i}]`;
      if (!isRecord(entry))
        throw new SnapshotShapeError(path, 'a rule result {configRuleName, complianceType}', entry);
      const rule = requiredText(entry.configRuleName, `${path}.configRuleName`);
      const compliance = requiredText(entry.complianceType, `${path}.complianceType`);
      this.#results.push({ resourceType, resourceId, rule, compliance });
    }
  }

  /** Every rule result with its target's tags, sorted by rule, resource and result. */
  rows(): CompactRow[] {
    const { account, region } = this.#file;
    return this.#results
      .map((r) => ({
        account_id: account,
        region,
        member_rule_name: r.rule,
        org_rule_name: orgRuleName(r.rule),
        resource_type: r.resourceType,
        resource_id: r.resourceId,
        compliance_type: r.compliance,
        tags: this.#tags.get(`${r.resourceType}\u0000${r.resourceId}`) ?? null,
      }))
      .sort(compareRows);
  }
}
