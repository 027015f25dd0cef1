import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { type SnapshotOptions, snapshotScenario, writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { projectedAccounts } from '../../src/desired/glue-table.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { runReport } from '../../src/pipeline/report.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { renderReportMarkdown, score } from '../../src/report/compliance.js';
import {
  currentEvaluations,
  evaluationsOf,
  expectedFreshness,
  isExcluded,
  newestPerDay,
  readSnapshots,
  tally,
} from '../helpers/expected.js';
import { REPO_ROOT } from '../helpers/repo.js';

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());
const DAYS = 10;

let repo: Repository;
let session: QuerySession;
let localDir: string;
let snapshotOptions: SnapshotOptions;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return session.query(sql, 'test');
}

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-views-'));
  localDir = join(base, 'local');
  const root = join(base, 'repo');
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: 9,
    ous: 8,
    seed: 77,
    until: TODAY,
  });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions: 2,
    today: TODAY,
  });
  const loaded = await loadRepository(root, { today: TODAY });
  if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  repo = loaded.repository;
  snapshotOptions = {
    org: repo.org,
    organization,
    rules: repo.rules,
    days: DAYS,
    until: TODAY,
    seed: 77,
    s3Dir: join(localDir, 's3'),
  };
  await writeSnapshots(snapshotOptions);
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
}, 120_000);

afterAll(async () => {
  await session?.close();
});

async function expected() {
  const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
  const files = await readSnapshots(join(localDir, 's3'), repo, projected);
  const daily = newestPerDay(files);
  return { projected, files, daily, current: currentEvaluations(daily, repo, TODAY) };
}

describe('the views on DuckDB agree with an independent reading of the generated files', () => {
  it('daily_evaluations: one row per evaluation in the newest file of each day, nothing counted twice', async () => {
    const { files, daily } = await expected();
    expect(files.length).toBeGreaterThan(daily.length); // some days have two files
    const want = daily.flatMap((f) => evaluationsOf(f, repo)).length;
    const [got] = await rows(`SELECT count(*) AS n FROM "org_compliance".daily_evaluations`);
    expect(got?.n).toBe(want);
  });

  it('evaluations: the newest snapshot per account and region, with exclusions and their reasons', async () => {
    const { current } = await expected();
    const got = await rows(
      `SELECT account_id, rule, excluded, exclusion_reason, compliance_type FROM "org_compliance".evaluations`,
    );
    expect(got.length).toBe(current.length);
    const excludedWant = current.filter((e) => isExcluded(e, TODAY)).length;
    expect(got.filter((r) => r.excluded === true).length).toBe(excludedWant);
    expect(excludedWant).toBeGreaterThan(0);
    const byTag = got.filter((r) =>
      String(r.exclusion_reason ?? '').startsWith('tag compliance:exclude=true'),
    );
    expect(byTag.length).toBe(current.filter((e) => e.excludedByTag).length);
    const byException = got.filter((r) => String(r.exclusion_reason ?? '').startsWith('exception '));
    expect(byException.length).toBe(
      current.filter((e) => !e.excludedByTag && e.exception && e.exception.expires >= TODAY).length,
    );
  });

  it('account_summary, rule_summary and category_summary: exact counts and scores', async () => {
    const { current } = await expected();
    const accounts = await rows(`SELECT * FROM "org_compliance".account_summary`);
    for (const a of accounts) {
      const t = tally(
        current.filter((e) => e.account === a.account_id),
        TODAY,
      );
      expect({ id: a.account_id, c: a.compliant, n: a.non_compliant, x: a.excluded }).toEqual({
        id: a.account_id,
        c: t.compliant,
        n: t.nonCompliant,
        x: t.excluded,
      });
      const s = score(t.compliant, t.nonCompliant);
      if (s === null) expect(a.score).toBeNull();
      else expect(a.score).toBeCloseTo(s, 12);
    }
    expect(accounts.length).toBe(
      repo.accounts.filter((a) => projectedAccounts(repo.accounts, TODAY, 365).includes(a.id)).length,
    );

    const rules = await rows(`SELECT * FROM "org_compliance".rule_summary`);
    expect(rules.length).toBe(repo.rules.length);
    for (const r of rules) {
      const evals = current.filter((e) => e.rule === r.rule);
      const t = tally(evals, TODAY);
      const failing = new Set(
        evals.filter((e) => e.compliance === 'NON_COMPLIANT' && !isExcluded(e, TODAY)).map((e) => e.account),
      );
      expect([r.rule, r.compliant, r.non_compliant, r.excluded, r.accounts_non_compliant]).toEqual([
        r.rule,
        t.compliant,
        t.nonCompliant,
        t.excluded,
        failing.size,
      ]);
    }

    const categories = await rows(`SELECT * FROM "org_compliance".category_summary`);
    expect(categories.map((c) => c.category).sort()).toEqual([
      'backup',
      'cost',
      'deletion-protection',
      'performance',
      'security',
    ]);
    for (const c of categories) {
      const t = tally(
        current.filter((e) => e.category === c.category),
        TODAY,
      );
      expect([c.category, c.compliant, c.non_compliant, c.excluded]).toEqual([
        c.category,
        t.compliant,
        t.nonCompliant,
        t.excluded,
      ]);
    }
  });

  it("trend: the organization score of every day from that day's newest files", async () => {
    const { daily } = await expected();
    const got = await rows(
      `SELECT CAST(snapshot_date AS varchar) AS day, compliant, non_compliant FROM "org_compliance".trend WHERE scope = 'organization' ORDER BY snapshot_date`,
    );
    const days = [...new Set(daily.map((f) => f.day))].sort();
    expect(got.map((r) => r.day)).toEqual(days);
    for (const r of got) {
      const evals = daily.filter((f) => f.day === r.day).flatMap((f) => evaluationsOf(f, repo));
      const t = tally(evals, String(r.day));
      expect([r.day, r.compliant, r.non_compliant]).toEqual([r.day, t.compliant, t.nonCompliant]);
    }
  });

  it('freshness: every projected account and region, its newest snapshot, and whether it is fresh, stopped delivering or never delivered', async () => {
    const { projected, files } = await expected();
    const got = await rows(
      `SELECT account_id, account_name, state, region, CAST(last_snapshot AS varchar) AS last, days_since, stale, status
       FROM "org_compliance".freshness ORDER BY account_id, region`,
    );
    const want = expectedFreshness(files, repo, projected, TODAY);
    expect(want).toHaveLength(projected.size * repo.org.regions.length);
    expect(got).toEqual(want);
    expect(new Set(want.map((r) => r.status))).toEqual(
      new Set(['fresh', 'stopped_delivering', 'never_delivered']),
    );

    // The two cases the generated data is built to hold, row for row.
    const { neverDelivered, stale } = snapshotScenario(snapshotOptions);
    const account = (id: string | undefined) => {
      const a = repo.accounts.find((x) => x.id === id);
      if (!a) throw new Error(`no account ${id} in accounts.yaml`);
      return { account_id: a.id, account_name: a.name, state: a.state };
    };
    // An active account with no snapshot file at all, in any region: never delivered.
    expect(files.filter((f) => f.account === neverDelivered?.account)).toEqual([]);
    expect(got.filter((r) => r.account_id === neverDelivered?.account)).toEqual(
      [...repo.org.regions].sort().map((region) => ({
        ...account(neverDelivered?.account),
        state: 'ACTIVE',
        region,
        last: null,
        days_since: null,
        stale: true,
        status: 'never_delivered',
      })),
    );
    // An active account/region whose snapshots stopped three days ago: stopped delivering.
    expect(got.filter((r) => r.account_id === stale?.account && r.region === stale?.region)).toEqual([
      {
        ...account(stale?.account),
        state: 'ACTIVE',
        region: stale?.region,
        last: toIsoDate(new Date(Date.parse(`${TODAY}T00:00:00Z`) - 3 * 86_400_000)),
        days_since: 3,
        stale: true,
        status: 'stopped_delivering',
      },
    ]);
  });

  it('coverage: rules outside the catalog, with their evaluations; catalog rules never evaluated in an active account', async () => {
    const { current } = await expected();
    const foreign = await rows(
      `SELECT rule, evaluations FROM "org_compliance".coverage WHERE kind = 'not-in-catalog'`,
    );
    const want = new Map<string, number>();
    for (const e of current.filter((x) => !x.inCatalog)) {
      // Security Hub's and conformance packs' suffixes whatever their characters; any other
      // name's last part of 6 to 8 letters and digits only when it holds a digit.
      const base = e.rule.startsWith('OrgConfigRule-')
        ? e.rule
        : /^securityhub-.+-[A-Za-z0-9]+$/.test(e.rule) || /.-conformance-pack-[A-Za-z0-9]+$/.test(e.rule)
          ? e.rule.replace(/-[A-Za-z0-9]+$/, '')
          : e.rule.replace(/-([a-z0-9]+)$/, (m, s: string) =>
              s.length >= 6 && s.length <= 8 && /\d/.test(s) ? '' : m,
            );
      want.set(base, (want.get(base) ?? 0) + 1);
    }
    expect(new Map(foreign.map((r) => [r.rule, r.evaluations]))).toEqual(want);
    expect([...want.keys()].some((r) => r.startsWith('securityhub-'))).toBe(true);

    const gaps = await rows(
      `SELECT account_id, rule FROM "org_compliance".coverage WHERE kind = 'no-evaluation'`,
    );
    const active = repo.accounts.filter((a) => a.state === 'ACTIVE');
    const wantGaps = active.flatMap((a) =>
      repo.rules
        .filter((r) => !r.excludedAccounts.includes(a.id))
        .filter((r) => !current.some((e) => e.account === a.id && e.rule === r.name))
        .map((r) => `${a.id} ${r.name}`),
    );
    expect(gaps.map((g) => `${g.account_id} ${g.rule}`).sort()).toEqual(wantGaps.sort());
  });

  it('report: active accounts that never delivered a snapshot apart from those that stopped, as the files say', async () => {
    const { projected, files } = await expected();
    const { report, context } = await runReport(repo, (sql, what) => session.query(sql, what), TODAY);
    const want = expectedFreshness(files, repo, projected, TODAY).filter(
      (r) => r.stale && r.state === 'ACTIVE',
    );
    const line = (r: (typeof want)[number]) => ({
      accountId: r.account_id,
      name: r.account_name,
      region: r.region,
      status: r.status,
      lastSnapshot: r.last,
    });
    const never = want.filter((r) => r.status === 'never_delivered').map(line);
    const stopped = want
      .filter((r) => r.status === 'stopped_delivering')
      .map(line)
      .sort((a, b) => String(a.lastSnapshot).localeCompare(String(b.lastSnapshot)));
    expect(never.length).toBeGreaterThan(0);
    expect(stopped.length).toBeGreaterThan(0);
    expect(report.stale).toEqual([...never, ...stopped]);

    const neverAccounts = [...new Set(never.map((r) => r.accountId))];
    const stoppedAccounts = new Set(stopped.map((r) => r.accountId));
    const markdown = renderReportMarkdown(report, context);
    expect(markdown).toContain(
      `**Never delivered a snapshot: ${neverAccounts.length} account${neverAccounts.length === 1 ? '' : 's'}, ${never.length} account/regions.** No Config snapshot file from them in the last ${repo.org.compliance.trendDays} days.`,
    );
    for (const id of neverAccounts) {
      const regions = never.filter((r) => r.accountId === id).map((r) => r.region);
      const name = never.find((r) => r.accountId === id)?.name;
      expect(markdown).toContain(`| \`${id}\` | ${name} | ${regions.sort().join(', ')} |`);
    }
    expect(markdown).toContain(
      `**Stopped delivering snapshots: ${stopped.length} account/region${stopped.length === 1 ? '' : 's'}, ${stoppedAccounts.size} account${stoppedAccounts.size === 1 ? '' : 's'}.** They delivered snapshots, but the newest is more than ${repo.org.compliance.staleAfterDays} days old`,
    );
    for (const r of stopped)
      expect(markdown).toContain(`| \`${r.accountId}\` | ${r.name} | ${r.region} | ${r.lastSnapshot} |`);
  });

  it('report --format json follows the contract and the same numbers', async () => {
    const { current } = await expected();
    const { report } = await runReport(repo, (sql, what) => session.query(sql, what), TODAY);
    expect(Object.keys(report)).toEqual([
      'asOf',
      'totals',
      'accounts',
      'rules',
      'categories',
      'unmanagedRules',
      'stale',
      'ous',
      'resources',
      'changes',
      'scoreWeekAgo',
      'expiringExceptions',
      'severities',
      'frameworks',
    ]);
    const t = tally(current, TODAY);
    expect(report.totals).toEqual({ ...t, score: score(t.compliant, t.nonCompliant) });
    const scores = report.accounts.map((a) => a.score).filter((s): s is number => s !== null);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    expect(Object.keys(report.accounts[0] ?? {})).toEqual([
      'accountId',
      'name',
      'compliant',
      'nonCompliant',
      'excluded',
      'score',
      'lastSnapshot',
    ]);
    expect(Object.keys(report.stale[0] ?? {})).toEqual([
      'accountId',
      'name',
      'region',
      'status',
      'lastSnapshot',
    ]);
    expect(Object.keys(report.rules[0] ?? {})).toEqual([
      'rule',
      'category',
      'compliant',
      'nonCompliant',
      'excluded',
      'accountsNonCompliant',
      'severity',
      'securityHubControls',
      'remediation',
      'documentationUrl',
    ]);
    expect(report.severities.map((s) => s.severity)).toEqual([
      'critical',
      'high',
      'medium',
      'low',
      'unrated',
    ]);
    expect(report.frameworks.map((f) => f.name)).toEqual([
      'CIS AWS Foundations Benchmark',
      'AWS Foundational Security Best Practices',
      'NIST SP 800-53 Rev. 5',
      'PCI DSS v3.2.1',
    ]);
  });
});
