/**
 * The failing_resources and finding_changes views on the local engine (DuckDB): on generated
 * snapshot files, every row as an independent reading of the files says (test/helpers/
 * expected-findings.ts); on files rewritten to plant the cases the views' definitions name (a
 * compliant day, a missing delivery, a rule not evaluated one day, INSUFFICIENT_DATA, the trend
 * window's start, an exclusion tag put on today, an account and region with no reference).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { projectedAccounts } from '../../src/desired/glue-table.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { evaluationsOf, newestPerDay, readSnapshots, type SnapshotFile } from '../helpers/expected.js';
import { expectedFailingResources, expectedFindingChanges } from '../helpers/expected-findings.js';
import { type GeneratedWorkspace, generatedWorkspace } from '../helpers/generated.js';
import { editFile } from '../helpers/repo.js';

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());
const day = (offset: number) => toIsoDate(new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000));

type Row = Record<string, unknown>;

async function deployAndOpen(w: GeneratedWorkspace, repo: Repository): Promise<QuerySession> {
  const { localDir } = w;
  await mkdir(localDir, { recursive: true });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(w.snapshots.organization));
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  return createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
}

async function dailyFiles(w: { s3Root: string }, repo: Repository): Promise<SnapshotFile[]> {
  const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
  return newestPerDay(await readSnapshots(w.s3Root, repo, projected));
}

const resourceKey = (r: Row) =>
  JSON.stringify([
    r.accountId,
    r.region,
    r.rule,
    r.resourceType,
    r.resourceId,
    r.firstSeen,
    r.daysFailing,
    r.excluded,
  ]);
const changeKey = (r: Row) =>
  JSON.stringify([r.accountId, r.region, r.rule, r.resourceType, r.resourceId, r.since, r.change]);

async function viewResources(session: QuerySession): Promise<Row[]> {
  const rows = await session.query(`SELECT * FROM "org_compliance".failing_resources`, 'failing resources');
  return rows.map((r) => ({
    accountId: r.account_id,
    region: r.region,
    rule: r.rule,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    firstSeen: String(r.first_seen).slice(0, 10),
    daysFailing: Number(r.days_failing),
    excluded: r.excluded,
  }));
}

async function viewChanges(session: QuerySession): Promise<Row[]> {
  const rows = await session.query(`SELECT * FROM "org_compliance".finding_changes`, 'finding changes');
  return rows.map((r) => ({
    accountId: r.account_id,
    region: r.region,
    rule: r.rule,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    since: r.since,
    change: r.change,
  }));
}

const sorted = (rows: Row[], key: (r: Row) => string) => rows.map(key).sort();

describe('on generated snapshot files: exactly what an independent reading of the files says', () => {
  let w: GeneratedWorkspace;
  let session: QuerySession;

  beforeAll(async () => {
    w = await generatedWorkspace({ accounts: 9, ous: 8, regions: 2, days: 12, seed: 77, today: TODAY });
    session = await deployAndOpen(w, w.repo);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    if (w) await rm(dirname(w.root), { recursive: true, force: true });
  });

  it('failing_resources: one row per NON_COMPLIANT catalog evaluation, with its first day and days failing', async () => {
    const want = expectedFailingResources(await dailyFiles(w, w.repo), w.repo, TODAY);
    const got = await viewResources(session);
    expect(got.length).toBe(want.length);
    expect(sorted(got, resourceKey)).toEqual(sorted(want as unknown as Row[], resourceKey));
    // Runs of every length: some start before the data does, some today, some in between.
    const ages = new Set(want.map((r) => r.daysFailing));
    expect(ages.has(0)).toBe(true);
    expect(ages.has(11)).toBe(true);
    expect(ages.size).toBeGreaterThan(5);
    expect(want.some((r) => r.excluded)).toBe(true);
  });

  it('failing_resources not excluded are the summaries non-compliant evaluations', async () => {
    const [summary] = await session.query(
      `SELECT sum(non_compliant) AS n FROM "org_compliance".account_summary`,
      'summary',
    );
    const [failing] = await session.query(
      `SELECT count(*) AS n FROM "org_compliance".failing_resources WHERE NOT excluded`,
      'failing',
    );
    expect(Number(failing?.n)).toBe(Number(summary?.n));
  });

  it('finding_changes: new and resolved since yesterday and a week ago, row for row', async () => {
    const want = expectedFindingChanges(await dailyFiles(w, w.repo), w.repo, TODAY);
    const got = await viewChanges(session);
    expect(sorted(got, changeKey)).toEqual(sorted(want as unknown as Row[], changeKey));
    for (const since of ['yesterday', 'week'])
      for (const change of ['new', 'resolved'])
        expect(want.filter((c) => c.since === since && c.change === change).length).toBeGreaterThan(0);
  });
});

interface Planted {
  account: string;
  region: string;
  target: { type: string; id: string };
  rule: string;
}

/** The snapshot files of one account and region, by day: every file of the day (two on some days). */
function filesOf(all: SnapshotFile[], account: string, region: string): Map<string, SnapshotFile[]> {
  const out = new Map<string, SnapshotFile[]>();
  for (const f of all.filter((x) => x.account === account && x.region === region))
    out.set(f.day, [...(out.get(f.day) ?? []), f]);
  return out;
}

type Item = {
  resourceType: string;
  resourceId: string;
  tags?: Record<string, string>;
  configuration: {
    targetResourceType: string;
    targetResourceId: string;
    configRuleList: { configRuleName: string; complianceType: string }[];
  };
};

/**
 * `count` evaluations of catalog rules on distinct resources described in `file` (so they have
 * tags), neither excluded by tag nor covered by an exception.
 */
function plantable(repo: Repository, file: SnapshotFile, count: number): Planted[] {
  const items = file.doc.configurationItems as unknown as Item[];
  const described = new Set(items.map((i) => `${i.resourceType}|${i.resourceId}`));
  const out: Planted[] = [];
  for (const e of evaluationsOf(file, repo)) {
    if (!e.inCatalog || e.excludedByTag || e.exception) continue;
    if (!described.has(`${e.resourceType}|${e.resourceId}`)) continue;
    if (out.some((p) => p.target.id === e.resourceId && p.target.type === e.resourceType)) continue;
    out.push({
      account: file.account,
      region: file.region,
      target: { type: e.resourceType, id: e.resourceId },
      rule: e.rule,
    });
    if (out.length === count) return out;
  }
  throw new Error(`fewer than ${count} resources to plant on in ${file.key}`);
}

describe('on planted histories (trendDays 7, windowDays 2)', () => {
  let w: GeneratedWorkspace;
  let repo: Repository;
  let session: QuerySession;
  let bucketDir: string;
  let place: { account: string; region: string };
  let other: { account: string; region: string };
  const planted: Planted[] = [];

  /** Rewrites every file of `account`/`region` on `d`. */
  async function rewrite(files: SnapshotFile[], edit: (items: Item[]) => void) {
    for (const f of files) {
      const path = join(bucketDir, f.key);
      const doc = JSON.parse(gunzipSync(await readFile(path)).toString('utf8'));
      edit(doc.configurationItems);
      await writeFile(path, gzipSync(JSON.stringify(doc)));
    }
  }

  function entry(items: Item[], p: Planted) {
    const item = items.find(
      (i) =>
        i.resourceType === 'AWS::Config::ResourceCompliance' &&
        i.configuration.targetResourceType === p.target.type &&
        i.configuration.targetResourceId === p.target.id,
    );
    const rule = item?.configuration.configRuleList.find(
      (r) => /^OrgConfigRule-(.+)-[A-Za-z0-9]+$/.exec(r.configRuleName)?.[1] === p.rule,
    );
    if (!item || !rule) throw new Error(`no evaluation of ${p.rule} on ${p.target.id}`);
    return { item, rule };
  }

  beforeAll(async () => {
    w = await generatedWorkspace({ accounts: 6, ous: 4, regions: 2, days: 12, seed: 31, today: TODAY });
    await editFile(join(w.root, 'config/org.yaml'), (t) =>
      t.replace('windowDays: 7', 'windowDays: 2').replace('trendDays: 90', 'trendDays: 7'),
    );
    const loaded = await loadRepository(w.root, { today: TODAY });
    if (!loaded.repository) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    repo = loaded.repository;
    bucketDir = join(w.s3Root, repo.org.snapshots.bucket);
    const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
    const all = await readSnapshots(w.s3Root, repo, projected);
    // Two accounts/regions that delivered on each of the 12 days.
    const everyDay = [...new Set(all.map((f) => `${f.account}|${f.region}`))]
      .sort()
      .map((k) => k.split('|') as [string, string])
      .filter(([a, r]) => filesOf(all, a, r).size === 12);
    const [first, second] = everyDay;
    if (!first || !second) throw new Error('fewer than two accounts/regions deliver every day');
    place = { account: first[0], region: first[1] };
    other = { account: second[0], region: second[1] };
    const days = filesOf(all, place.account, place.region);
    planted.push(...plantable(repo, (days.get(TODAY) as SnapshotFile[]).at(-1) as SnapshotFile, 7));
    const [q] = plantable(
      repo,
      (filesOf(all, other.account, other.region).get(TODAY) as SnapshotFile[]).at(-1) as SnapshotFile,
      1,
    );
    const [p1, p2, p3, p4, p5, p6, p7] = planted as [
      Planted,
      Planted,
      Planted,
      Planted,
      Planted,
      Planted,
      Planted,
    ];
    // Compliance per day, offsets -11 … 0: N non-compliant, C compliant, I insufficient data, - not evaluated.
    const plans: [Planted, string][] = [
      [p1, 'NNNNNNNNNNNN'], // since before the trend window: its first day, -7
      [p2, 'NNNNNNNCNNNN'], // compliant on -4: from -3
      [p3, 'CCCCNNNNNNNN'], // from -7 on; the delivery of -2 removed below does not end the run
      [p4, 'NNNNNNN-NNNN'], // not evaluated on -4: from -3
      [p5, 'NNNNNNNNNNIN'], // insufficient data yesterday: from today, and new since yesterday
      [p6, 'NNNNNNNNNNNC'], // resolved today: resolved since yesterday and since a week ago
      [p7, 'NNNNNNNNNNNN'], // tagged for exclusion today: still failing since -7, excluded, resolved
    ];
    for (const [offset, files] of [...days.entries()].map(
      ([d, f]) => [Math.round((Date.parse(d) - Date.parse(TODAY)) / 86_400_000), f] as const,
    )) {
      await rewrite(files, (items) => {
        for (const [p, plan] of plans) {
          const state = plan[offset + 11] as string;
          const { item, rule } = entry(items, p);
          if (state === '-')
            item.configuration.configRuleList = item.configuration.configRuleList.filter((r) => r !== rule);
          else
            rule.complianceType = { N: 'NON_COMPLIANT', C: 'COMPLIANT', I: 'INSUFFICIENT_DATA' }[
              state
            ] as string;
        }
        if (offset === 0) {
          const resource = items.find(
            (i) => i.resourceType === p7.target.type && i.resourceId === p7.target.id,
          ) as Item;
          resource.tags = { ...resource.tags, 'compliance:exclude': 'true' };
        }
      });
    }
    // No delivery from the place on -2.
    for (const f of days.get(day(-2)) ?? []) await rm(join(bucketDir, f.key));
    // The other account/region delivered nothing from -3 to -1: no reference for yesterday; one
    // evaluation compliant until -7 and failing from -6 on is new since a week ago.
    const others = filesOf(all, other.account, other.region);
    for (const [d, files] of others) {
      await rewrite(files, (items) => {
        entry(items, q as Planted).rule.complianceType = d <= day(-7) ? 'COMPLIANT' : 'NON_COMPLIANT';
      });
    }
    for (const d of [-3, -2, -1]) for (const f of others.get(day(d)) ?? []) await rm(join(bucketDir, f.key));
    session = await deployAndOpen(w, repo);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    if (w) await rm(dirname(w.root), { recursive: true, force: true });
  });

  async function resourceOf(p: Planted): Promise<Row | undefined> {
    const rows = await session.query(
      `SELECT first_seen, days_failing, excluded, exclusion_reason FROM "org_compliance".failing_resources WHERE account_id = '${p.account}' AND region = '${p.region}' AND rule = '${p.rule}' AND resource_id = '${p.target.id.replace(/'/g, "''")}'`,
      'planted',
    );
    expect(rows.length).toBeLessThanOrEqual(1);
    const r = rows[0];
    return (
      r && {
        firstSeen: String(r.first_seen).slice(0, 10),
        daysFailing: Number(r.days_failing),
        excluded: r.excluded,
        reason: r.exclusion_reason,
      }
    );
  }

  it('first_seen: the run of delivered failing days ending today; a compliant, unevaluated or insufficient day ends it, a missing delivery does not', async () => {
    const [p1, p2, p3, p4, p5, p6, p7] = planted as Planted[];
    expect(await resourceOf(p1 as Planted)).toEqual({
      firstSeen: day(-7),
      daysFailing: 7,
      excluded: false,
      reason: null,
    });
    expect(await resourceOf(p2 as Planted)).toEqual({
      firstSeen: day(-3),
      daysFailing: 3,
      excluded: false,
      reason: null,
    });
    expect(await resourceOf(p3 as Planted)).toEqual({
      firstSeen: day(-7),
      daysFailing: 7,
      excluded: false,
      reason: null,
    });
    expect(await resourceOf(p4 as Planted)).toEqual({
      firstSeen: day(-3),
      daysFailing: 3,
      excluded: false,
      reason: null,
    });
    expect(await resourceOf(p5 as Planted)).toEqual({
      firstSeen: TODAY,
      daysFailing: 0,
      excluded: false,
      reason: null,
    });
    expect(await resourceOf(p6 as Planted)).toBeUndefined();
    expect(await resourceOf(p7 as Planted)).toEqual({
      firstSeen: day(-7),
      daysFailing: 7,
      excluded: true,
      reason: 'tag compliance:exclude=true',
    });
  });

  it('finding_changes: the planted changes, against yesterday (-1) and a week ago (-7)', async () => {
    const [, , , , p5, p6, p7] = planted as Planted[];
    const rows = await viewChanges(session);
    const of = (p: Planted) =>
      rows
        .filter(
          (r) =>
            r.accountId === p.account &&
            r.region === p.region &&
            r.rule === p.rule &&
            r.resourceId === p.target.id,
        )
        .map((r) => `${r.since} ${r.change}`)
        .sort();
    expect(of(p5 as Planted)).toEqual(['yesterday new']);
    expect(of(p6 as Planted)).toEqual(['week resolved', 'yesterday resolved']);
    expect(of(p7 as Planted)).toEqual(['week resolved', 'yesterday resolved']);
    for (const p of planted.slice(0, 4)) expect(of(p)).toEqual([]);
  });

  it('an account and region without a snapshot 1 to 3 days older than its newest adds nothing since yesterday, and its week as the files say', async () => {
    const rows = await viewChanges(session);
    const mine = rows.filter((r) => r.accountId === other.account && r.region === other.region);
    expect(mine.filter((r) => r.since === 'yesterday')).toEqual([]);
    const want = expectedFindingChanges(await dailyFiles(w, repo), repo, TODAY).filter(
      (r) => r.accountId === other.account && r.region === other.region,
    );
    expect(want.filter((r) => r.since === 'week').length).toBeGreaterThan(0);
    expect(sorted(mine, changeKey)).toEqual(sorted(want as unknown as Row[], changeKey));
  });

  it('both views agree with the independent reading of the rewritten files, row for row', async () => {
    const daily = await dailyFiles(w, repo);
    expect(sorted(await viewResources(session), resourceKey)).toEqual(
      sorted(expectedFailingResources(daily, repo, TODAY) as unknown as Row[], resourceKey),
    );
    expect(sorted(await viewChanges(session), changeKey)).toEqual(
      sorted(expectedFindingChanges(daily, repo, TODAY) as unknown as Row[], changeKey),
    );
  });
});
