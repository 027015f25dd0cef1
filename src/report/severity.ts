/**
 * Severity in the compliance report: the score per severity (severity_summary) shown next to the
 * plain score, each rule's severity, Security Hub controls, remediation and documentation link
 * (catalog_rules), and the `--min-severity` filter of the report's rule and resource lists. Pure.
 */
import { atLeast, isSeverity, type Severity, severityRank } from '../model/severity.js';
import { htmlText as esc } from './escape.js';
import { countIn, scoredCounts } from './view-values.js';

type Row = Record<string, unknown>;

/** One severity's evaluations on the newest snapshots, as the JSON report gives it. */
export interface SeverityLine {
  severity: Severity;
  compliant: number;
  nonCompliant: number;
  excluded: number;
  score: number | null;
  /** Catalog rules of this severity. */
  rules: number;
}

/** What the report adds to each rule of `rules[]`. */
export interface RuleFacts {
  severity: Severity;
  securityHubControls: string[];
  remediation: string | null;
  documentationUrl: string | null;
}

function text(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** The catalog's facts the report reads, one row per rule. */
export function catalogFactsSql(database: string): string {
  return `SELECT rule, severity, remediation, documentation_url, security_hub_controls FROM "${database}".catalog_rules`;
}

/** severity_summary's rows, most severe first; a severity the view does not know is refused. */
export function severityLines(rows: readonly Row[]): SeverityLine[] {
  return rows
    .map((r): SeverityLine => {
      if (!isSeverity(r.severity))
        throw new Error(`severity_summary: unknown severity ${JSON.stringify(r.severity)}`);
      return { severity: r.severity, ...scoredCounts(r, 'severity'), rules: countIn(r.rules, 'severity') };
    })
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
}

/** Each catalog rule's facts by its name, from catalog_rules. */
export function ruleFactsByName(rows: readonly Row[]): Map<string, RuleFacts> {
  const facts = new Map<string, RuleFacts>();
  for (const r of rows) {
    const controls = text(r.security_hub_controls);
    facts.set(String(r.rule), {
      severity: isSeverity(r.severity) ? r.severity : 'unrated',
      securityHubControls: controls === null ? [] : controls.split(','),
      remediation: text(r.remediation),
      documentationUrl: text(r.documentation_url),
    });
  }
  return facts;
}

/** A rule's facts; an unknown rule (no longer in catalog_rules) is unrated, with none. */
export function ruleFacts(facts: ReadonlyMap<string, RuleFacts>, rule: string): RuleFacts {
  return (
    facts.get(rule) ?? {
      severity: 'unrated',
      securityHubControls: [],
      remediation: null,
      documentationUrl: null,
    }
  );
}

/** The Markdown "By severity" lines: the score per severity, most severe first. */
export function severityMarkdown(
  lines: readonly SeverityLine[],
  percent: (v: number | null) => string,
): string[] {
  if (lines.length === 0) return [];
  return [
    '| severity | score | non-compliant | compliant | excluded | rules |',
    '|---|---|---|---|---|---|',
    ...lines.map(
      (s) =>
        `| ${s.severity} | ${percent(s.score)} | ${s.nonCompliant} | ${s.compliant} | ${s.excluded} | ${s.rules} |`,
    ),
  ];
}

/** The HTML "By severity" table; `bar` draws a score as the report does. */
export function severityHtml(
  lines: readonly SeverityLine[],
  table: (head: string[], body: string[][]) => string,
  bar: (v: number | null) => string,
): string {
  if (lines.length === 0) return '';
  return table(
    ['severity', 'score', 'non-compliant', 'compliant', 'excluded', 'rules'],
    lines.map((s) => [
      esc(s.severity),
      bar(s.score),
      String(s.nonCompliant),
      String(s.compliant),
      String(s.excluded),
      String(s.rules),
    ]),
  );
}

/**
 * `--min-severity`: the report's rule list keeps only rules `min` or more severe (`unrated` is the
 * least); the totals, severities, frameworks and the rest stay whole. The failing resources are
 * filtered in their query (pipeline/report.ts), so that their total counts what is listed.
 */
export function filterBySeverity<R extends { rules: { severity: string }[] }>(report: R, min: Severity): R {
  return { ...report, rules: report.rules.filter((r) => atLeast(r.severity, min)) };
}
