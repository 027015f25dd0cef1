/**
 * The report's failing resources, what changed, and the "N of M shown" line of every section cut
 * to its top N: rows as the views give them in, JSON, Markdown, HTML and CSV out.
 */
import { describe, expect, it } from 'vitest';
import { changesSentence, findingChanges, findingChangesSql } from '../../src/report/changes.js';
import {
  buildReport,
  type ComplianceReport,
  type ReportContext,
  type ReportRows,
  renderReportHtml,
  renderReportMarkdown,
} from '../../src/report/compliance.js';
import {
  allFailingResourcesSql,
  csvField,
  failingResourcesSql,
  resourceList,
  resourcesCsv,
} from '../../src/report/resources.js';

const AS_OF = '2026-11-28';
const CONTEXT: ReportContext = {
  expiringExceptions: [],
  scoreWeekAgo: null,
  freshness: { staleAfterDays: 2, trendDays: 90 },
};

/** A failing_resources row as DuckDB gives it (Athena gives the same as text). */
function failing(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account_id: `0000000000${String(10 + (i % 3))}`,
    account_name: `team-${i % 3}`,
    ou: '/Root/Workloads',
    owner: 'team-platform',
    region: 'eu-west-1',
    rule: 'security-s3-bucket-public-read-prohibited',
    category: 'security',
    severity: 'critical',
    resource_type: 'AWS::S3::Bucket',
    resource_id: `bucket-${i}`,
    first_seen: `2026-11-${String(1 + i).padStart(2, '0')}`,
    days_failing: 27 - i,
    excluded: false,
    exclusion_reason: null,
    total: 40,
    ...over,
  };
}

function rows(over: Partial<ReportRows> = {}): ReportRows {
  return {
    accountSummary: [],
    ruleSummary: [],
    categorySummary: [],
    coverage: [],
    freshness: [],
    ouSummary: [],
    failingResources: [],
    findingChanges: [],
    ...over,
  };
}

const CHANGES = [
  { since: 'yesterday', change: 'new', account_id: null, account_name: null, rule: null, findings: 12 },
  { since: 'yesterday', change: 'resolved', account_id: null, account_name: null, rule: null, findings: 40 },
  { since: 'week', change: 'new', account_id: null, account_name: null, rule: null, findings: 30 },
  { since: 'week', change: 'resolved', account_id: null, account_name: null, rule: null, findings: '55' },
  {
    since: 'yesterday',
    change: 'new',
    account_id: '000000000011',
    account_name: 'payments-prod',
    rule: null,
    findings: 12,
  },
  {
    since: 'yesterday',
    change: 'resolved',
    account_id: '000000000012',
    account_name: 'claims | dev',
    rule: null,
    findings: 40,
  },
  {
    since: 'week',
    change: 'new',
    account_id: '000000000011',
    account_name: 'payments-prod',
    rule: null,
    findings: 30,
  },
  {
    since: 'week',
    change: 'resolved',
    account_id: '000000000012',
    account_name: 'claims | dev',
    rule: null,
    findings: 55,
  },
  {
    since: 'yesterday',
    change: 'new',
    account_id: null,
    account_name: null,
    rule: 'security-a',
    findings: 2,
  },
  {
    since: 'yesterday',
    change: 'new',
    account_id: null,
    account_name: null,
    rule: 'security-b',
    findings: 10,
  },
  {
    since: 'yesterday',
    change: 'resolved',
    account_id: null,
    account_name: null,
    rule: 'security-a',
    findings: 40,
  },
  { since: 'week', change: 'new', account_id: null, account_name: null, rule: 'security-b', findings: 30 },
  {
    since: 'week',
    change: 'resolved',
    account_id: null,
    account_name: null,
    rule: 'security-a',
    findings: 55,
  },
];

describe('failing resources', () => {
  it('JSON: the first N rows as items, their count as shown and the total all rows carry', () => {
    const list = resourceList([
      failing(0),
      failing(1, { excluded: 'true', exclusion_reason: 'tag compliance:exclude=true' }),
    ]);
    expect(list.total).toBe(40);
    expect(list.shown).toBe(2);
    expect(list.items[0]).toEqual({
      accountId: '000000000010',
      accountName: 'team-0',
      ou: '/Root/Workloads',
      owner: 'team-platform',
      region: 'eu-west-1',
      rule: 'security-s3-bucket-public-read-prohibited',
      category: 'security',
      severity: 'critical',
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'bucket-0',
      firstSeen: '2026-11-01',
      daysFailing: 27,
      excluded: false,
      exclusionReason: null,
    });
    // Athena's text: 'true', '26'.
    expect(list.items[1]?.excluded).toBe(true);
    expect(resourceList([])).toEqual({ total: 0, shown: 0, items: [] });
    // --resources 0: the total alone.
    expect(resourceList([{ total: 40 }])).toEqual({ total: 40, shown: 0, items: [] });
  });

  it('a row without its resource id, or with days failing that are not a whole number, is an error naming the column', () => {
    expect(() => resourceList([failing(0, { resource_id: null })])).toThrow(
      /failing_resources: resource_id is empty/,
    );
    expect(() => resourceList([failing(0, { days_failing: 'x' })])).toThrow(
      /days_failing is not a whole number/,
    );
  });

  it('one query: oldest failure first, ties in a fixed order, LIMIT N, the total by a window', () => {
    expect(failingResourcesSql('org_compliance', 100)).toBe(
      'SELECT account_id, account_name, ou, owner, region, rule, category, severity, resource_type, resource_id, first_seen, days_failing, excluded, exclusion_reason, count(*) OVER () AS total FROM "org_compliance".failing_resources ORDER BY days_failing DESC, account_id, region, rule, resource_type, resource_id LIMIT 100',
    );
    expect(() => failingResourcesSql('org_compliance', 1.5)).toThrow(/whole number/);
    expect(failingResourcesSql('org_compliance', 0)).toBe(
      'SELECT count(*) AS total FROM "org_compliance".failing_resources',
    );
    // --min-severity: filtered in the query, so the total counts what is listed.
    expect(failingResourcesSql('org_compliance', 10, ['critical', 'high'])).toContain(
      `FROM "org_compliance".failing_resources WHERE severity IN ('critical', 'high') ORDER BY`,
    );
    expect(allFailingResourcesSql('org_compliance', [])).toContain('failing_resources WHERE false ORDER BY');
    expect(allFailingResourcesSql('org_compliance')).not.toContain('WHERE');
  });

  it('CSV (RFC 4180): a header, CRLF line ends, a field with a comma, a quote or a line break quoted, quotes doubled, null empty', () => {
    const csv = resourcesCsv([
      failing(0, {
        account_name: 'payments, prod',
        exclusion_reason: 'exception x (until 2027-01-01): "legacy"\nhost',
        excluded: true,
      }),
      failing(1, { owner: null, first_seen: new Date('2026-11-02T00:00:00Z') }),
    ]);
    expect(csv).toBe(
      [
        'account_id,account_name,ou,owner,region,rule,category,severity,resource_type,resource_id,first_seen,days_failing,excluded,exclusion_reason',
        '000000000010,"payments, prod",/Root/Workloads,team-platform,eu-west-1,security-s3-bucket-public-read-prohibited,security,critical,AWS::S3::Bucket,bucket-0,2026-11-01,27,true,"exception x (until 2027-01-01): ""legacy""\nhost"',
        '000000000011,team-1,/Root/Workloads,,eu-west-1,security-s3-bucket-public-read-prohibited,security,critical,AWS::S3::Bucket,bucket-1,2026-11-02,26,false,',
        '',
      ].join('\r\n'),
    );
    expect(resourcesCsv([])).toBe(
      'account_id,account_name,ou,owner,region,rule,category,severity,resource_type,resource_id,first_seen,days_failing,excluded,exclusion_reason\r\n',
    );
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(csvField('plain')).toBe('plain');
  });

  it('Markdown and HTML: the oldest N, with "N of M shown" pointing at the CSV', () => {
    const report = buildReport(
      rows({ failingResources: Array.from({ length: 12 }, (_, i) => failing(i)) }),
      AS_OF,
    );
    const md = renderReportMarkdown(report, CONTEXT);
    const section = md.slice(md.indexOf('### Failing resources'), md.indexOf('### Changes'));
    expect(section.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(10);
    expect(section).toContain(
      '| `000000000010` | team-0 | eu-west-1 | `security-s3-bucket-public-read-prohibited` | critical | AWS::S3::Bucket `bucket-0` | 2026-11-01 (27 d) |  |',
    );
    expect(section).toContain('_10 of 40 shown; report --format csv lists them all._');
    const html = renderReportHtml(report, CONTEXT, 3);
    const part = html.slice(html.indexOf('<h2>Failing resources</h2>'), html.indexOf('<h2>Changes</h2>'));
    expect(part.match(/<tr><td>/g)).toHaveLength(3);
    expect(part).toContain('<p><em>3 of 40 shown; report --format csv lists them all.</em></p>');
    const none = renderReportMarkdown(buildReport(rows(), AS_OF), CONTEXT);
    expect(none).toContain('### Failing resources\n\nNo failing resources.');
  });
});

describe('what changed', () => {
  it('JSON: totals, and every account and rule with a change, most changes first', () => {
    const c = findingChanges(CHANGES);
    expect(c.yesterday).toEqual({
      new: 12,
      resolved: 40,
      byAccount: [
        { accountId: '000000000012', name: 'claims | dev', new: 0, resolved: 40 },
        { accountId: '000000000011', name: 'payments-prod', new: 12, resolved: 0 },
      ],
      byRule: [
        { rule: 'security-a', new: 2, resolved: 40 },
        { rule: 'security-b', new: 10, resolved: 0 },
      ],
    });
    expect(c.week.new).toBe(30);
    expect(c.week.resolved).toBe(55);
    expect(changesSentence(c)).toBe(
      '12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago',
    );
    expect(findingChanges([])).toEqual({
      yesterday: { new: 0, resolved: 0, byAccount: [], byRule: [] },
      week: { new: 0, resolved: 0, byAccount: [], byRule: [] },
    });
  });

  it('a since or change the view does not give is an error', () => {
    expect(() => findingChanges([{ since: 'month', change: 'new', findings: 1 }])).toThrow(/since must be/);
    expect(() => findingChanges([{ since: 'week', change: 'fixed', findings: 1 }])).toThrow(/change must be/);
  });

  it('one query, grouped three ways: rows bounded by accounts and rules, not findings', () => {
    expect(findingChangesSql('org_compliance')).toContain(
      'GROUP BY GROUPING SETS ((since, change), (since, change, account_id, account_name), (since, change, rule))',
    );
  });

  it('Markdown and HTML: the sentence under the score and in the section, accounts and rules side by side, cut with "N of M shown"', () => {
    const report = buildReport(rows({ findingChanges: CHANGES }), AS_OF);
    const md = renderReportMarkdown(report, CONTEXT);
    expect(md).toContain(
      'excluded evaluations in 0 accounts. 12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago.',
    );
    const section = md.slice(md.indexOf('### Changes'), md.indexOf('### Categories'));
    expect(section).toBe(
      [
        '### Changes',
        '',
        '12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago.',
        '',
        '| account | name | new since yesterday | resolved since yesterday | new since a week ago | resolved since a week ago |',
        '|---|---|---|---|---|---|',
        '| `000000000012` | claims \\| dev | 0 | 40 | 0 | 55 |',
        '| `000000000011` | payments-prod | 12 | 0 | 30 | 0 |',
        '',
        '| rule | new since yesterday | resolved since yesterday | new since a week ago | resolved since a week ago |',
        '|---|---|---|---|---|',
        '| `security-a` | 2 | 40 | 0 | 55 |',
        '| `security-b` | 10 | 0 | 30 | 0 |',
        '',
        '',
      ].join('\n'),
    );
    const cut = renderReportMarkdown(report, CONTEXT, 1);
    expect(
      cut
        .slice(cut.indexOf('### Changes'), cut.indexOf('### Categories'))
        .match(/_1 of 2 shown; report --format json lists them all\._/g),
    ).toHaveLength(2);
    const html = renderReportHtml(report, CONTEXT, 1);
    const part = html.slice(html.indexOf('<h2>Changes</h2>'), html.indexOf('<h2>Categories</h2>'));
    expect(part).toContain(
      '<p>12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago.</p>',
    );
    expect(part).toContain(
      '<tr><td><code>000000000012</code></td><td>claims | dev</td><td>0</td><td>40</td><td>0</td><td>55</td></tr>',
    );
    expect(part.match(/<p><em>1 of 2 shown; report --format json lists them all\.<\/em><\/p>/g)).toHaveLength(
      2,
    );
  });
});

describe('"N of M shown" wherever a section is cut', () => {
  const accounts = Array.from({ length: 12 }, (_, i) => ({
    account_id: `0000000001${String(i).padStart(2, '0')}`,
    account_name: `team-${i}`,
    compliant: 10,
    non_compliant: i + 1,
    excluded: 0,
    last_snapshot: AS_OF,
  }));
  const rules = Array.from({ length: 12 }, (_, i) => ({
    rule: `security-rule-${String(i).padStart(2, '0')}`,
    category: 'security',
    compliant: 5,
    non_compliant: i + 1,
    excluded: 0,
    accounts_non_compliant: 1,
  }));
  // Two rules nobody fails: not in "Rules followed least", nor in its count.
  rules.push({ ...(rules[0] as (typeof rules)[number]), rule: 'cost-a', non_compliant: 0 });
  rules.push({ ...(rules[0] as (typeof rules)[number]), rule: 'cost-b', non_compliant: 0 });
  const coverage = Array.from({ length: 11 }, (_, i) => ({
    kind: 'not-in-catalog',
    rule: `hand-made-${i}`,
    evaluations: 3,
  }));
  const report: ComplianceReport = buildReport(
    rows({ accountSummary: accounts, ruleSummary: rules, coverage }),
    AS_OF,
  );

  it('Markdown: accounts, rules and rules outside the catalog', () => {
    const md = renderReportMarkdown(report, CONTEXT);
    const between = (from: string, to: string) => md.slice(md.indexOf(from), md.indexOf(to));
    expect(between('### Accounts to fix first', '### Rules followed least')).toContain(
      '_10 of 12 shown; report --format json lists them all._',
    );
    expect(between('### Rules followed least', '### Failing resources')).toContain(
      '_10 of 12 shown; report --format json lists them all._',
    );
    expect(md.slice(md.indexOf('### Rules outside the catalog'))).toContain(
      '_10 of 11 shown; report --format json lists them all._',
    );
    // Not cut: no note.
    const whole = renderReportMarkdown(report, CONTEXT, 20);
    expect(whole).not.toContain('shown; report --format json');
  });

  it('HTML: the same three', () => {
    const html = renderReportHtml(report, CONTEXT, 5);
    expect(
      html.match(/<p><em>5 of 12 shown; report --format json lists them all\.<\/em><\/p>/g),
    ).toHaveLength(2);
    expect(html).toContain('<p><em>5 of 11 shown; report --format json lists them all.</em></p>');
  });

  it('JSON: the lists are whole; the resources say shown and total', () => {
    const json = JSON.parse(JSON.stringify(report));
    expect(json.accounts).toHaveLength(12);
    expect(json.rules).toHaveLength(14);
    expect(json.unmanagedRules).toHaveLength(11);
    expect(json.resources).toEqual({ total: 0, shown: 0, items: [] });
  });

  it('JSON: the score a week ago and the exceptions expiring soon', () => {
    const withExtras = buildReport(rows(), AS_OF, {
      scoreWeekAgo: 0.717,
      expiringExceptions: [
        {
          id: 'legacy-volumes',
          rules: ['*'],
          accounts: [],
          tags: {},
          reason: 'migration wave 3',
          ticket: 'SEC-9',
          expires: '2026-12-10',
        },
      ],
    });
    const json = JSON.parse(JSON.stringify(withExtras));
    expect(json.scoreWeekAgo).toBe(0.717);
    expect(json.expiringExceptions).toEqual([
      {
        id: 'legacy-volumes',
        expires: '2026-12-10',
        owner: null,
        ticket: 'SEC-9',
        reason: 'migration wave 3',
      },
    ]);
  });
});
