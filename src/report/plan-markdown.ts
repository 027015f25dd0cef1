import type { AccountSetChanges } from '../discover/compare.js';
import type { ApplyResult, Change, Plan } from '../model/plan.js';
import { markdownCell } from './escape.js';
import { renderImpactMarkdown } from './plan-impact.js';
import { describeDiff, summaryLine } from './plan-text.js';

const ICON: Record<Change['action'], string> = { create: '➕', update: '✏️', delete: '🗑️', 'no-op': '' };

/** Markdown for a PR comment or job summary: a summary line, a table of changes, details per update. */
export function renderPlanMarkdown(plan: Plan, accounts?: AccountSetChanges): string {
  const out: string[] = ['### org-compliance plan', '', `**${summaryLine(plan)}**`, ''];
  const changed = plan.changes.filter((c) => c.action !== 'no-op');
  if (changed.length) {
    out.push('| | action | kind | name | region | fields |', '|---|---|---|---|---|---|');
    for (const c of changed) {
      const paths = c.description
        ? [...new Set(c.diffs.map((d) => d.path.split('.').slice(0, 2).join('.')))]
        : c.diffs.map((d) => d.path);
      const fields = c.action === 'update' ? paths.map((p) => `\`${p}\``).join(', ') : '';
      out.push(
        `| ${ICON[c.action]} | ${c.action} | ${c.kind} | \`${markdownCell(c.name)}\` | ${c.region} | ${fields} |`,
      );
    }
    out.push('');
    const updates = changed.filter((c) => c.action === 'update');
    if (updates.length) {
      out.push('<details><summary>Field changes</summary>', '');
      for (const c of updates) {
        out.push(`**${c.kind} \`${c.name}\` (${c.region})**`, '');
        if (c.description) for (const line of c.description) out.push(`- ${markdownCell(line)}`);
        else for (const d of c.diffs) out.push(`- \`${d.path}\`: ${markdownCell(describeDiff(d))}`);
        out.push('');
      }
      out.push('</details>', '');
    }
  }
  const problems = [...plan.conflicts, ...plan.notices.filter((n) => n.level !== 'info')];
  if (problems.length) {
    out.push('#### Needs attention', '');
    for (const n of problems)
      out.push(`- ${n.level === 'error' ? '⛔' : '⚠️'} ${markdownCell(n.message.split('\n')[0] ?? '')}`);
    out.push('');
  }
  // After the problems: a long impact cut at the comment's size limit keeps them.
  if (plan.impact) out.push(...renderImpactMarkdown(plan.impact));
  const notes = plan.notices.filter((n) => n.level === 'info');
  if (notes.length) {
    out.push('#### Notes', '');
    for (const n of notes) out.push(`- ℹ️ ${markdownCell(n.message.split('\n')[0] ?? '')}`);
    out.push('');
  }
  if (accounts?.changed) {
    out.push(
      '#### Accounts',
      '',
      `config/accounts.yaml is behind the Organization: ${accounts.added.length} added, ${accounts.closed.length + accounts.left.length} closed or gone, ${accounts.renamed.length} renamed, ${accounts.moved.length} moved. Run \`org-compliance discover --write\`.`,
      '',
    );
  }
  return out.join('\n');
}

export function renderApplyMarkdown(result: ApplyResult): string {
  const out = ['### org-compliance apply', ''];
  const count = (o: string) => result.results.filter((r) => r.outcome === o).length;
  out.push(
    `**${result.ok ? 'Complete' : 'INCOMPLETE'}**: ${count('done')} done, ${count('failed')} failed, ${count('skipped')} not attempted.`,
    '',
  );
  if (result.results.length) {
    out.push('| outcome | action | kind | name | region | error |', '|---|---|---|---|---|---|');
    for (const r of result.results) {
      out.push(
        `| ${r.outcome} | ${r.change.action} | ${r.change.kind} | \`${markdownCell(r.change.name)}\` | ${r.change.region} | ${markdownCell(r.error ?? '')} |`,
      );
    }
  }
  return out.join('\n');
}

/** A table of account changes, for the discover pull request and job summary. */
export function renderAccountChangesMarkdown(c: AccountSetChanges): string {
  const out = ['### org-compliance discover', ''];
  if (!c.changed) {
    out.push('config/accounts.yaml matches the Organization.');
    return out.join('\n');
  }
  out.push(
    `${c.added.length} added, ${c.closed.length + c.left.length} closed or gone, ${c.reactivated.length} reactivated, ${c.renamed.length} renamed, ${c.moved.length} moved.`,
    '',
    '| change | account | name | detail |',
    '|---|---|---|---|',
  );
  for (const a of c.added)
    out.push(
      `| added | \`${a.id}\` | ${markdownCell(a.name)} | ${markdownCell(a.ouPath)}, ${a.state}, joined ${a.joined} |`,
    );
  for (const a of c.closed)
    out.push(`| closed | \`${a.id}\` | ${markdownCell(a.name)} | ${a.from} → ${a.to} |`);
  for (const a of c.left) out.push(`| left the Organization | \`${a.id}\` | ${markdownCell(a.name)} | |`);
  for (const a of c.reactivated)
    out.push(`| reactivated | \`${a.id}\` | ${markdownCell(a.name)} | ${a.from} → ${a.to} |`);
  for (const a of c.renamed)
    out.push(`| renamed | \`${a.id}\` | ${markdownCell(a.to)} | was ${markdownCell(a.from)} |`);
  for (const a of c.moved)
    out.push(
      `| moved | \`${a.id}\` | ${markdownCell(a.name)} | ${markdownCell(a.from)} → ${markdownCell(a.to)} |`,
    );
  return out.join('\n');
}
