/**
 * The demo's data through the `report` command: the failing resources (first seen, days failing)
 * and the new/resolved counts of `report --format json`, and every row of `report --format csv`,
 * exactly as an independent reading of the generated snapshot files says (gunzip + JSON under the
 * S3 key layout, test/helpers/expected-findings.ts), with the demo's defaults: 40 accounts, 3
 * regions, 30 days, its seed.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { type Io, runCli } from '../../src/cli/program.js';
import { DEMO_DEFAULTS } from '../../src/demo/defaults.js';
import { DEMO_ORG } from '../../src/demo/run.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { projectedAccounts } from '../../src/desired/glue-table.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import { compareText } from '../../src/model/values.js';
import { allFailingResourcesOn } from '../../src/pipeline/failing-resources.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createAwsTarget } from '../../src/providers/aws/target.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import type { ComplianceReport } from '../../src/report/compliance.js';
import { resourcesCsv } from '../../src/report/resources.js';
import { newestPerDay, readSnapshots } from '../helpers/expected.js';
import {
  type ExpectedChange,
  type ExpectedResource,
  expectedFailingResources,
  expectedFindingChanges,
} from '../helpers/expected-findings.js';
import { REPO_ROOT, scratchRepo } from '../helpers/repo.js';

// The views use current_date, so the data ends today, as the demo's does.
const TODAY = toIsoDate(new Date());

let root: string;
let localDir: string;
let repo: Repository;
let resources: ExpectedResource[];
let changes: ExpectedChange[];

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

async function report(...args: string[]): Promise<string> {
  const io = capture();
  const code = await runCli(
    ['node', 'org-compliance', 'report', '--root', root, '--local-dir', localDir, ...args],
    io,
  );
  if (code !== 0) throw new Error(`report ${args.join(' ')} exited ${code}: ${io.stderr.join('\n')}`);
  return io.stdout.join('\n');
}

/** The report's order: oldest failure first, then account, region, rule, resource (by code unit, as SQL orders text). */
function reportOrder(a: ExpectedResource, b: ExpectedResource): number {
  return (
    b.daysFailing - a.daysFailing ||
    compareText(a.accountId, b.accountId) ||
    compareText(a.region, b.region) ||
    compareText(a.rule, b.rule) ||
    compareText(a.resourceType, b.resourceType) ||
    compareText(a.resourceId, b.resourceId)
  );
}

const asItem = (r: ExpectedResource) => [
  r.accountId,
  r.region,
  r.rule,
  r.resourceType,
  r.resourceId,
  r.firstSeen,
  r.daysFailing,
  r.excluded,
];

/** RFC 4180, read independently of the writer: quoted fields with doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('the CSV does not end with CRLF');
  return rows;
}

beforeAll(async () => {
  ({ root, localDir } = await scratchRepo());
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: DEMO_ORG.organizationId,
    accounts: DEMO_DEFAULTS.accounts,
    ous: DEMO_ORG.ous,
    seed: DEMO_DEFAULTS.seed,
    until: TODAY,
  });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: [],
    regions: DEMO_DEFAULTS.regions,
    today: TODAY,
  });
  const loaded = await loadRepository(root, { today: TODAY });
  if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  repo = loaded.repository;
  const s3Root = join(localDir, 's3');
  await writeSnapshots({
    org: repo.org,
    organization,
    rules: repo.rules,
    days: DEMO_DEFAULTS.days,
    until: TODAY,
    seed: DEMO_DEFAULTS.seed,
    s3Dir: s3Root,
  });
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
  const daily = newestPerDay(await readSnapshots(s3Root, repo, projected));
  resources = expectedFailingResources(daily, repo, TODAY).sort(reportOrder);
  changes = expectedFindingChanges(daily, repo, TODAY);
}, 300_000);

afterAll(async () => {
  if (root) await rm(dirname(root), { recursive: true, force: true });
});

describe('the demo data through report', () => {
  it('--format json: the first 100 failing resources, oldest first, and the total, as the files say', async () => {
    const json = JSON.parse(await report('--format', 'json')) as ComplianceReport;
    expect(json.resources.total).toBe(resources.length);
    expect(resources.length).toBeGreaterThan(100);
    expect(json.resources.shown).toBe(100);
    expect(
      json.resources.items.map((i) => [
        i.accountId,
        i.region,
        i.rule,
        i.resourceType,
        i.resourceId,
        i.firstSeen,
        i.daysFailing,
        i.excluded,
      ]),
    ).toEqual(resources.slice(0, 100).map(asItem));
    // The account's name, OU and owner come from accounts.yaml; the severity from the catalog.
    const first = json.resources.items[0];
    const account = repo.accounts.find((a) => a.id === first?.accountId);
    expect(first?.accountName).toBe(account?.name);
    expect(first?.ou).toBe(account?.ouPath);
    expect(first?.severity).toMatch(/^(critical|high|medium|low|informational|unrated)$/);
    // The oldest failures reach back to the first day of the data: at least that old.
    expect(first?.daysFailing).toBe(DEMO_DEFAULTS.days - 1);
  }, 120_000);

  it('--resources N: all of them when N is large enough, every first-seen day and age exact', async () => {
    const json = JSON.parse(await report('--format', 'json', '--resources', '100000')) as ComplianceReport;
    expect(json.resources.shown).toBe(resources.length);
    expect(
      json.resources.items.map((i) => [
        i.accountId,
        i.region,
        i.rule,
        i.resourceType,
        i.resourceId,
        i.firstSeen,
        i.daysFailing,
        i.excluded,
      ]),
    ).toEqual(resources.map(asItem));
    const none = JSON.parse(await report('--format', 'json', '--resources', '0')) as ComplianceReport;
    expect(none.resources).toEqual({ total: resources.length, shown: 0, items: [] });
  }, 120_000);

  it('--format json: new and resolved findings since yesterday and a week ago, per account and rule, as the files say', async () => {
    const json = JSON.parse(await report('--format', 'json')) as ComplianceReport;
    for (const since of ['yesterday', 'week'] as const) {
      const mine = changes.filter((c) => c.since === since);
      const counted = (change: 'new' | 'resolved', by: (c: ExpectedChange) => string) => {
        const m = new Map<string, number>();
        for (const c of mine.filter((x) => x.change === change)) m.set(by(c), (m.get(by(c)) ?? 0) + 1);
        return m;
      };
      expect(json.changes[since].new).toBe(mine.filter((c) => c.change === 'new').length);
      expect(json.changes[since].resolved).toBe(mine.filter((c) => c.change === 'resolved').length);
      // The demo's data changes from day to day, both ways.
      expect(json.changes[since].new).toBeGreaterThan(0);
      expect(json.changes[since].resolved).toBeGreaterThan(0);
      const byAccount = (change: 'new' | 'resolved') =>
        new Map(
          json.changes[since].byAccount.filter((a) => a[change] > 0).map((a) => [a.accountId, a[change]]),
        );
      const byRule = (change: 'new' | 'resolved') =>
        new Map(json.changes[since].byRule.filter((r) => r[change] > 0).map((r) => [r.rule, r[change]]));
      for (const change of ['new', 'resolved'] as const) {
        expect(byAccount(change)).toEqual(counted(change, (c) => c.accountId));
        expect(byRule(change)).toEqual(counted(change, (c) => c.rule));
      }
    }
  }, 120_000);

  it('--format csv --out: every failing resource, a header, RFC 4180', async () => {
    const out = join(localDir, 'resources.csv');
    expect(await report('--format', 'csv', '--out', out)).toBe(`Wrote ${out}.`);
    const [header, ...rows] = parseCsv(await readFile(out, 'utf8'));
    expect(header).toEqual([
      'account_id',
      'account_name',
      'ou',
      'owner',
      'region',
      'rule',
      'category',
      'severity',
      'resource_type',
      'resource_id',
      'first_seen',
      'days_failing',
      'excluded',
      'exclusion_reason',
    ]);
    expect(rows.map((r) => [r[0], r[4], r[5], r[8], r[9], r[10], Number(r[11]), r[12] === 'true'])).toEqual(
      resources.map(asItem),
    );
    // Exclusion reasons hold commas and colons: quoted, read back whole.
    expect(rows.filter((r) => r[12] === 'true').every((r) => (r[13] ?? '').length > 0)).toBe(true);
  }, 120_000);

  it('--format md: the section cut at 10 with "10 of N shown", the changes sentence under the score', async () => {
    const md = await report('--format', 'md');
    const json = JSON.parse(await report('--format', 'json')) as ComplianceReport;
    expect(md).toContain(`_10 of ${resources.length} shown; report --format csv lists them all._`);
    const c = json.changes;
    expect(md).toContain(
      `${c.yesterday.new} new, ${c.yesterday.resolved} resolved since yesterday; ${c.week.new} new, ${c.week.resolved} resolved since a week ago.`,
    );
  }, 120_000);

  it('--min-severity: the failing resources of rules that severe or more, and their total, in JSON and CSV', async () => {
    const all = JSON.parse(await report('--format', 'json')) as ComplianceReport;
    const severity = new Map(all.rules.map((r) => [r.rule, r.severity]));
    const severe = resources.filter((r) => ['critical', 'high'].includes(severity.get(r.rule) ?? ''));
    expect(severe.length).toBeGreaterThan(0);
    expect(severe.length).toBeLessThan(resources.length);
    const json = JSON.parse(await report('--format', 'json', '--min-severity', 'high')) as ComplianceReport;
    expect(json.resources.total).toBe(severe.length);
    expect(
      json.resources.items.map((i) => [
        i.accountId,
        i.region,
        i.rule,
        i.resourceType,
        i.resourceId,
        i.firstSeen,
        i.daysFailing,
        i.excluded,
      ]),
    ).toEqual(severe.slice(0, 100).map(asItem));
    const [, ...rows] = parseCsv(
      await report('--format', 'csv', '--min-severity', 'high').then(
        (t) => `${t.replace(/\r?\n/g, '\r\n')}\r\n`,
      ),
    );
    expect(rows.map((r) => [r[0], r[4], r[5], r[8], r[9], r[10], Number(r[11]), r[12] === 'true'])).toEqual(
      severe.map(asItem),
    );
  }, 120_000);

  it('on aws (the in-process fake, its Athena answered by DuckDB over the same data): every row, read over every page of GetQueryResults', async () => {
    const fake = new FakeAws(JSON.parse(await readFile(join(localDir, 'org.json'), 'utf8')));
    const aws = createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {}, mode: 'read' });
    const deployed = await apply((await runPlan(repo, aws, { today: TODAY })).plan, aws);
    expect(deployed.ok).toBe(true);
    const session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
    // Athena gives every value as text: numbers, booleans and dates too.
    fake.answerSelects = async (sql) => {
      const records = await session.query(sql, 'the fake Athena');
      const columns = Object.keys(records[0] ?? {});
      return {
        columns,
        rows: records.map((r) =>
          columns.map((c) => (r[c] === null || r[c] === undefined ? null : String(r[c]))),
        ),
      };
    };
    try {
      const pagesBefore = fake.calls.filter((c) => c.operation === 'GetQueryResults').length;
      const rows = await allFailingResourcesOn(aws, repo);
      const pages = fake.calls.filter((c) => c.operation === 'GetQueryResults').length - pagesBefore;
      // Over 1,000 rows: Athena's largest page; every page was read.
      expect(rows.length).toBe(resources.length);
      expect(resources.length).toBeGreaterThan(1000);
      expect(pages).toBe(Math.ceil((resources.length + 1) / 1000));
      // Byte for byte the CSV the local target wrote (the test before this one).
      const csv = resourcesCsv(rows);
      expect(csv).toBe(await readFile(join(localDir, 'resources.csv'), 'utf8'));
      const [, ...parsed] = parseCsv(csv);
      expect(
        parsed.map((r) => [r[0], r[4], r[5], r[8], r[9], r[10], Number(r[11]), r[12] === 'true']),
      ).toEqual(resources.map(asItem));
    } finally {
      fake.answerSelects = undefined;
      await session.close();
    }
  }, 300_000);
});
