/**
 * A plan's impact on today's data in words: the scores before → after, what each changed
 * exception, tag, removed rule or excludedAccounts change covers (its top (account, rule) pairs,
 * "N of M shown"), and where new rules and returning accounts will be evaluated. Terminal lines
 * and Markdown share the sentences.
 */

import type {
  ImpactPair,
  ImpactSide,
  ImpactSubject,
  PlanImpact,
  RuleReach,
  ScoreChange,
} from '../model/impact.js';
import { percent } from './compliance.js';
import { markdownCell } from './escape.js';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `organization 71.7% → 73.9%`, with the counts that changed. */
export function scoreLine(name: string, s: ScoreChange): string {
  const { before: b, after: a } = s;
  const counts: string[] = [];
  const part = (label: string, x: number, y: number) => {
    if (x !== y) counts.push(`${label} ${x} → ${y}`);
  };
  part('compliant', b.compliant, a.compliant);
  part('non-compliant', b.nonCompliant, a.nonCompliant);
  part('excluded', b.excluded, a.excluded);
  return `${name} ${percent(b.score)} → ${percent(a.score)}${counts.length ? ` (${counts.join(', ')})` : ''}`;
}

function changed(s: ScoreChange): boolean {
  return (
    s.before.compliant !== s.after.compliant ||
    s.before.nonCompliant !== s.after.nonCompliant ||
    s.before.excluded !== s.after.excluded
  );
}

function covers(side: ImpactSide): string {
  return `${plural(side.nonCompliant, 'non-compliant evaluation')} (${side.evaluations} in all) in ${plural(side.accounts, 'account')}`;
}

/** The sentence for one subject. */
export function subjectLine(s: ImpactSubject): string {
  const leave = `${s.after.moved} leave the score`;
  const back = `${s.before.moved} count again`;
  switch (s.kind) {
    case 'exception':
      if (s.change === 'new') return `exception \`${s.name}\` (new) covers ${covers(s.after)}; ${leave}`;
      if (s.change === 'removed')
        return `exception \`${s.name}\` (removed) covered ${covers(s.before)}; ${back}`;
      return `exception \`${s.name}\` (changed) covers ${covers(s.after)}, before the change ${covers(s.before)}; ${leave}, ${back}`;
    case 'tag':
      return `exclusion tag \`${s.name}\` (changed) covers ${covers(s.after)}; the deployed tag covered ${covers(s.before)}; ${leave}, ${back}`;
    case 'rule-removed':
      return `rule \`${s.name}\` (removed): its ${plural(s.after.evaluations, 'evaluation')} in ${plural(s.after.accounts, 'account')} leave the data, ${s.after.moved} of them counted in the score (${s.after.movedNonCompliant} non-compliant)`;
    case 'excluded-accounts':
      return `rule \`${s.name}\` excludedAccounts: its ${plural(s.after.evaluations, 'evaluation')} in ${plural(s.after.accounts, 'account')} newly excluded leave the data, ${s.after.moved} of them counted in the score (${s.after.movedNonCompliant} non-compliant)`;
  }
}

/** The side whose pairs are listed: what is covered now, or for a removal what was. */
export function listedSide(s: ImpactSubject): ImpactSide {
  return s.change === 'removed' && s.kind === 'exception' ? s.before : s.after;
}

export function pairLine(p: ImpactPair): string {
  return `${p.accountId}${p.accountName ? ` (${p.accountName})` : ''} ${p.rule}: ${p.nonCompliant} non-compliant, ${p.compliant} compliant, ${p.evaluations} in all`;
}

export function shownLine(side: ImpactSide): string | undefined {
  return side.pairs > side.top.length
    ? `${side.top.length} of ${side.pairs} (account, rule) pairs shown`
    : undefined;
}

function list(values: string[], limit = 10): string {
  return values.length > limit
    ? `${values.slice(0, limit).join(', ')}, … (${limit} of ${values.length} shown)`
    : values.join(', ');
}

export function reachLine(r: RuleReach, returning: boolean): string {
  const types = r.resourceTypes.length
    ? `resource types ${list(r.resourceTypes)}`
    : 'the resource types the managed rule facts do not name';
  const where = `${plural(r.accounts.length, 'account')} (${list(r.accounts)}) in ${r.regions.join(', ')}`;
  return returning
    ? `rule \`${r.rule}\` will evaluate again in ${where} (no data there until AWS Config evaluates): ${types}`
    : `new rule \`${r.rule}\` (${r.identifier}) will evaluate ${plural(r.accounts.length, 'active account')} not excluded (${list(r.accounts)}) in ${r.regions.join(', ')}: ${types}`;
}

/** The score lines: the organization, then each category whose counts change. */
export function scoreLines(impact: PlanImpact): string[] {
  if (!impact.scores) return [];
  return [
    scoreLine('organization', impact.scores.organization),
    ...impact.scores.categories.filter(changed).map((c) => scoreLine(c.category, c)),
  ];
}

/** Terminal text: a heading and indented lines. */
export function renderImpactText(impact: PlanImpact): string[] {
  const out = ['Impact on today’s data (the newest snapshots):'];
  if (impact.status === 'skipped') out.push(`  not measured: ${impact.reason ?? 'unknown reason'}`);
  for (const line of scoreLines(impact)) out.push(`  ${line}`);
  for (const s of impact.subjects) {
    out.push(`  ${subjectLine(s)}`);
    const side = listedSide(s);
    for (const p of side.top) out.push(`      ${pairLine(p)}`);
    const shown = shownLine(side);
    if (shown) out.push(`      ${shown}`);
  }
  for (const r of impact.newRules) out.push(`  ${reachLine(r, false)}`);
  for (const r of impact.returning) out.push(`  ${reachLine(r, true)}`);
  return out;
}

/** Subjects whose (account, rule) pairs the Markdown lists in a table. */
const TABLED_SUBJECTS = 10;

/** Markdown: a section with the sentences, and each subject's pairs in a table. */
export function renderImpactMarkdown(impact: PlanImpact): string[] {
  const out = ['#### Impact on today’s data', ''];
  if (impact.status === 'skipped')
    out.push(`Not measured: ${markdownCell(impact.reason ?? 'unknown reason')}`, '');
  const scores = scoreLines(impact);
  if (scores.length) out.push(...scores.map((l, i) => (i === 0 ? `**${l}**` : `- ${l}`)), '');
  for (const s of impact.subjects) {
    out.push(`- ${markdownCell(subjectLine(s))}`);
  }
  for (const r of impact.newRules) out.push(`- ${markdownCell(reachLine(r, false))}`);
  for (const r of impact.returning) out.push(`- ${markdownCell(reachLine(r, true))}`);
  out.push('');
  // A table per subject, for the first few: a comment has a size limit, and the sentences above say it all.
  const tabled = impact.subjects.filter((s) => listedSide(s).top.length > 0);
  if (tabled.length > TABLED_SUBJECTS)
    out.push(`_Per account and rule for the first ${TABLED_SUBJECTS} of ${tabled.length} changes:_`, '');
  for (const s of tabled.slice(0, TABLED_SUBJECTS)) {
    const side = listedSide(s);
    out.push(
      `<details><summary>${s.kind === 'exception' ? 'exception' : s.kind === 'tag' ? 'exclusion tag' : 'rule'} <code>${markdownCell(s.name)}</code>: per account and rule</summary>`,
      '',
      '| account | name | rule | non-compliant | compliant | in all |',
      '|---|---|---|---|---|---|',
      ...side.top.map(
        (p) =>
          `| \`${p.accountId}\` | ${markdownCell(p.accountName ?? '')} | \`${markdownCell(p.rule)}\` | ${p.nonCompliant} | ${p.compliant} | ${p.evaluations} |`,
      ),
      '',
      ...(shownLine(side) ? [`_${shownLine(side)}_`, ''] : []),
      '</details>',
      '',
    );
  }
  return out;
}
