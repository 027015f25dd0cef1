/**
 * severity_summary and framework_summary on the local engine (DuckDB), against an independent
 * reading of the generated snapshot files: each catalog rule's severity and framework controls
 * from the shipped facts, its evaluations tallied from the files.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { produceReport } from '../../src/cli/report.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { projectedAccounts } from '../../src/desired/glue-table.js';
import { loadRepository } from '../../src/load/index.js';
import { catalogRuleFacts } from '../../src/load/managed-rules.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import type { QuerySession } from '../../src/model/provider.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { score } from '../../src/report/compliance.js';
import {
  currentEvaluations,
  type Evaluation,
  newestPerDay,
  readSnapshots,
  tally,
} from '../helpers/expected.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = toIsoDate(new Date());

let repo: Repository;
let session: QuerySession;
let current: Evaluation[];
let localDir: string;

beforeAll(async () => {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-severity-'));
  localDir = join(base, 'local');
  const root = join(base, 'repo');
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: 7,
    ous: 5,
    seed: 15,
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
  const s3Dir = join(localDir, 's3');
  await writeSnapshots({
    org: repo.org,
    organization,
    rules: repo.rules,
    days: 4,
    until: TODAY,
    seed: 15,
    s3Dir,
  });
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  if (!result.ok) throw new Error(result.results.map((r) => r.error).join('\n'));
  session = await target.openQuerySession();
  const projected = new Set(projectedAccounts(repo.accounts, TODAY, repo.org.closedAccountRetentionDays));
  const daily = newestPerDay(await readSnapshots(s3Dir, repo, projected));
  current = currentEvaluations(daily, repo, TODAY);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

function expectScore(got: unknown, compliant: number, nonCompliant: number): void {
  const want = score(compliant, nonCompliant);
  if (want === null) expect(got).toBeNull();
  else expect(got).toBeCloseTo(want, 12);
}

describe('severity and framework views on DuckDB', () => {
  it('catalog_rules carries severity, remediation, documentation link and Security Hub controls', async () => {
    const got = await session.query(
      `SELECT * FROM "org_compliance".catalog_rules WHERE rule = 'security-s3-bucket-level-public-access-prohibited'`,
      'test',
    );
    expect(got).toHaveLength(1);
    expect(got[0]?.severity).toBe('high');
    expect(got[0]?.security_hub_controls).toBe('S3.8');
    expect(got[0]?.documentation_url).toBe(
      'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html',
    );
    expect(String(got[0]?.remediation)).toMatch(/Block Public Access/);
    const unrated = await session.query(
      `SELECT rule, security_hub_controls FROM "org_compliance".catalog_rules WHERE severity = 'unrated' ORDER BY rule`,
      'test',
    );
    expect(unrated.length).toBe(10);
    expect(unrated.every((r) => r.security_hub_controls === null)).toBe(true);
  });

  it('severity_summary: one row per severity of the catalog, exact counts and scores', async () => {
    const rows = await session.query(`SELECT * FROM "org_compliance".severity_summary`, 'test');
    const severityOf = new Map(repo.rules.map((r) => [r.name, catalogRuleFacts(r).severity]));
    const ruleCount = new Map<string, number>();
    for (const s of severityOf.values()) ruleCount.set(s, (ruleCount.get(s) ?? 0) + 1);
    // The shipped catalog's 68 rules less the CloudFront rule (medium), which the demo workspace
    // drops with 2 regions that leave out us-east-1.
    expect(repo.rules.length).toBe(67);
    expect(Object.fromEntries([...ruleCount].sort())).toEqual({
      critical: 9,
      high: 11,
      low: 9,
      medium: 28,
      unrated: 10,
    });
    expect(rows.map((r) => r.severity).sort()).toEqual(['critical', 'high', 'low', 'medium', 'unrated']);
    let evaluated = 0;
    for (const r of rows) {
      const t = tally(
        current.filter((e) => severityOf.get(e.rule) === r.severity),
        TODAY,
      );
      evaluated += t.compliant + t.nonCompliant + t.excluded;
      expect([r.severity, r.rules, r.compliant, r.non_compliant, r.excluded]).toEqual([
        r.severity,
        ruleCount.get(String(r.severity)),
        t.compliant,
        t.nonCompliant,
        t.excluded,
      ]);
      expectScore(r.score, t.compliant, t.nonCompliant);
    }
    const all = tally(current, TODAY);
    expect(evaluated).toBe(all.compliant + all.nonCompliant + all.excluded);
    expect(evaluated).toBeGreaterThan(0);
  });

  it('framework_summary: per framework (each rule once) and per control, exact counts and scores', async () => {
    const rows = await session.query(`SELECT * FROM "org_compliance".framework_summary`, 'test');
    const mappings = repo.rules.flatMap((r) =>
      catalogRuleFacts(r).frameworks.map((f) => ({ rule: r.name, ...f })),
    );
    const frameworks = [...new Set(mappings.map((m) => m.framework))].sort();
    expect(frameworks).toEqual(['aws-fsbp', 'cis-aws-foundations', 'nist-800-53', 'pci-dss']);
    const controls = new Set(mappings.map((m) => `${m.framework} ${m.control}`));
    expect(rows.length).toBe(frameworks.length + controls.size);
    for (const r of rows) {
      const rules = new Set(
        mappings
          .filter((m) => m.framework === r.framework && (r.control === 'all' || m.control === r.control))
          .map((m) => m.rule),
      );
      const t = tally(
        current.filter((e) => rules.has(e.rule)),
        TODAY,
      );
      expect([r.framework, r.control, r.rules, r.compliant, r.non_compliant, r.excluded]).toEqual([
        r.framework,
        r.control,
        rules.size,
        t.compliant,
        t.nonCompliant,
        t.excluded,
      ]);
      expectScore(r.score, t.compliant, t.nonCompliant);
    }
    const fsbp = rows.find((r) => r.framework === 'aws-fsbp' && r.control === 'all');
    const s38 = rows.find((r) => r.framework === 'aws-fsbp' && r.control === 'S3.8');
    expect([fsbp?.rules, s38?.rules]).toEqual([49, 1]);
  });

  it('report --min-severity high --format json: only critical and high rules listed; severities and frameworks whole', async () => {
    const io = { out: () => {}, err: () => {}, env: {}, isTTY: false };
    const where = { target: 'local' as const, localDir, today: TODAY };
    const whole = JSON.parse(await produceReport(repo, where, io, 'json'));
    const high = JSON.parse(await produceReport(repo, { ...where, minSeverity: 'high' }, io, 'json'));
    expect(whole.rules).toHaveLength(67);
    expect(high.rules).toHaveLength(20); // 9 critical + 11 high
    expect(new Set(high.rules.map((r: { severity: string }) => r.severity))).toEqual(
      new Set(['critical', 'high']),
    );
    expect(high.severities).toEqual(whole.severities);
    expect(high.frameworks).toEqual(whole.frameworks);
    expect(high.totals).toEqual(whole.totals);
    const minSeverity = new Set(['critical', 'high']);
    // The first failing resources (ties in age come in either order), less those below high.
    const severities = high.resources.items.map((r: { severity: string }) => r.severity);
    expect(severities.length).toBeGreaterThan(0);
    expect(severities.filter((x: string) => !minSeverity.has(x))).toEqual([]);
    expect(high.resources.shown).toBe(severities.length);
    const [counted] = await session.query(
      `SELECT count(*) AS n FROM "org_compliance".failing_resources WHERE severity IN ('critical', 'high')`,
      'test',
    );
    expect(high.resources.total).toBe(Number(counted?.n));
    expect(high.resources.total).toBeLessThan(whole.resources.total);
  });
});
