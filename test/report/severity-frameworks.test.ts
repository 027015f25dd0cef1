/**
 * The report's severity and framework parts: rows of severity_summary, framework_summary and
 * catalog_rules in, the JSON report's `severities`, `frameworks` and rule facts out, and the
 * Markdown and HTML sections; `--min-severity`.
 */
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type ReportContext,
  type ReportRows,
  renderReportHtml,
  renderReportMarkdown,
} from '../../src/report/compliance.js';
import { frameworkLines } from '../../src/report/frameworks.js';
import { filterBySeverity, severityLines } from '../../src/report/severity.js';

const AS_OF = '2026-11-28';
const CONTEXT: ReportContext = {
  expiringExceptions: [],
  scoreWeekAgo: null,
  freshness: { staleAfterDays: 2, trendDays: 90 },
};

const RULE_SUMMARY = [
  // Equal accounts failing: the more severe rule first, though it has fewer failures.
  {
    rule: 'cost-eip-attached',
    category: 'cost',
    compliant: 2,
    non_compliant: 9,
    excluded: 0,
    accounts_non_compliant: 3,
  },
  {
    rule: 'security-s3-bucket-public-read-prohibited',
    category: 'security',
    compliant: 40,
    non_compliant: 4,
    excluded: 1,
    accounts_non_compliant: 3,
  },
  {
    rule: 'backup-dynamodb-pitr-enabled',
    category: 'backup',
    compliant: 5,
    non_compliant: 1,
    excluded: 0,
    accounts_non_compliant: 1,
  },
  {
    rule: 'cost-dynamodb-throughput-limit-check',
    category: 'cost',
    compliant: 3,
    non_compliant: 2,
    excluded: 0,
    accounts_non_compliant: 2,
  },
];

const CATALOG = [
  {
    rule: 'security-s3-bucket-public-read-prohibited',
    severity: 'critical',
    remediation: 'Remove public read grants.',
    documentation_url:
      'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html',
    security_hub_controls: 'S3.2',
  },
  {
    rule: 'cost-eip-attached',
    severity: 'low',
    remediation: null,
    documentation_url: null,
    security_hub_controls: 'EC2.12',
  },
  {
    rule: 'backup-dynamodb-pitr-enabled',
    severity: 'medium',
    remediation: 'x',
    documentation_url: null,
    security_hub_controls: 'DynamoDB.2',
  },
  {
    rule: 'cost-dynamodb-throughput-limit-check',
    severity: 'unrated',
    remediation: null,
    documentation_url: null,
    security_hub_controls: null,
  },
];

const SEVERITY_SUMMARY = [
  { severity: 'unrated', compliant: 3, non_compliant: 2, excluded: 0, score: 0.6, rules: 1 },
  { severity: 'critical', compliant: 40, non_compliant: 4, excluded: 1, score: 40 / 44, rules: 1 },
  { severity: 'low', compliant: 2, non_compliant: 9, excluded: 0, score: 2 / 11, rules: 1 },
  { severity: 'medium', compliant: 0, non_compliant: 0, excluded: 0, score: null, rules: 1 },
];

/** framework_summary rows: PCI DSS with 12 controls, FSBP with 2. */
const FRAMEWORK_SUMMARY = [
  { framework: 'pci-dss', control: 'all', rules: 2, compliant: 42, non_compliant: 13, excluded: 1 },
  ...Array.from({ length: 12 }, (_, i) => ({
    framework: 'pci-dss',
    control: `1.${i + 1}`,
    rules: 1,
    compliant: 10,
    non_compliant: i,
    excluded: 0,
  })),
  { framework: 'aws-fsbp', control: 'all', rules: 2, compliant: 42, non_compliant: 13, excluded: 1 },
  { framework: 'aws-fsbp', control: 'S3.2', rules: 1, compliant: 40, non_compliant: 4, excluded: 1 },
  { framework: 'aws-fsbp', control: 'EC2.12', rules: 1, compliant: 2, non_compliant: 9, excluded: 0 },
];

function rows(): ReportRows {
  return {
    accountSummary: [],
    ruleSummary: RULE_SUMMARY,
    categorySummary: [],
    coverage: [],
    freshness: [],
    ouSummary: [],
    failingResources: [],
    findingChanges: [],
    severitySummary: SEVERITY_SUMMARY,
    frameworkSummary: FRAMEWORK_SUMMARY,
    catalogRules: CATALOG,
  };
}

describe('severity in the report', () => {
  it('severities: most severe first, scores from the counts', () => {
    const lines = severityLines(SEVERITY_SUMMARY);
    expect(lines.map((s) => [s.severity, s.score])).toEqual([
      ['critical', 40 / 44],
      ['medium', null],
      ['low', 2 / 11],
      ['unrated', 0.6],
    ]);
    expect(Object.keys(lines[0] ?? {})).toEqual([
      'severity',
      'compliant',
      'nonCompliant',
      'excluded',
      'score',
      'rules',
    ]);
    expect(() => severityLines([{ severity: 'severe' }])).toThrow(/unknown severity "severe"/);
  });

  it('rules carry severity, controls, remediation and link; sorted by accounts failing, then severity', () => {
    const report = buildReport(rows(), AS_OF);
    expect(report.rules.map((r) => [r.rule, r.accountsNonCompliant, r.severity])).toEqual([
      ['security-s3-bucket-public-read-prohibited', 3, 'critical'],
      ['cost-eip-attached', 3, 'low'],
      ['cost-dynamodb-throughput-limit-check', 2, 'unrated'],
      ['backup-dynamodb-pitr-enabled', 1, 'medium'],
    ]);
    expect(report.rules[0]).toEqual({
      rule: 'security-s3-bucket-public-read-prohibited',
      category: 'security',
      compliant: 40,
      nonCompliant: 4,
      excluded: 1,
      accountsNonCompliant: 3,
      severity: 'critical',
      securityHubControls: ['S3.2'],
      remediation: 'Remove public read grants.',
      documentationUrl:
        'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html',
    });
    expect(report.rules[2]?.securityHubControls).toEqual([]);
  });

  it('--min-severity keeps the rules this severe or more; totals and severities stay whole', () => {
    const report = buildReport(rows(), AS_OF);
    const high = filterBySeverity(report, 'high');
    expect(high.rules.map((r) => r.rule)).toEqual(['security-s3-bucket-public-read-prohibited']);
    expect(high.severities).toEqual(report.severities);
    expect(high.totals).toEqual(report.totals);
    expect(filterBySeverity(report, 'unrated').rules).toHaveLength(4);
    expect(filterBySeverity(report, 'medium').rules.map((r) => r.severity)).toEqual(['critical', 'medium']);
  });

  it('Markdown: a By severity table under the score; the rules table has a severity column', () => {
    const md = renderReportMarkdown(buildReport(rows(), AS_OF), CONTEXT);
    expect(md).toContain(
      [
        '### By severity',
        '',
        '| severity | score | non-compliant | compliant | excluded | rules |',
        '|---|---|---|---|---|---|',
        '| critical | 90.9% | 4 | 40 | 1 | 1 |',
        '| medium | n/a | 0 | 0 | 0 | 1 |',
        '| low | 18.2% | 9 | 2 | 0 | 1 |',
        '| unrated | 60.0% | 2 | 3 | 0 | 1 |',
      ].join('\n'),
    );
    expect(md.indexOf('### By severity')).toBeLessThan(md.indexOf('### Accounts to fix first'));
    expect(md).toContain(
      '| `security-s3-bucket-public-read-prohibited` | security | critical | 3 | 4 | 40 |',
    );
  });
});

describe('frameworks in the report', () => {
  it('frameworks in a fixed order with names; controls worst first', () => {
    const frameworks = frameworkLines(FRAMEWORK_SUMMARY);
    expect(frameworks.map((f) => [f.framework, f.name, f.controls.length])).toEqual([
      ['aws-fsbp', 'AWS Foundational Security Best Practices', 2],
      ['pci-dss', 'PCI DSS v3.2.1', 12],
    ]);
    const fsbp = frameworks[0];
    expect(fsbp && { ...fsbp, controls: fsbp.controls.map((c) => c.control) }).toEqual({
      framework: 'aws-fsbp',
      name: 'AWS Foundational Security Best Practices',
      compliant: 42,
      nonCompliant: 13,
      excluded: 1,
      score: 42 / 55,
      controls: ['EC2.12', 'S3.2'],
    });
    expect(fsbp?.controls[0]).toEqual({
      control: 'EC2.12',
      rules: 1,
      compliant: 2,
      nonCompliant: 9,
      excluded: 0,
      score: 2 / 11,
    });
    // 1.12 has 11 failures of 21, 1.1 none: worst first, numbered controls in numeric order on ties.
    expect(frameworks[1]?.controls.map((c) => c.control).slice(0, 3)).toEqual(['1.12', '1.11', '1.10']);
  });

  it('Markdown and HTML: the score per framework, each one\'s worst controls cut to the top N with "N of M shown"', () => {
    const report = buildReport(rows(), AS_OF);
    const md = renderReportMarkdown(report, CONTEXT);
    expect(md).toContain(
      [
        '### Frameworks',
        '',
        '| framework | score | non-compliant | compliant | excluded | controls |',
        '|---|---|---|---|---|---|',
        '| AWS Foundational Security Best Practices | 76.4% | 13 | 42 | 1 | 2 |',
        '| PCI DSS v3.2.1 | 76.4% | 13 | 42 | 1 | 12 |',
      ].join('\n'),
    );
    // PCI DSS: 11 controls with failures (1.1 has none), 10 shown.
    expect(md).toContain('| 1.12 | 47.6% | 11 | 10 | 1 |');
    expect(md).toContain('_10 of 11 shown; report --format json lists them all._');
    expect(md).not.toContain('| 1.2 |');
    const html = renderReportHtml(report, CONTEXT, 5);
    expect(html).toContain('<h2>Frameworks</h2>');
    expect(html).toContain('<h2>By severity</h2>');
    expect(html).toContain('<em>5 of 11 shown; report --format json lists them all.</em>');
    expect(html).not.toContain('2 of 2 shown');
  });
});
