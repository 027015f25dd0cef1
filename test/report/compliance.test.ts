import { describe, expect, it } from 'vitest';
import {
  buildReport,
  type ComplianceReport,
  type ReportContext,
  type ReportRows,
  renderReportHtml,
  renderReportMarkdown,
  type StaleLine,
} from '../../src/report/compliance.js';

const AS_OF = '2026-11-28';
const CONTEXT: ReportContext = {
  expiringExceptions: [],
  scoreWeekAgo: null,
  freshness: { staleAfterDays: 2, trendDays: 90 },
};

/** A freshness row as the view gives it. */
function freshness(
  account: string,
  name: string,
  region: string,
  last: string | null,
  state = 'ACTIVE',
): Record<string, unknown> {
  const daysSince = last === null ? null : (Date.parse(AS_OF) - Date.parse(last)) / 86_400_000;
  const status =
    last === null ? 'never_delivered' : (daysSince as number) > 2 ? 'stopped_delivering' : 'fresh';
  return {
    account_id: account,
    account_name: name,
    state,
    region,
    last_snapshot: last,
    days_since: daysSince,
    stale: status !== 'fresh',
    status,
  };
}

function rows(fresh: Record<string, unknown>[]): ReportRows {
  return {
    accountSummary: [],
    ruleSummary: [],
    categorySummary: [],
    coverage: [],
    freshness: fresh,
    ouSummary: [],
    failingResources: [],
    findingChanges: [],
  };
}

function report(stale: StaleLine[]): ComplianceReport {
  return { ...buildReport(rows([]), AS_OF), stale };
}

/** The Markdown from `### Snapshot delivery` to the next section. */
function section(markdown: string): string {
  const from = markdown.indexOf('### Snapshot delivery');
  return markdown.slice(from, markdown.indexOf('### Exceptions expiring soon', from)).trimEnd();
}

const MIXED = [
  freshness('000000000001', 'payments-prod', 'eu-west-1', '2026-11-28'),
  freshness('000000000002', 'claims-sandbox', 'eu-west-1', null),
  freshness('000000000002', 'claims-sandbox', 'eu-central-1', null),
  freshness('000000000003', 'data | lake', 'eu-central-1', null),
  freshness('000000000004', 'payments-dev', 'eu-west-1', '2026-11-20'),
  freshness('000000000004', 'payments-dev', 'eu-central-1', '2026-11-27'),
  freshness('000000000005', 'old-shop', 'eu-west-1', '2026-11-01'),
  // Not active: never listed, whatever their delivery.
  freshness('000000000006', 'closed-one', 'eu-west-1', null, 'CLOSED'),
  freshness('000000000007', 'suspended-one', 'eu-west-1', '2026-11-10', 'SUSPENDED'),
];

describe('the report tells accounts that never delivered a snapshot from those that stopped', () => {
  it('JSON: stale lists active accounts only, each with name, region, status and last snapshot; never delivered first', () => {
    expect(buildReport(rows(MIXED), AS_OF).stale).toEqual([
      {
        accountId: '000000000002',
        name: 'claims-sandbox',
        region: 'eu-central-1',
        status: 'never_delivered',
        lastSnapshot: null,
      },
      {
        accountId: '000000000002',
        name: 'claims-sandbox',
        region: 'eu-west-1',
        status: 'never_delivered',
        lastSnapshot: null,
      },
      {
        accountId: '000000000003',
        name: 'data | lake',
        region: 'eu-central-1',
        status: 'never_delivered',
        lastSnapshot: null,
      },
      {
        accountId: '000000000005',
        name: 'old-shop',
        region: 'eu-west-1',
        status: 'stopped_delivering',
        lastSnapshot: '2026-11-01',
      },
      {
        accountId: '000000000004',
        name: 'payments-dev',
        region: 'eu-west-1',
        status: 'stopped_delivering',
        lastSnapshot: '2026-11-20',
      },
    ]);
  });

  it('JSON: a deployed view without the status column (before the next apply) still sorts the rows into the two groups', () => {
    const old = MIXED.map(({ status: _, ...r }) => r);
    expect(buildReport(rows(old), AS_OF).stale.map((s) => [s.accountId, s.region, s.status])).toEqual([
      ['000000000002', 'eu-central-1', 'never_delivered'],
      ['000000000002', 'eu-west-1', 'never_delivered'],
      ['000000000003', 'eu-central-1', 'never_delivered'],
      ['000000000005', 'eu-west-1', 'stopped_delivering'],
      ['000000000004', 'eu-west-1', 'stopped_delivering'],
    ]);
  });

  it('Markdown: two groups, each with its counts, what it means, and the accounts named', () => {
    const md = renderReportMarkdown(buildReport(rows(MIXED), AS_OF), CONTEXT);
    expect(section(md)).toBe(
      [
        '### Snapshot delivery',
        '',
        '**Never delivered a snapshot: 2 accounts, 3 account/regions.** No Config snapshot file from them in the last 90 days. ' +
          'Most often their delivery channel sets no snapshot delivery frequency (configSnapshotDeliveryProperties.deliveryFrequency), ' +
          'so Config sends only configuration history; or Config does not record in that region, or delivers to another bucket or prefix. ' +
          'None of their evaluations is in the numbers above. docs/setup.md says how to check and set it.',
        '',
        '| account | name | regions |',
        '|---|---|---|',
        '| `000000000002` | claims-sandbox | eu-central-1, eu-west-1 |',
        '| `000000000003` | data \\| lake | eu-central-1 |',
        '',
        '**Stopped delivering snapshots: 2 account/regions, 2 accounts.** They delivered snapshots, but the newest is more than 2 days old: ' +
          'Config stopped recording there, or delivery to the bucket broke.',
        '',
        '| account | name | region | last snapshot | days since |',
        '|---|---|---|---|---|',
        '| `000000000005` | old-shop | eu-west-1 | 2026-11-01 | 27 |',
        '| `000000000004` | payments-dev | eu-west-1 | 2026-11-20 | 8 |',
      ].join('\n'),
    );
  });

  it('Markdown: one group alone has no heading for the other; singular counts read as such', () => {
    const stopped = renderReportMarkdown(
      buildReport(rows([freshness('000000000004', 'payments-dev', 'eu-west-1', '2026-11-25')]), AS_OF),
      { ...CONTEXT, freshness: { staleAfterDays: 1, trendDays: 30 } },
    );
    expect(section(stopped)).toContain(
      '**Stopped delivering snapshots: 1 account/region, 1 account.** They delivered snapshots, but the newest is more than 1 day old',
    );
    expect(section(stopped)).not.toContain('Never delivered');
    const never = renderReportMarkdown(
      buildReport(rows([freshness('000000000002', 'claims-sandbox', 'eu-west-1', null)]), AS_OF),
      { ...CONTEXT, freshness: { staleAfterDays: 2, trendDays: 30 } },
    );
    expect(section(never)).toContain(
      '**Never delivered a snapshot: 1 account, 1 account/region.** No Config snapshot file from them in the last 30 days.',
    );
    expect(section(never)).not.toContain('Stopped delivering');
  });

  it('Markdown: when every active account delivers, one sentence', () => {
    const md = renderReportMarkdown(
      buildReport(rows([MIXED[0] as Record<string, unknown>, MIXED[7] as Record<string, unknown>]), AS_OF),
      CONTEXT,
    );
    expect(section(md)).toBe(
      '### Snapshot delivery\n\nEvery active account delivered a recent snapshot in every region.',
    );
  });

  it('Markdown: long lists are cut at `top`, saying how many of how many are shown', () => {
    const never = Array.from(
      { length: 12 },
      (_, i): StaleLine => ({
        accountId: `0000000001${String(i).padStart(2, '0')}`,
        name: `team-${i}`,
        region: 'eu-west-1',
        status: 'never_delivered',
        lastSnapshot: null,
      }),
    );
    const stopped = Array.from(
      { length: 11 },
      (_, i): StaleLine => ({
        accountId: `0000000002${String(i).padStart(2, '0')}`,
        name: `shop-${i}`,
        region: 'eu-central-1',
        status: 'stopped_delivering',
        lastSnapshot: `2026-11-${String(10 + i).padStart(2, '0')}`,
      }),
    );
    const text = section(renderReportMarkdown(report([...never, ...stopped]), CONTEXT));
    expect(text).toContain('**Never delivered a snapshot: 12 accounts, 12 account/regions.**');
    expect(text).toContain('**Stopped delivering snapshots: 11 account/regions, 11 accounts.**');
    expect(text.split('\n').filter((l) => l.startsWith('| `0000000001'))).toHaveLength(10);
    expect(text.split('\n').filter((l) => l.startsWith('| `0000000002'))).toHaveLength(10);
    expect(text).toContain('_10 of 12 shown; report --format json lists them all._');
    expect(text).toContain('_10 of 11 shown; report --format json lists them all._');
    // The oldest stopped first; the newest is the one left out.
    expect(text).toContain('| `000000000200` | shop-0 | eu-central-1 | 2026-11-10 | 18 |');
    expect(text).not.toContain('shop-10');
  });

  it('HTML: the same two groups, titles with counts, names escaped, long lists cut with a note', () => {
    const html = renderReportHtml(buildReport(rows(MIXED), AS_OF), CONTEXT, 1);
    const from = html.indexOf('<h2>Snapshot delivery</h2>');
    const part = html.slice(from, html.indexOf('<h2>Exceptions expiring soon</h2>'));
    expect(part).toContain(
      '<h3>Never delivered a snapshot: 2 accounts, 3 account/regions</h3><p>No Config snapshot file',
    );
    expect(part).toContain(
      '<tr><td><code>000000000002</code></td><td>claims-sandbox</td><td>eu-central-1, eu-west-1</td></tr>',
    );
    expect(part).not.toContain('000000000003');
    expect(part).toContain('<p><em>1 of 2 shown; report --format json lists them all.</em></p>');
    expect(part).toContain('<h3>Stopped delivering snapshots: 2 account/regions, 2 accounts</h3>');
    expect(part).toContain(
      '<tr><td><code>000000000005</code></td><td>old-shop</td><td>eu-west-1</td><td>2026-11-01</td><td>27</td></tr>',
    );
    const escaped = renderReportHtml(
      buildReport(rows([MIXED[3] as Record<string, unknown>]), AS_OF),
      CONTEXT,
    );
    expect(escaped).toContain('<td>data | lake</td>');
    const evil = renderReportHtml(
      buildReport(rows([freshness('000000000009', '<b>x</b>', 'eu-west-1', null)]), AS_OF),
      CONTEXT,
    );
    expect(evil).toContain('<td>&lt;b&gt;x&lt;/b&gt;</td>');
    const none = renderReportHtml(buildReport(rows([MIXED[0] as Record<string, unknown>]), AS_OF), CONTEXT);
    expect(none).toContain(
      '<h2>Snapshot delivery</h2><p>Every active account delivered a recent snapshot in every region.</p>',
    );
  });
});
