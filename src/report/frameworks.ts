/**
 * Frameworks in the compliance report: the score per framework and per framework control
 * (framework_summary), each framework with its display name and its controls worst first; the
 * Markdown and HTML sections show each framework's worst controls, "N of M shown". Pure.
 */
import { FRAMEWORKS, frameworkName } from '../model/frameworks.js';
import { htmlText as esc, markdownCell as md } from './escape.js';
import { shownOf } from './snapshot-delivery.js';
import { countIn, scoredCounts } from './view-values.js';

type Row = Record<string, unknown>;

interface FrameworkCounts {
  compliant: number;
  nonCompliant: number;
  excluded: number;
  score: number | null;
}

/** One control of a framework: the catalog rules that map to it and their evaluations. */
export interface ControlLine extends FrameworkCounts {
  control: string;
  rules: number;
}

/** One framework as the JSON report gives it: every rule once, and its controls worst first. */
export interface FrameworkLine extends FrameworkCounts {
  framework: string;
  name: string;
  controls: ControlLine[];
}

/** Lowest score first, controls without a score last; ties by most non-compliant, then id. */
function worstFirst(a: ControlLine, b: ControlLine): number {
  if (a.score === null || b.score === null)
    return a.score === null ? (b.score === null ? a.control.localeCompare(b.control) : 1) : -1;
  return (
    a.score - b.score ||
    b.nonCompliant - a.nonCompliant ||
    a.control.localeCompare(b.control, 'en', { numeric: true })
  );
}

function frameworkOrder(framework: string): number {
  const at = (FRAMEWORKS as readonly string[]).indexOf(framework);
  return at < 0 ? FRAMEWORKS.length : at;
}

/** framework_summary's rows as frameworks (the `all` rows) with their controls. */
export function frameworkLines(rows: readonly Row[]): FrameworkLine[] {
  const frameworks = new Map<string, FrameworkLine>();
  const line = (framework: string): FrameworkLine => {
    let f = frameworks.get(framework);
    if (!f) {
      f = {
        framework,
        name: frameworkName(framework),
        compliant: 0,
        nonCompliant: 0,
        excluded: 0,
        score: null,
        controls: [],
      };
      frameworks.set(framework, f);
    }
    return f;
  };
  for (const r of rows) {
    const f = line(String(r.framework));
    if (r.control === 'all') Object.assign(f, scoredCounts(r, 'framework'));
    else
      f.controls.push({
        control: String(r.control),
        rules: countIn(r.rules, 'framework'),
        ...scoredCounts(r, 'framework'),
      });
  }
  const list = [...frameworks.values()];
  for (const f of list) f.controls.sort(worstFirst);
  return list.sort(
    (a, b) =>
      frameworkOrder(a.framework) - frameworkOrder(b.framework) || a.framework.localeCompare(b.framework),
  );
}

/** Controls with a non-compliant evaluation, worst first: the ones a section lists. */
function failing(f: FrameworkLine): ControlLine[] {
  return f.controls.filter((c) => c.nonCompliant > 0);
}

/** The Markdown "Frameworks" section's lines (without its heading). */
export function frameworksMarkdown(
  frameworks: readonly FrameworkLine[],
  top: number,
  percent: (v: number | null) => string,
): string[] {
  if (frameworks.length === 0) return ['No catalog rule maps to a framework control.'];
  const out = [
    '| framework | score | non-compliant | compliant | excluded | controls |',
    '|---|---|---|---|---|---|',
    ...frameworks.map(
      (f) =>
        `| ${md(f.name)} | ${percent(f.score)} | ${f.nonCompliant} | ${f.compliant} | ${f.excluded} | ${f.controls.length} |`,
    ),
  ];
  for (const f of frameworks) {
    const worst = failing(f);
    if (worst.length === 0) continue;
    const shown = worst.slice(0, top);
    out.push('', `**${md(f.name)}: controls with failures, worst first**`, '');
    out.push('| control | score | non-compliant | compliant | rules |', '|---|---|---|---|---|');
    for (const c of shown)
      out.push(
        `| ${md(c.control)} | ${percent(c.score)} | ${c.nonCompliant} | ${c.compliant} | ${c.rules} |`,
      );
    const note = shownOf(shown.length, worst.length);
    if (note) out.push('', `_${note}_`);
  }
  return out;
}

/** The HTML "Frameworks" section's body (without its heading). */
export function frameworksHtml(
  frameworks: readonly FrameworkLine[],
  top: number,
  table: (head: string[], body: string[][]) => string,
  bar: (v: number | null) => string,
): string {
  if (frameworks.length === 0) return '<p>No catalog rule maps to a framework control.</p>';
  const out = [
    table(
      ['framework', 'score', 'non-compliant', 'compliant', 'excluded', 'controls'],
      frameworks.map((f) => [
        esc(f.name),
        bar(f.score),
        String(f.nonCompliant),
        String(f.compliant),
        String(f.excluded),
        String(f.controls.length),
      ]),
    ),
  ];
  for (const f of frameworks) {
    const worst = failing(f);
    if (worst.length === 0) continue;
    const shown = worst.slice(0, top);
    out.push(
      `<h3>${esc(f.name)}: controls with failures, worst first</h3>`,
      table(
        ['control', 'score', 'non-compliant', 'compliant', 'rules'],
        shown.map((c) => [
          esc(c.control),
          bar(c.score),
          String(c.nonCompliant),
          String(c.compliant),
          String(c.rules),
        ]),
      ),
    );
    const note = shownOf(shown.length, worst.length);
    if (note) out.push(`<p><em>${esc(note)}</em></p>`);
  }
  return out.join('\n');
}
