/**
 * The compacted rows of one Config snapshot file (docs/compaction.md): one per rule result of each
 * `AWS::Config::ResourceCompliance` item, with the tags of the target resource's own item in the
 * same file. Items arrive one at a time (a file of any size is streamed), in any order: the tags
 * of every resource and the results of every compliance item are collected, and joined at the end;
 * a resource's `configuration` blob is never kept. Pure: no I/O.
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

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `configuration` is an object in the file (a JSON string in some exports): either way, its fields. */
function configurationOf(item: Record<string, unknown>): Record<string, unknown> | undefined {
  const configuration = item.configuration;
  if (isRecord(configuration)) return configuration;
  if (typeof configuration !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(configuration);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
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

  add(item: unknown): void {
    if (!isRecord(item)) return;
    this.#items++;
    const type = text(item.resourceType);
    if (type === undefined) return;
    if (type !== COMPLIANCE_ITEM_TYPE) {
      const id = text(item.resourceId);
      if (id !== undefined) this.#tags.set(`${type}\u0000${id}`, tagsOf(item));
      return;
    }
    const configuration = configurationOf(item);
    const resourceType = text(configuration?.targetResourceType);
    const resourceId = text(configuration?.targetResourceId);
    const list = configuration?.configRuleList;
    if (resourceType === undefined || resourceId === undefined || !Array.isArray(list)) return;
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const rule = text(entry.configRuleName);
      const compliance = text(entry.complianceType);
      if (rule === undefined || compliance === undefined) continue;
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
