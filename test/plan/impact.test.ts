/**
 * The plan's impact on today's data, on the local target over generated snapshot files: the
 * scores before → after and what each change covers, checked against an independent reading of
 * the files (test/helpers/expected.ts, no SQL); an exception that matches nothing warns; a removed
 * rule and newly excluded accounts leave the data; a new rule says where it will run; a plan
 * without such a change, and a first plan (nothing deployed), run no query.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { type AthenaSelectAnswerer, FakeAws } from '../../src/bench/fake-aws.js';
import { projectedAccounts } from '../../src/desired/glue-table.js';
import type { ExceptionSpec, Repository, RuleSpec } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession, Target } from '../../src/model/provider.js';
import { planImpact } from '../../src/pipeline/impact.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createAwsTarget } from '../../src/providers/aws/target.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { renderPlanMarkdown } from '../../src/report/plan-markdown.js';
import { renderPlanText } from '../../src/report/plan-text.js';
import {
  currentEvaluations,
  type Evaluation,
  isExcluded,
  newestPerDay,
  readSnapshots,
  type SnapshotFile,
  tally,
} from '../helpers/expected.js';
import { type GeneratedWorkspace, generatedWorkspace } from '../helpers/generated.js';

// The views use current_date, so the data ends today.
const TODAY = toIsoDate(new Date());

let made: GeneratedWorkspace;
let daily: SnapshotFile[];
let projected: Set<string>;

beforeAll(async () => {
  made = await generatedWorkspace({ accounts: 8, ous: 3, regions: 2, days: 3, seed: 23, today: TODAY });
  await writeFile(join(made.localDir, 'org.json'), JSON.stringify(made.snapshots.organization));
  const target = createLocalTarget(made.repo.org, made.localDir, { today: TODAY });
  const result = await apply((await runPlan(made.repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  projected = new Set(projectedAccounts(made.repo.accounts, TODAY, made.repo.org.closedAccountRetentionDays));
  daily = newestPerDay(await readSnapshots(made.s3Root, made.repo, projected));
}, 180_000);

/** The local target, counting the query sessions it opens. */
function counted(repo: Repository, dir = made.localDir): { target: Target; sessions: () => number } {
  const target = createLocalTarget(repo.org, dir, { today: TODAY });
  let sessions = 0;
  return {
    target: {
      ...target,
      openQuerySession: () => {
        sessions++;
        return target.openQuerySession();
      },
    },
    sessions: () => sessions,
  };
}

async function planOf(repo: Repository) {
  const { target, sessions } = counted(repo);
  const run = await runPlan(repo, target, { today: TODAY, impact: true });
  return { plan: run.plan, sessions: sessions() };
}

const pct = (c: number, n: number) => (c + n === 0 ? 'n/a' : `${((c / (c + n)) * 100).toFixed(1)}%`);

/** The score line the plan must print, from two independent tallies. */
function scoreLine(name: string, b: ReturnType<typeof tally>, a: ReturnType<typeof tally>): string {
  const parts: string[] = [];
  if (b.compliant !== a.compliant) parts.push(`compliant ${b.compliant} → ${a.compliant}`);
  if (b.nonCompliant !== a.nonCompliant) parts.push(`non-compliant ${b.nonCompliant} → ${a.nonCompliant}`);
  if (b.excluded !== a.excluded) parts.push(`excluded ${b.excluded} → ${a.excluded}`);
  return `${name} ${pct(b.compliant, b.nonCompliant)} → ${pct(a.compliant, a.nonCompliant)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Today's evaluations judged as deployed and as `after` would judge them (pairwise: the same files
 * in the same order), minus those `gone` says leave the data.
 */
function judged(after: Repository, gone: (e: Evaluation) => boolean = () => false) {
  const before = currentEvaluations(daily, made.repo, TODAY);
  const later = currentEvaluations(daily, after, TODAY);
  expect(later).toHaveLength(before.length);
  const org = (e: Evaluation) => projected.has(e.account);
  const kept = later.filter((e, i) => !gone(before[i] as Evaluation) && !gone(e));
  return {
    before,
    later,
    organization: scoreLine('organization', tally(before.filter(org), TODAY), tally(kept.filter(org), TODAY)),
    category: (c: string) =>
      scoreLine(
        c,
        tally(
          before.filter((e) => e.category === c),
          TODAY,
        ),
        tally(
          kept.filter((e) => e.category === c),
          TODAY,
        ),
      ),
  };
}

const counts = (e: Evaluation) => e.compliance === 'COMPLIANT' || e.compliance === 'NON_COMPLIANT';

/** The pairs of `evals`, most non-compliant first, as the plan lists them. */
function pairs(evals: { e: Evaluation; moved: boolean }[]) {
  const by = new Map<
    string,
    { account: string; rule: string; nc: number; c: number; all: number; moved: number }
  >();
  for (const { e, moved } of evals) {
    const k = `${e.account} ${e.rule}`;
    const p = by.get(k) ?? { account: e.account, rule: e.rule, nc: 0, c: 0, all: 0, moved: 0 };
    by.set(k, p);
    p.all++;
    if (e.compliance === 'NON_COMPLIANT') p.nc++;
    if (e.compliance === 'COMPLIANT') p.c++;
    if (moved && counts(e)) p.moved++;
  }
  return [...by.values()].sort(
    (a, b) =>
      b.nc - a.nc ||
      b.moved - a.moved ||
      b.all - a.all ||
      (a.account < b.account ? -1 : a.account > b.account ? 1 : 0) ||
      (a.rule < b.rule ? -1 : 1),
  );
}

function withException(repo: Repository, x: ExceptionSpec): Repository {
  const next = structuredClone(repo);
  next.exceptions.push(x);
  return next;
}

/** The most common value of tag `key` on today's catalog evaluations. */
function commonTagValue(key: string): string {
  const seen = new Map<string, number>();
  for (const e of currentEvaluations(daily, made.repo, TODAY)) {
    const v = e.tags[key];
    if (e.inCatalog && v !== undefined) seen.set(v, (seen.get(v) ?? 0) + 1);
  }
  return [...seen].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
}

describe('plan impact on the local target', () => {
  it('a new exception: the scores before → after and the evaluations it covers, per account and rule', async () => {
    const env = commonTagValue('Environment');
    const accounts = made.repo.accounts.filter((a) => projected.has(a.id)).map((a) => a.id);
    const x: ExceptionSpec = {
      id: 'legacy-volumes',
      rules: ['security-*', 'backup-*', 'cost-*'],
      accounts: accounts.slice(0, 6),
      tags: { Environment: env },
      reason: 'Legacy volumes and buckets, moved off by the storage migration.',
      owner: 'team-storage',
      expires: '2099-12-31',
    };
    const repo = withException(made.repo, x);
    const { plan, sessions } = await planOf(repo);
    expect(sessions).toBe(1);

    const want = judged(repo);
    // Covered now: the new exception is the one that excludes it (the tag comes first).
    const covered = want.later
      .map((e, i) => ({ e, was: want.before[i] as Evaluation }))
      .filter(({ e }) => e.exception?.id === x.id && !e.excludedByTag)
      .map(({ e, was }) => ({ e, moved: !isExcluded(was, TODAY) }));
    const nc = covered.filter(({ e }) => e.compliance === 'NON_COMPLIANT').length;
    const leave = covered.filter(({ e, moved }) => moved && counts(e)).length;
    const inAccounts = new Set(covered.map(({ e }) => e.account)).size;
    const list = pairs(covered);
    expect(nc).toBeGreaterThan(5);
    expect(list.length).toBeGreaterThan(10);

    const text = renderPlanText(plan);
    const lines = text.split('\n');
    expect(lines).toContain('Impact on today’s data (the newest snapshots):');
    expect(lines).toContain(`  ${want.organization}`);
    expect(lines).toContain(`  ${want.category('security')}`);
    expect(lines).toContain(
      `  exception \`legacy-volumes\` (new) covers ${nc} non-compliant evaluations (${covered.length} in all) in ${inAccounts} accounts; ${leave} leave the score`,
    );
    const first = list[0] as (typeof list)[number];
    const name = made.repo.accounts.find((a) => a.id === first.account)?.name;
    expect(lines).toContain(
      `      ${first.account} (${name}) ${first.rule}: ${first.nc} non-compliant, ${first.c} compliant, ${first.all} in all`,
    );
    expect(lines).toContain(`      10 of ${list.length} (account, rule) pairs shown`);
    expect(plan.notices.filter((n) => n.level !== 'info')).toEqual([]);

    const subject = plan.impact?.subjects[0];
    expect(
      subject?.after.top.map((p) => [p.accountId, p.rule, p.nonCompliant, p.compliant, p.evaluations]),
    ).toEqual(list.slice(0, 10).map((p) => [p.account, p.rule, p.nc, p.c, p.all]));
    expect(subject?.before.evaluations).toBe(0);

    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain('#### Impact on today’s data');
    expect(markdown).toContain(`**${want.organization}**`);
    expect(markdown).toContain(`_10 of ${list.length} (account, rule) pairs shown_`);
    // plan --json carries it as it is.
    expect(JSON.parse(JSON.stringify(plan)).impact.subjects[0].after.nonCompliant).toBe(nc);
  }, 120_000);

  it('an exception that matches nothing today is a warning naming it, in text and Markdown', async () => {
    const repo = withException(made.repo, {
      id: 'old-bucket',
      rules: ['security-s3-*'],
      accounts: [],
      resourceId: 'bucket-deleted-long-ago',
      tags: {},
      reason: 'The bucket of the old portal, kept until its data is archived.',
      owner: 'team-portal',
      expires: '2099-12-31',
    });
    const { plan } = await planOf(repo);
    const message =
      "exception 'old-bucket' matches no evaluation on the newest snapshots: it excludes nothing today (check its rules, accounts, resourceType, resourceId and tags, or whether an exception before it by id already covers what it names)";
    expect(plan.notices).toContainEqual({ level: 'warning', subject: 'exception:old-bucket', message });
    expect(renderPlanText(plan).split('\n')).toContain(`! ${message}`);
    expect(renderPlanMarkdown(plan)).toContain(`- ⚠️ ${message}`);
    expect(renderPlanText(plan)).toContain(
      'exception `old-bucket` (new) covers 0 non-compliant evaluations (0 in all) in 0 accounts; 0 leave the score',
    );
    expect(plan.impact?.scores?.organization.before).toEqual(plan.impact?.scores?.organization.after);
  }, 120_000);

  it('a removed rule and newly excluded accounts leave the data; a new rule says where it will run', async () => {
    const repo = structuredClone(made.repo);
    const removed = 'backup-db-instance-backup-enabled';
    const narrowed = 'security-s3-bucket-ssl-requests-only';
    expect(repo.rules.some((r) => r.name === removed)).toBe(true);
    repo.rules = repo.rules.filter((r) => r.name !== removed);
    const withHoles = [...projected].sort().slice(0, 2);
    const target = repo.rules.find((r) => r.name === narrowed) as RuleSpec;
    target.excludedAccounts = withHoles;
    const fresh = [...projected].sort()[3] as string;
    repo.rules.push({
      name: 'security-sns-encrypted-kms',
      category: 'security',
      identifier: 'SNS_ENCRYPTED_KMS',
      description: 'SNS topics are encrypted with KMS. [managed by org-compliance]',
      parameters: {},
      resourceTypesScope: [],
      excludedAccounts: [fresh],
      regions: 'all',
    });
    const { plan } = await planOf(repo);

    const gone = (e: Evaluation) =>
      e.rule === removed || (e.rule === narrowed && withHoles.includes(e.account));
    const want = judged(repo, gone);
    const lines = renderPlanText(plan).split('\n');
    expect(lines).toContain(`  ${want.organization}`);
    expect(lines).toContain(`  ${want.category('backup')}`);
    expect(lines).toContain(`  ${want.category('security')}`);

    const now = currentEvaluations(daily, made.repo, TODAY);
    const spread = (evals: Evaluation[]) =>
      `its ${evals.length} evaluations in ${new Set(evals.map((e) => e.account)).size} accounts`;
    const removedEvals = now.filter((e) => e.rule === removed);
    const narrowedEvals = now.filter((e) => e.rule === narrowed && withHoles.includes(e.account));
    const countedOf = (evals: Evaluation[]) => evals.filter((e) => counts(e) && !isExcluded(e, TODAY));
    expect(removedEvals.length).toBeGreaterThan(0);
    expect(countedOf(narrowedEvals).length).toBeGreaterThan(0);
    expect(lines).toContain(
      `  rule \`${removed}\` (removed): ${spread(removedEvals)} leave the data, ${countedOf(removedEvals).length} of them counted in the score (${countedOf(removedEvals).filter((e) => e.compliance === 'NON_COMPLIANT').length} non-compliant)`,
    );
    expect(lines).toContain(
      `  rule \`${narrowed}\` excludedAccounts: ${spread(narrowedEvals)} newly excluded leave the data, ${countedOf(narrowedEvals).length} of them counted in the score (${countedOf(narrowedEvals).filter((e) => e.compliance === 'NON_COMPLIANT').length} non-compliant)`,
    );
    const active = made.repo.accounts.filter((a) => a.state === 'ACTIVE' && a.id !== fresh).map((a) => a.id);
    expect(lines).toContain(
      `  new rule \`security-sns-encrypted-kms\` (SNS_ENCRYPTED_KMS) will evaluate ${active.length} active accounts not excluded (${active.join(', ')}) in ${made.repo.org.regions.join(', ')}: resource types AWS::SNS::Topic`,
    );
  }, 120_000);

  it('another exclusion tag: what it covers, and what the deployed tag gave back', async () => {
    const env = commonTagValue('Environment');
    const repo = structuredClone(made.repo);
    repo.org.compliance.excludeTag = { key: 'Environment', value: env };
    const { plan } = await planOf(repo);
    const want = judged(repo);
    const lines = renderPlanText(plan).split('\n');
    expect(lines).toContain(`  ${want.organization}`);
    const nowTagged = want.later.filter((e) => e.inCatalog && e.excludedByTag);
    const wasTagged = want.before.filter((e) => e.inCatalog && e.excludedByTag);
    const nc = (evals: Evaluation[]) => evals.filter((e) => e.compliance === 'NON_COMPLIANT').length;
    const accounts = (evals: Evaluation[]) => new Set(evals.map((e) => e.account)).size;
    const subject = plan.impact?.subjects.find((s) => s.kind === 'tag');
    expect(subject?.name).toBe(`Environment=${env}`);
    expect([subject?.after.evaluations, subject?.after.nonCompliant, subject?.after.accounts]).toEqual([
      nowTagged.length,
      nc(nowTagged),
      accounts(nowTagged),
    ]);
    expect([subject?.before.evaluations, subject?.before.nonCompliant, subject?.before.accounts]).toEqual([
      wasTagged.length,
      nc(wasTagged),
      accounts(wasTagged),
    ]);
    expect(wasTagged.length).toBeGreaterThan(0);
  }, 120_000);

  it('a plan without such a change runs no query, and shows no impact', async () => {
    const repo = structuredClone(made.repo);
    const rule = repo.rules[0] as RuleSpec;
    rule.description = `Reworded. ${rule.description}`;
    const { plan, sessions } = await planOf(repo);
    expect(plan.hasChanges).toBe(true);
    expect(sessions).toBe(0);
    expect(plan.impact).toBeUndefined();
    expect(renderPlanText(plan)).not.toContain('Impact on today');
  }, 120_000);

  it('a first plan (no views deployed) runs no query and says why no impact is shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'impact-first-'));
    await writeFile(join(dir, 'org.json'), JSON.stringify(made.snapshots.organization));
    const { target, sessions } = counted(made.repo, dir);
    const run = await runPlan(made.repo, target, { today: TODAY, impact: true });
    expect(sessions()).toBe(0);
    expect(run.plan.impact?.status).toBe('skipped');
    expect(run.plan.impact?.changes.newRules).toHaveLength(made.repo.rules.length);
    expect(run.plan.impact?.newRules).toEqual([]);
    expect(renderPlanText(run.plan)).toContain(
      '  not measured: the views are not deployed yet (view org_compliance.accounts is created by this plan): there is no data to measure the change against until after the first apply',
    );
  }, 120_000);

  it('a query over Athena’s 262,144 bytes is not sent: the impact is skipped with a warning', async () => {
    const repo = structuredClone(made.repo);
    // 2,000 new exceptions, each inlined into the query.
    for (let i = 0; i < 2000; i++) {
      repo.exceptions.push({
        id: `bulk-${String(i).padStart(4, '0')}`,
        rules: ['cost-*'],
        accounts: [],
        resourceId: `volume-${'x'.repeat(100)}-${i}`,
        tags: {},
        reason: 'Bulk test exception.',
        owner: 'team',
        expires: '2099-12-31',
      });
    }
    const { plan } = await runPlan(repo, createLocalTarget(repo.org, made.localDir, { today: TODAY }), {
      today: TODAY,
    });
    let opened = 0;
    const measured = await planImpact(repo, plan, {
      openQuerySession: async () => {
        opened++;
        throw new Error('no query may run');
      },
    });
    expect(opened).toBe(0);
    expect(measured.impact?.status).toBe('skipped');
    expect(measured.impact?.reason).toMatch(
      /^the impact query would be \d{6} bytes, over Athena's limit of 262144 \(the new and changed exceptions of config\/exceptions\.yaml are inlined into it\)$/,
    );
    expect(measured.notices.map((n) => n.level)).toEqual(['warning']);
  }, 120_000);
});

/** Athena's text for a value the local engine returned. */
function athenaText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The fake Athena's SELECTs answered by the local target's DuckDB over the same data. */
function answeredBy(session: QuerySession): AthenaSelectAnswerer {
  return async (sql) => {
    const records = await session.query(sql, 'the fake Athena');
    const columns = Object.keys(records[0] ?? {});
    if (columns.length === 0) throw new Error('the test answers SELECTs that return rows only');
    return { columns, rows: records.map((r) => columns.map((c) => athenaText(r[c]))) };
  };
}

describe('plan impact on the aws target (the in-process fake, its Athena answered by DuckDB over the same data)', () => {
  it('the same impact, text and warnings as on the local target, from one query', async () => {
    const fake = new FakeAws(made.snapshots.organization);
    const aws = (repo: Repository) =>
      createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {}, mode: 'read' });
    const deployed = await apply(
      (await runPlan(made.repo, aws(made.repo), { today: TODAY })).plan,
      aws(made.repo),
    );
    expect(deployed.ok).toBe(true);
    const session = await createLocalTarget(made.repo.org, made.localDir, {
      today: TODAY,
    }).openQuerySession();
    fake.answerSelects = answeredBy(session);
    try {
      const repo = withException(made.repo, {
        id: 'legacy-volumes',
        rules: ['security-*', 'backup-*'],
        accounts: [],
        resourceType: 'AWS::EC2::*',
        tags: {},
        reason: 'Legacy volumes and buckets, moved off by the storage migration.',
        owner: 'team-storage',
        expires: '2099-12-31',
      });
      repo.exceptions.push({
        id: 'old-bucket',
        rules: ['security-s3-*'],
        accounts: [],
        resourceId: 'bucket-deleted-long-ago',
        tags: {},
        reason: 'The bucket of the old portal, kept until its data is archived.',
        owner: 'team-portal',
        expires: '2099-12-31',
      });
      repo.rules = repo.rules.filter((r) => r.name !== 'backup-db-instance-backup-enabled');
      const before = fake.queries.length;
      const onAws = await runPlan(repo, aws(repo), { today: TODAY, impact: true });
      const selects = fake.queries.slice(before).filter((q) => /^\s*(SELECT|WITH)\b/i.test(q));
      expect(selects).toHaveLength(1);
      expect(selects[0]?.startsWith('WITH latest AS (')).toBe(true);

      const onLocal = await planOf(repo);
      expect(onAws.plan.impact?.status).toBe('computed');
      expect(onAws.plan.impact?.subjects.map((s) => s.after.evaluations)).not.toEqual([0, 0, 0]);
      expect(onAws.plan.impact).toEqual(onLocal.plan.impact);
      const impactLines = (text: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith('  ') || l.startsWith('Impact') || l.startsWith('! exception'));
      expect(impactLines(renderPlanText(onAws.plan))).toEqual(impactLines(renderPlanText(onLocal.plan)));
      expect(onAws.plan.notices.filter((n) => n.subject.startsWith('exception:'))).toEqual([
        expect.objectContaining({ level: 'warning', subject: 'exception:old-bucket' }),
      ]);
    } finally {
      fake.answerSelects = undefined;
      await session.close();
    }
  }, 180_000);

  it('a failed query leaves the plan whole, with a warning saying why no impact is shown', async () => {
    const fake = new FakeAws(made.snapshots.organization);
    const aws = (repo: Repository) =>
      createAwsTarget(repo.org, { clients: fake.clients(), sleep: async () => {}, mode: 'read' });
    const deployed = await apply(
      (await runPlan(made.repo, aws(made.repo), { today: TODAY })).plan,
      aws(made.repo),
    );
    expect(deployed.ok).toBe(true);
    fake.answerSelects = async () => {
      throw new Error(
        "TABLE_NOT_FOUND: line 4:8: Table 'awsdatacatalog.org_compliance.daily_evaluations' does not exist",
      );
    };
    const repo = structuredClone(made.repo);
    repo.rules = repo.rules.filter((r) => r.name !== 'backup-db-instance-backup-enabled');
    const run = await runPlan(repo, aws(repo), { today: TODAY, impact: true });
    expect(run.plan.hasChanges).toBe(true);
    expect(run.plan.impact?.status).toBe('skipped');
    expect(run.plan.notices).toContainEqual({
      level: 'warning',
      subject: 'impact',
      message: expect.stringMatching(
        /^No impact on today's data is shown: the impact query failed: .*TABLE_NOT_FOUND: line 4:8: Table 'awsdatacatalog\.org_compliance\.daily_evaluations' does not exist/,
      ),
    });
  }, 180_000);
});
