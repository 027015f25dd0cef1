/**
 * ou_summary and coverage on the local engine over a small organization written by hand: six
 * accounts in OUs up to six levels deep, snapshot files whose every evaluation is listed here, so
 * each number the views give is known exactly.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { snapshotKey } from '../../src/demo/snapshots.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { runReport } from '../../src/pipeline/report.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { renderReportMarkdown } from '../../src/report/compliance.js';
import { editFile, scratchRepo } from '../helpers/repo.js';

// The views compare with current_date, so the data ends today.
const TODAY = toIsoDate(new Date());
const day = (offset: number) => toIsoDate(new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000));
const REGION = 'eu-west-1';

const PAYMENTS = '111111111111';
const PROD_SHARED = '222222222222';
const SANDBOX = '333333333333';
const OLD_DEV = '444444444444';
const CARDS_EU = '555555555555';
const LAB = '666666666666';

const ACCOUNTS_YAML = `accounts:
  - id: '${PAYMENTS}'
    name: payments-prod
    state: ACTIVE
    ou: /Root/Workloads/Prod/Payments
    joined: '2024-01-10'
  - id: '${PROD_SHARED}'
    name: prod-shared
    state: ACTIVE
    ou: /Root/Workloads/Prod
    joined: '2024-01-10'
  - id: '${SANDBOX}'
    name: sandbox
    state: ACTIVE
    ou: /Root/Sandbox
    joined: '2024-01-10'
  - id: '${OLD_DEV}'
    name: old-dev
    state: SUSPENDED
    ou: /Root/Workloads/NonProd
    joined: '2024-01-10'
    closed: '${day(-3)}'
  - id: '${CARDS_EU}'
    name: cards-eu
    state: ACTIVE
    ou: /Root/Workloads/Prod/Payments/Cards/EU
    joined: '2024-01-10'
  - id: '${LAB}'
    name: lab
    state: ACTIVE
    ou: /Root/Sandbox/Lab
    joined: '2024-01-10'
`;

type Result = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** One evaluation: the member rule name as Config writes it, the target, the result, its tags. */
interface Evaluation {
  rule: string;
  type: string;
  id: string;
  result: Result;
  tags?: Record<string, string>;
}

const org = (rule: string) => `OrgConfigRule-${rule}-k3v9qz1m`;
const bucket = (id: string, rule: string, result: Result, tags?: Record<string, string>): Evaluation => ({
  rule: org(rule),
  type: 'AWS::S3::Bucket',
  id,
  result,
  ...(tags ? { tags } : {}),
});
const account = (accountId: string, rule: string, result: Result): Evaluation => ({
  rule: org(rule),
  type: 'AWS::::Account',
  id: accountId,
  result,
});

/** The newest snapshot of each account today, unless said otherwise. */
const FILES: { account: string; day: string; evaluations: Evaluation[] }[] = [
  {
    account: PAYMENTS,
    day: TODAY,
    evaluations: [
      account(PAYMENTS, 'security-root-account-mfa-enabled', 'COMPLIANT'),
      account(PAYMENTS, 'security-iam-password-policy', 'NON_COMPLIANT'),
      bucket('pay-ledger', 'security-s3-bucket-public-read-prohibited', 'COMPLIANT'),
      bucket('pay-ledger', 'security-s3-bucket-public-write-prohibited', 'COMPLIANT'),
      bucket('pay-ledger', 'security-s3-bucket-ssl-requests-only', 'NON_COMPLIANT'),
      // Tagged for exclusion (config/org.yaml: compliance:exclude = true): excluded, not counted.
      bucket('pay-scratch', 'security-s3-bucket-ssl-requests-only', 'NON_COMPLIANT', {
        'compliance:exclude': 'true',
      }),
      bucket('pay-scratch', 'security-s3-bucket-public-read-prohibited', 'NOT_APPLICABLE', {
        'compliance:exclude': 'true',
      }),
    ],
  },
  // An older file, two days before its newest: never counted.
  {
    account: PROD_SHARED,
    day: day(-2),
    evaluations: [
      account(PROD_SHARED, 'security-root-account-mfa-enabled', 'NON_COMPLIANT'),
      account(PROD_SHARED, 'security-iam-password-policy', 'NON_COMPLIANT'),
    ],
  },
  {
    account: PROD_SHARED,
    day: day(-1),
    evaluations: [
      account(PROD_SHARED, 'security-root-account-mfa-enabled', 'COMPLIANT'),
      account(PROD_SHARED, 'security-iam-password-policy', 'COMPLIANT'),
    ],
  },
  {
    account: SANDBOX,
    day: TODAY,
    evaluations: [
      account(SANDBOX, 'security-root-account-mfa-enabled', 'COMPLIANT'),
      bucket('sb-1', 'security-s3-bucket-public-read-prohibited', 'NON_COMPLIANT'),
      // Rules outside the catalog, their random suffixes of letters only: never counted.
      {
        rule: 'securityhub-s3-bucket-ssl-requests-only-abcdef',
        type: 'AWS::S3::Bucket',
        id: 'sb-1',
        result: 'NON_COMPLIANT',
      },
      {
        rule: 'CustomRuleForAccount-conformance-pack-szsmuvwab',
        type: 'AWS::::Account',
        id: SANDBOX,
        result: 'COMPLIANT',
      },
      { rule: 'logging-enabled', type: 'AWS::S3::Bucket', id: 'sb-1', result: 'COMPLIANT' },
      // Another tool's Organization Config Rule: its suffix differs per account.
      {
        rule: 'OrgConfigRule-tagging-policy-abcdefgh',
        type: 'AWS::S3::Bucket',
        id: 'sb-1',
        result: 'COMPLIANT',
      },
    ],
  },
  {
    account: OLD_DEV,
    day: TODAY,
    evaluations: [account(OLD_DEV, 'security-iam-password-policy', 'NON_COMPLIANT')],
  },
  {
    account: CARDS_EU,
    day: TODAY,
    evaluations: [
      account(CARDS_EU, 'security-root-account-mfa-enabled', 'COMPLIANT'),
      account(CARDS_EU, 'security-iam-password-policy', 'NON_COMPLIANT'),
      {
        rule: 'securityhub-s3-bucket-ssl-requests-only-a1b2c3',
        type: 'AWS::S3::Bucket',
        id: 'eu-1',
        result: 'NON_COMPLIANT',
      },
      {
        rule: 'CustomRuleForAccount-conformance-pack-szsm1uv0w',
        type: 'AWS::::Account',
        id: CARDS_EU,
        result: 'NON_COMPLIANT',
      },
      {
        rule: 'OrgConfigRule-tagging-policy-x7k2m9qp',
        type: 'AWS::S3::Bucket',
        id: 'eu-1',
        result: 'COMPLIANT',
      },
    ],
  },
  // LAB delivers nothing.
];

/** A snapshot file as Config writes it: the resources with their tags, one compliance item per target. */
function snapshotJson(accountId: string, date: string, evaluations: Evaluation[]): string {
  const capture = `${date}T06:00:00.000Z`;
  const targets = new Map<string, Evaluation[]>();
  for (const e of evaluations) {
    const key = `${e.type}|${e.id}`;
    targets.set(key, [...(targets.get(key) ?? []), e]);
  }
  const items: Record<string, unknown>[] = [];
  for (const [key, list] of targets) {
    const [type, id] = key.split('|') as [string, string];
    const common = {
      configurationItemVersion: '1.3',
      configurationItemCaptureTime: capture,
      awsAccountId: accountId,
      configurationItemStatus: 'OK',
      awsRegion: REGION,
      relationships: [],
      supplementaryConfiguration: {},
    };
    if (type !== 'AWS::::Account') {
      items.push({
        ...common,
        resourceType: type,
        resourceId: id,
        resourceName: id,
        ARN: `arn:aws:s3:::${id}`,
        configuration: { name: id },
        tags: list[0]?.tags ?? {},
      });
    }
    const overall = list.some((e) => e.result === 'NON_COMPLIANT')
      ? 'NON_COMPLIANT'
      : list.some((e) => e.result === 'COMPLIANT')
        ? 'COMPLIANT'
        : 'NOT_APPLICABLE';
    items.push({
      ...common,
      resourceType: 'AWS::Config::ResourceCompliance',
      resourceId: `${type}/${id}`,
      ARN: `arn:aws:config:${REGION}:${accountId}:resource-compliance/${type}/${id}`,
      configuration: {
        complianceType: overall,
        targetResourceId: id,
        targetResourceType: type,
        configRuleList: list.map((e, i) => ({
          configRuleName: e.rule,
          configRuleArn: `arn:aws:config:${REGION}:${accountId}:config-rule/config-rule-${i}abcde`,
          configRuleId: `config-rule-${i}abcde`,
          complianceType: e.result,
        })),
      },
      tags: {},
    });
  }
  return JSON.stringify({
    fileVersion: '1.0',
    configSnapshotId: `id-${accountId}-${date}`,
    configurationItems: items,
  });
}

let repo: Repository;
let session: QuerySession;
let base: string;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return session.query(sql, 'test');
}

beforeAll(async () => {
  const { root, localDir } = await scratchRepo();
  base = dirname(root);
  await mkdir(localDir, { recursive: true });
  // The report and the views only: no dashboard to render.
  await rm(join(root, 'quicksight'), { recursive: true, force: true });
  await writeFile(join(root, 'config', 'accounts.yaml'), ACCOUNTS_YAML);
  await writeFile(join(root, 'config', 'exceptions.yaml'), 'exceptions: []\n');
  // The sandbox and the lab are out of the password policy rule by design.
  await editFile(join(root, 'config', 'rules.yaml'), (text) =>
    text.replace(
      /(- name: security-iam-password-policy\n)/,
      `$1    excludedAccounts: ['${SANDBOX}', '${LAB}']\n`,
    ),
  );
  const loaded = await loadRepository(root, { today: TODAY });
  if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  repo = loaded.repository;
  await writeFile(
    join(localDir, 'org.json'),
    JSON.stringify({
      organizationId: repo.org.organizationId,
      accounts: repo.accounts.map((a) => ({
        id: a.id,
        name: a.name,
        state: a.state,
        ouPath: a.ouPath,
        joined: a.joined,
      })),
    }),
  );
  for (const f of FILES) {
    const key = snapshotKey(
      repo.org,
      f.account,
      REGION,
      f.day,
      `${f.day.replaceAll('-', '')}T060000Z`,
      'a1b2',
    );
    const path = join(localDir, 's3', repo.org.snapshots.bucket, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, gzipSync(snapshotJson(f.account, f.day, f.evaluations)));
  }
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
}, 120_000);

afterAll(async () => {
  await session?.close();
  if (base) await rm(base, { recursive: true, force: true });
});

describe('ou_summary: every level of the OU tree', () => {
  it('one row per OU path at every depth, counting the active accounts under it and their newest evaluations', async () => {
    const got = await rows(
      `SELECT ou, parent, depth, accounts, accounts_non_compliant, compliant, non_compliant, excluded, score
       FROM "org_compliance".ou_summary ORDER BY ou`,
    );
    const row = (
      ou: string,
      parent: string | null,
      depth: number,
      [accounts, failing, compliant, nonCompliant, excluded]: number[],
      score: number | null,
    ) => ({
      ou,
      parent,
      depth,
      accounts,
      accounts_non_compliant: failing,
      compliant,
      non_compliant: nonCompliant,
      excluded,
      score,
    });
    // The suspended account's /Root/Workloads/NonProd is no OU of the tree: it is not counted.
    expect(got).toEqual([
      row('/Root', null, 1, [5, 3, 7, 4, 1], 7 / 11),
      row('/Root/Sandbox', '/Root', 2, [2, 1, 1, 1, 0], 1 / 2),
      row('/Root/Sandbox/Lab', '/Root/Sandbox', 3, [1, 0, 0, 0, 0], null),
      row('/Root/Workloads', '/Root', 2, [3, 2, 6, 3, 1], 6 / 9),
      row('/Root/Workloads/Prod', '/Root/Workloads', 3, [3, 2, 6, 3, 1], 6 / 9),
      row('/Root/Workloads/Prod/Payments', '/Root/Workloads/Prod', 4, [2, 2, 4, 3, 1], 4 / 7),
      row('/Root/Workloads/Prod/Payments/Cards', '/Root/Workloads/Prod/Payments', 5, [1, 1, 1, 1, 0], 1 / 2),
      row(
        '/Root/Workloads/Prod/Payments/Cards/EU',
        '/Root/Workloads/Prod/Payments/Cards',
        6,
        [1, 1, 1, 1, 0],
        1 / 2,
      ),
    ]);
  });

  it('the root agrees with account_summary over the active accounts', async () => {
    const [sums] = await rows(
      `SELECT sum(compliant) AS c, sum(non_compliant) AS n, sum(excluded) AS x, count(*) AS accounts
       FROM "org_compliance".account_summary WHERE state = 'ACTIVE'`,
    );
    expect(sums).toEqual({ c: 7, n: 4, x: 1, accounts: 5 });
  });

  it('the report: ous in JSON in tree order, a By OU section in Markdown', async () => {
    const { report, context } = await runReport(repo, (sql, what) => session.query(sql, what), TODAY);
    expect(report.ous.map((o) => [o.ou, o.depth, o.accounts, o.accountsNonCompliant])).toEqual([
      ['/Root', 1, 5, 3],
      ['/Root/Sandbox', 2, 2, 1],
      ['/Root/Sandbox/Lab', 3, 1, 0],
      ['/Root/Workloads', 2, 3, 2],
      ['/Root/Workloads/Prod', 3, 3, 2],
      ['/Root/Workloads/Prod/Payments', 4, 2, 2],
      ['/Root/Workloads/Prod/Payments/Cards', 5, 1, 1],
      ['/Root/Workloads/Prod/Payments/Cards/EU', 6, 1, 1],
    ]);
    expect(report.ous[0]).toEqual({
      ou: '/Root',
      parent: null,
      depth: 1,
      accounts: 5,
      accountsNonCompliant: 3,
      compliant: 7,
      nonCompliant: 4,
      excluded: 1,
      score: 7 / 11,
    });
    const md = renderReportMarkdown(report, context, 4);
    const section = md.slice(md.indexOf('### By OU'), md.indexOf('### Snapshot delivery'));
    expect(section).toContain('| `/Root` | 63.6% | 3 | 5 | 4 | 7 | 1 |');
    expect(section).toContain('_4 of 8 shown; report --format json lists them all.');
  });
});

describe('coverage', () => {
  it("no gap where a rule's excludedAccounts keeps it out of an account", async () => {
    const got = await rows(
      `SELECT account_id FROM "org_compliance".coverage
       WHERE kind = 'no-evaluation' AND rule = 'security-iam-password-policy' ORDER BY account_id`,
    );
    // The sandbox and the lab are excluded (the rule is not deployed there); every other active
    // account evaluated it.
    expect(got).toEqual([]);
    const mfa = await rows(
      `SELECT account_id FROM "org_compliance".coverage
       WHERE kind = 'no-evaluation' AND rule = 'security-root-account-mfa-enabled' ORDER BY account_id`,
    );
    expect(mfa).toEqual([{ account_id: LAB }]);
  });

  it('catalog_rules carries the excluded accounts, sorted and comma-separated', async () => {
    const got = await rows(
      `SELECT rule, excluded_accounts FROM "org_compliance".catalog_rules
       WHERE excluded_accounts IS NOT NULL`,
    );
    expect(got).toEqual([{ rule: 'security-iam-password-policy', excluded_accounts: `${SANDBOX},${LAB}` }]);
  });

  it('rules outside the catalog under one name: Security Hub, conformance-pack and organization rule suffixes removed, letters only too', async () => {
    const got = await rows(
      `SELECT rule, evaluations FROM "org_compliance".coverage WHERE kind = 'not-in-catalog' ORDER BY rule`,
    );
    expect(got).toEqual([
      { rule: 'CustomRuleForAccount-conformance-pack', evaluations: 2 },
      { rule: 'OrgConfigRule-tagging-policy', evaluations: 2 },
      { rule: 'logging-enabled', evaluations: 1 },
      { rule: 'securityhub-s3-bucket-ssl-requests-only', evaluations: 2 },
    ]);
  });
});
