import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import {
  deliverReport,
  postReportToWebhook,
  redact,
  renderReportChat,
  SES_MAX_RECIPIENTS,
  sendReportEmail,
} from '../../src/actions/report/deliver.js';
import type { ComplianceReport, ReportContext } from '../../src/report/compliance.js';

const REPORT: ComplianceReport = {
  asOf: '2026-11-28',
  totals: { compliant: 90, nonCompliant: 10, excluded: 2, score: 0.9 },
  accounts: [
    {
      accountId: '000000000017',
      name: 'payments-prod',
      compliant: 10,
      nonCompliant: 5,
      excluded: 0,
      score: 10 / 15,
      lastSnapshot: '2026-11-28',
    },
    {
      accountId: '000000000018',
      name: 'claims-dev',
      compliant: 80,
      nonCompliant: 5,
      excluded: 2,
      score: 80 / 85,
      lastSnapshot: '2026-11-28',
    },
  ],
  rules: [
    {
      rule: 'security-s3-public-read',
      category: 'security',
      compliant: 3,
      nonCompliant: 7,
      excluded: 0,
      accountsNonCompliant: 2,
      severity: 'critical',
      securityHubControls: ['S3.2'],
      remediation: null,
      documentationUrl: null,
    },
    {
      rule: 'cost-unattached-volumes',
      category: 'cost',
      compliant: 5,
      nonCompliant: 0,
      excluded: 0,
      accountsNonCompliant: 0,
      severity: 'unrated',
      securityHubControls: [],
      remediation: null,
      documentationUrl: null,
    },
  ],
  categories: [{ category: 'security', compliant: 90, nonCompliant: 10, excluded: 2, score: 0.9 }],
  unmanagedRules: [],
  ous: [],
  severities: [],
  frameworks: [],
  resources: { total: 0, shown: 0, items: [] },
  changes: {
    yesterday: { new: 12, resolved: 40, byAccount: [], byRule: [] },
    week: { new: 30, resolved: 55, byAccount: [], byRule: [] },
  },
  scoreWeekAgo: 0.85,
  expiringExceptions: [
    { id: 'legacy-bucket', expires: '2026-12-10', owner: 'team-a', ticket: null, reason: 'migration' },
  ],
  stale: [
    {
      accountId: '000000000020',
      name: 'claims-sandbox',
      region: 'eu-central-1',
      status: 'never_delivered',
      lastSnapshot: null,
    },
    {
      accountId: '000000000020',
      name: 'claims-sandbox',
      region: 'eu-west-1',
      status: 'never_delivered',
      lastSnapshot: null,
    },
    {
      accountId: '000000000019',
      name: 'payments-dev',
      region: 'eu-west-1',
      status: 'stopped_delivering',
      lastSnapshot: '2026-11-20',
    },
  ],
};
const CONTEXT: ReportContext = {
  scoreWeekAgo: 0.85,
  freshness: { staleAfterDays: 2, trendDays: 90 },
  expiringExceptions: [
    {
      id: 'legacy-bucket',
      rules: ['*'],
      accounts: [],
      tags: {},
      reason: 'migration',
      owner: 'team-a',
      expires: '2026-12-10',
    },
  ],
  dashboardUrl: 'https://eu-west-1.quicksight.aws.amazon.com/sn/dashboards/compliance',
};
const RENDERED = { markdown: '## Compliance report\n', html: '<!doctype html><p>report</p>' };
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/very-secret-token';

function fakeFetch(status: number, seen: { url: string; init: RequestInit }[]): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return new Response('ok', { status });
  }) as typeof fetch;
}

describe('the report by chat', () => {
  it('is a short text: score and change, new and resolved findings, worst accounts, rules followed least, snapshot delivery, expiring exceptions, the dashboard', () => {
    expect(renderReportChat(REPORT, CONTEXT)).toBe(
      [
        '*Compliance report 2026-11-28: score 90.0%* (+5.0 points since a week ago): 10 non-compliant evaluations in 2 accounts.',
        '12 new, 40 resolved since yesterday; 30 new, 55 resolved since a week ago.',
        'Accounts to fix first: payments-prod (000000000017) 66.7%, claims-dev (000000000018) 94.1%.',
        'Rules followed least: security-s3-public-read (2 accounts).',
        'Never delivered a snapshot: 1 account, 2 account/regions: claims-sandbox (000000000020).',
        'Stopped delivering snapshots: 1 account/region, 1 account: payments-dev (000000000019) eu-west-1 since 2026-11-20.',
        'Exceptions expiring within 30 days: legacy-bucket (2026-12-10).',
        'Dashboard: https://eu-west-1.quicksight.aws.amazon.com/sn/dashboards/compliance',
      ].join('\n'),
    );
  });

  it('names at most five accounts per snapshot delivery group, and says "5 of 7 shown"', () => {
    const stale = Array.from({ length: 7 }, (_, i) => ({
      accountId: `00000000010${i}`,
      name: `team-${i}`,
      region: 'eu-west-1',
      status: 'never_delivered' as const,
      lastSnapshot: null,
    }));
    const lines = renderReportChat({ ...REPORT, stale }, CONTEXT).split('\n');
    expect(lines.filter((l) => /snapshot/i.test(l))).toEqual([
      'Never delivered a snapshot: 7 accounts, 7 account/regions: team-0 (000000000100), team-1 (000000000101), team-2 (000000000102), team-3 (000000000103), team-4 (000000000104) (5 of 7 shown).',
    ]);
  });

  it('accounts and rules cut to the top five say "5 of 7 shown"', () => {
    const accounts = Array.from({ length: 7 }, (_, i) => ({
      ...(REPORT.accounts[0] as ComplianceReport['accounts'][number]),
      accountId: `00000000020${i}`,
      name: `team-${i}`,
    }));
    const rules = Array.from({ length: 7 }, (_, i) => ({
      ...(REPORT.rules[0] as ComplianceReport['rules'][number]),
      rule: `rule-${i}`,
    }));
    const lines = renderReportChat({ ...REPORT, accounts, rules }, CONTEXT).split('\n');
    expect(lines.find((l) => l.startsWith('Accounts to fix first'))).toMatch(
      /^Accounts to fix first: team-0 \(000000000200\) 66\.7%, .*team-4 \(000000000204\) 66\.7% \(5 of 7 shown\)\.$/,
    );
    expect(lines.find((l) => l.startsWith('Rules followed least'))).toBe(
      'Rules followed least: rule-0 (2 accounts), rule-1 (2 accounts), rule-2 (2 accounts), rule-3 (2 accounts), rule-4 (2 accounts) (5 of 7 shown).',
    );
  });

  it('is posted as JSON {text} to the webhook', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    await postReportToWebhook(WEBHOOK, 'hello', fakeFetch(200, seen));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(WEBHOOK);
    expect(seen[0]?.init.method).toBe('POST');
    expect(new Headers(seen[0]?.init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(seen[0]?.init.body))).toEqual({ text: 'hello' });
  });

  it('a refused or unreachable webhook is an error that does not contain the URL', async () => {
    await expect(postReportToWebhook(WEBHOOK, 'x', fakeFetch(404, []))).rejects.toThrow(
      /^The chat webhook answered HTTP 404$/,
    );
    const failing = (async () => {
      throw new TypeError(`fetch failed for ${WEBHOOK}`);
    }) as typeof fetch;
    const error = await postReportToWebhook(WEBHOOK, 'x', failing).catch((e: Error) => e);
    expect(String(error)).toContain('Could not reach the chat webhook');
    expect(String(error)).not.toContain('very-secret-token');
  });
});

describe('the report by e-mail through Amazon SES', () => {
  it('sends one SendEmail with HTML and text bodies', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const n = await sendReportEmail(
      new SESv2Client({ region: 'eu-west-1' }),
      { from: 'compliance@example.com', recipients: ['a@example.com', 'b@example.com'], region: 'eu-west-1' },
      { subject: 'Compliance report 2026-11-28: score 90.0%', html: RENDERED.html, text: RENDERED.markdown },
    );
    expect(n).toBe(2);
    expect(ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input)).toEqual([
      {
        FromEmailAddress: 'compliance@example.com',
        Destination: { ToAddresses: ['a@example.com', 'b@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Compliance report 2026-11-28: score 90.0%', Charset: 'UTF-8' },
            Body: {
              Html: { Data: RENDERED.html, Charset: 'UTF-8' },
              Text: { Data: RENDERED.markdown, Charset: 'UTF-8' },
            },
          },
        },
      },
    ]);
    ses.restore();
  });

  it('splits more than 50 recipients over several messages', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({});
    const recipients = Array.from({ length: SES_MAX_RECIPIENTS + 3 }, (_, i) => `p${i}@example.com`);
    await sendReportEmail(
      new SESv2Client({ region: 'eu-west-1' }),
      { from: 'c@example.com', recipients, region: 'eu-west-1' },
      {
        subject: 's',
        html: 'h',
        text: 't',
      },
    );
    expect(
      ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.length),
    ).toEqual([50, 3]);
    ses.restore();
  });

  it("SES's error names no address", async () => {
    const ses = mockClient(SESv2Client);
    const rejected = Object.assign(
      new Error(
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: compliance@example.com, a@example.com',
      ),
      { name: 'MessageRejected' },
    );
    ses.on(SendEmailCommand).rejects(rejected);
    const error = await sendReportEmail(
      new SESv2Client({ region: 'eu-west-1' }),
      { from: 'compliance@example.com', recipients: ['a@example.com'], region: 'eu-west-1' },
      { subject: 's', html: 'h', text: 't' },
    ).catch((e: Error) => e);
    expect(String(error)).toContain(
      'Could not send the report through Amazon SES in eu-west-1 (0 of 1 recipients done): MessageRejected: Email address is not verified',
    );
    expect(String(error)).not.toMatch(/@example\.com/);
    ses.restore();
  });
});

describe('deliverReport', () => {
  it('sends to both, logging counts but never an address or the webhook URL', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).resolves({});
    const logs: string[] = [];
    const seen: { url: string; init: RequestInit }[] = [];
    const errors = await deliverReport(
      REPORT,
      CONTEXT,
      RENDERED,
      {
        dryRun: false,
        email: {
          from: 'compliance@example.com',
          recipients: ['a@example.com', 'b@example.com'],
          region: 'eu-west-1',
        },
        webhookUrl: WEBHOOK,
      },
      { ses: (region) => new SESv2Client({ region }), fetch: fakeFetch(200, seen), log: (m) => logs.push(m) },
    );
    expect(errors).toEqual([]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(logs).toEqual([
      'Sent the report by e-mail to 2 recipient(s)',
      'Posted the report to the chat webhook',
    ]);
    ses.restore();
  });

  it('a dry run sends nothing and says what it would send', async () => {
    const ses = mockClient(SESv2Client);
    const logs: string[] = [];
    const seen: { url: string; init: RequestInit }[] = [];
    const errors = await deliverReport(
      REPORT,
      CONTEXT,
      RENDERED,
      {
        dryRun: true,
        email: { from: 'c@example.com', recipients: ['a@example.com'], region: 'eu-west-1' },
        webhookUrl: WEBHOOK,
      },
      { ses: (region) => new SESv2Client({ region }), fetch: fakeFetch(200, seen), log: (m) => logs.push(m) },
    );
    expect(errors).toEqual([]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(seen).toHaveLength(0);
    expect(logs).toEqual([
      'Dry run: the report would be e-mailed to 1 recipient(s) through Amazon SES',
      'Dry run: the report would be posted to the chat webhook',
    ]);
    ses.restore();
  });

  it('one failing channel does not stop the other; both errors come back redacted', async () => {
    const ses = mockClient(SESv2Client);
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('Throttled for a@example.com'), { name: 'TooManyRequestsException' }));
    const seen: { url: string; init: RequestInit }[] = [];
    const errors = await deliverReport(
      REPORT,
      CONTEXT,
      RENDERED,
      {
        dryRun: false,
        email: { from: 'c@example.com', recipients: ['a@example.com'], region: 'eu-west-1' },
        webhookUrl: WEBHOOK,
      },
      { ses: (region) => new SESv2Client({ region }), fetch: fakeFetch(500, seen) },
    );
    expect(seen).toHaveLength(1);
    expect(errors).toEqual([
      'Could not send the report through Amazon SES in eu-west-1 (0 of 1 recipients done): TooManyRequestsException: Throttled for ***',
      'The chat webhook answered HTTP 500',
    ]);
    ses.restore();
  });

  it('redact removes the given secrets and anything shaped like an address', () => {
    expect(redact(`post to ${WEBHOOK} for ops@acme.io failed`, [WEBHOOK])).toBe('post to *** for *** failed');
  });
});
