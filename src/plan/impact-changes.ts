/**
 * Which changes of a plan move evaluations in or out of the score: the exceptions' reference data,
 * the catalog's reference data and the Organization Config Rules (removed, added, excludedAccounts),
 * and the views that carry the exclusion tag. Pure: read from the plan's before and after.
 */
import { referenceTableName } from '../desired/reference-data.js';
import { stringLiteral } from '../desired/views.js';
import type { Repository } from '../model/config.js';
import type { ImpactChanges } from '../model/impact.js';
import type { Change, ChangeOf, Plan } from '../model/plan.js';
import type { TableCell } from '../model/resources.js';

/** The rows of a reference table's data, grouped by its key column, each group as one text. */
function rowsByKey(properties: ChangeOf<'table-data'>['before']): Map<string, string> {
  const out = new Map<string, TableCell[][]>();
  if (!properties) return new Map();
  const at = properties.columns.indexOf(properties.keyColumn);
  for (const row of properties.rows) {
    const key = String(row[at] ?? '');
    out.set(key, [...(out.get(key) ?? []), row]);
  }
  return new Map([...out].map(([k, rows]) => [k, JSON.stringify(rows.map((r) => JSON.stringify(r)).sort())]));
}

function tableData(plan: Plan, table: string): ChangeOf<'table-data'> | undefined {
  return plan.changes.find(
    (c): c is ChangeOf<'table-data'> =>
      c.kind === 'table-data' && (c.after ?? c.before)?.table.endsWith(`.${table}`) === true,
  );
}

function exceptionChanges(plan: Plan): ImpactChanges['exceptions'] {
  const change = tableData(plan, referenceTableName('exceptions'));
  if (!change || change.action === 'no-op') return [];
  const before = rowsByKey(change.before);
  const after = rowsByKey(change.after);
  const out: ImpactChanges['exceptions'] = [];
  for (const [id, rows] of after) {
    const was = before.get(id);
    if (was === undefined) out.push({ id, change: 'new' });
    else if (was !== rows) out.push({ id, change: 'changed' });
  }
  for (const id of before.keys()) if (!after.has(id)) out.push({ id, change: 'removed' });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Rule names added to and removed from the catalog: its reference data, else the rules themselves. */
function catalogChanges(plan: Plan): { removed: string[]; added: string[] } {
  const catalog = tableData(plan, referenceTableName('catalog_rules'));
  const names = (p: ChangeOf<'table-data'>['before']) => new Set(rowsByKey(p).keys());
  let before: Set<string>;
  let after: Set<string>;
  if (catalog && catalog.action !== 'create') {
    before = names(catalog.before);
    after = names(catalog.after);
  } else {
    // Out of scope (a run over the rules only): a rule is new where it is created in every
    // region it is planned in, gone where it is deleted in every one.
    const rules = plan.changes.filter((c): c is ChangeOf<'config-rule'> => c.kind === 'config-rule');
    const byName = new Map<string, Change['action'][]>();
    for (const c of rules) byName.set(c.name, [...(byName.get(c.name) ?? []), c.action]);
    before = new Set([...byName].filter(([, a]) => a.some((x) => x !== 'create')).map(([n]) => n));
    after = new Set([...byName].filter(([, a]) => a.some((x) => x !== 'delete')).map(([n]) => n));
  }
  return {
    removed: [...before].filter((r) => !after.has(r)).sort(),
    added: [...after].filter((r) => !before.has(r)).sort(),
  };
}

function excludedAccountChanges(plan: Plan): ImpactChanges['excludedAccounts'] {
  const byRule = new Map<string, { rule: string; added: string[]; removed: string[] }>();
  for (const c of plan.changes) {
    if (c.kind !== 'config-rule' || c.action !== 'update' || !c.before || !c.after) continue;
    const was = new Set(c.before.excludedAccounts);
    const now = new Set(c.after.excludedAccounts);
    const added = [...now].filter((a) => !was.has(a)).sort();
    const removed = [...was].filter((a) => !now.has(a)).sort();
    if (added.length + removed.length === 0 || byRule.has(c.after.name)) continue;
    byRule.set(c.after.name, { rule: c.after.name, added, removed });
  }
  return [...byRule.values()].sort((a, b) => (a.rule < b.rule ? -1 : 1));
}

/**
 * The exclusion tag changed when a deployed view whose source uses the tag's placeholders is
 * updated and its deployed text lacks the literal the repository's tag makes.
 */
function tagChanged(plan: Plan, repo: Repository): boolean {
  const tag = repo.org.compliance.excludeTag;
  const literals = tag ? [stringLiteral(tag.key), stringLiteral(tag.value)] : ['cast(null as varchar)'];
  const usesTag = new Set(
    repo.views.filter((v) => /\{\{\s*exclude_tag_(key|value)\s*\}\}/.test(v.text)).map((v) => v.name),
  );
  return plan.changes.some(
    (c) =>
      c.kind === 'athena-view' &&
      c.action === 'update' &&
      c.before !== undefined &&
      usesTag.has(c.before.name) &&
      literals.some((l) => !(c.before?.sql ?? '').toLowerCase().includes(l.toLowerCase())),
  );
}

/** The plan's changes that move evaluations in or out of the score. */
export function impactChanges(plan: Plan, repo: Repository): ImpactChanges {
  const catalog = catalogChanges(plan);
  const changes: ImpactChanges = {
    exceptions: exceptionChanges(plan),
    removedRules: catalog.removed,
    newRules: catalog.added,
    excludedAccounts: excludedAccountChanges(plan),
  };
  if (tagChanged(plan, repo)) changes.tag = repo.org.compliance.excludeTag ?? null;
  return changes;
}

/** Whether any change needs today's data (a new rule, or accounts a rule returns to, do not). */
export function needsData(c: ImpactChanges): boolean {
  return (
    c.exceptions.length > 0 ||
    c.tag !== undefined ||
    c.removedRules.length > 0 ||
    c.excludedAccounts.some((e) => e.added.length > 0)
  );
}

/** Whether the plan has any change an impact is shown for. */
export function hasImpactChanges(c: ImpactChanges): boolean {
  return needsData(c) || c.newRules.length > 0 || c.excludedAccounts.length > 0;
}
