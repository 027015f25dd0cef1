import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply } from '../../src/apply/apply.js';
import { type Io, runCli } from '../../src/cli/program.js';
import { writeSnapshots } from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { prepareDemoWorkspace } from '../../src/demo/workspace.js';
import { loadRepository } from '../../src/load/index.js';
import type { Repository } from '../../src/model/config.js';
import { toIsoDate } from '../../src/model/dates.js';
import { runPlan } from '../../src/pipeline/plan.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { evaluationsOf, newestPerDay, readSnapshots } from '../helpers/expected.js';
import { REPO_ROOT } from '../helpers/repo.js';

const TODAY = toIsoDate(new Date());
const day = (offset: number) => toIsoDate(new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000));

async function setUp(notYetListed: (org: ReturnType<typeof syntheticOrganization>) => string[]) {
  const base = await mkdtemp(join(tmpdir(), 'org-compliance-projection-'));
  const localDir = join(base, 'local');
  const root = join(base, 'repo');
  await mkdir(localDir, { recursive: true });
  const organization = syntheticOrganization({
    organizationId: 'o-a1b2c3d4e5',
    accounts: 6,
    ous: 8,
    seed: 5,
    until: TODAY,
  });
  await writeFile(join(localDir, 'org.json'), JSON.stringify(organization));
  const missing = notYetListed(organization);
  await prepareDemoWorkspace({
    sourceRoot: REPO_ROOT,
    root,
    organization,
    notYetListed: missing,
    regions: 2,
    today: TODAY,
  });
  const repo = await load(root);
  await writeSnapshots({
    org: repo.org,
    organization,
    rules: repo.rules,
    days: 4,
    until: TODAY,
    seed: 5,
    s3Dir: join(localDir, 's3'),
  });
  return { localDir, root, organization, missing };
}

async function load(root: string, previousExceptionsText?: string): Promise<Repository> {
  const loaded = await loadRepository(root, {
    today: TODAY,
    ...(previousExceptionsText !== undefined ? { previousExceptionsText } : {}),
  });
  if (!loaded.repository)
    throw new Error(loaded.diagnostics.map((d) => `${d.file}:${d.line} ${d.message}`).join('\n'));
  return loaded.repository;
}

async function deploy(repo: Repository, localDir: string) {
  const target = createLocalTarget(repo.org, localDir, { today: TODAY });
  const result = await apply((await runPlan(repo, target, { today: TODAY })).plan, target);
  expect(result.ok).toBe(true);
}

async function query(repo: Repository, localDir: string, sql: string) {
  const session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
  try {
    return await session.query(sql, 'test');
  } finally {
    await session.close();
  }
}

const quiet: Io = { out: () => {}, err: () => {}, env: {}, isTTY: false };

describe('the projection decides what the engine sees', () => {
  it('an account in the Organization but not in accounts.yaml is invisible until discover --write and apply', async () => {
    const { localDir, root, missing } = await setUp((org) => [
      org.accounts.find((a) => a.state === 'ACTIVE')?.id ?? '',
    ]);
    const newcomer = missing[0] as string;
    let repo = await load(root);
    await deploy(repo, localDir);
    const seen = async () =>
      (await query(repo, localDir, `SELECT DISTINCT account FROM "org_compliance"."config_snapshots"`)).map(
        (r) => r.account,
      );
    expect(await seen()).not.toContain(newcomer);
    expect((await seen()).length).toBeGreaterThan(0);

    expect(
      await runCli(
        ['node', 'org-compliance', 'discover', '--write', '--root', root, '--local-dir', localDir],
        quiet,
      ),
    ).toBe(2);
    expect(await readFile(join(root, 'config/accounts.yaml'), 'utf8')).toContain(`'${newcomer}'`);
    repo = await load(root);
    // Not yet: the table deployed still has the old enum.
    expect(await seen()).not.toContain(newcomer);
    await deploy(repo, localDir);
    expect(await seen()).toContain(newcomer);
    const rows = await query(
      repo,
      localDir,
      `SELECT count(*) AS n FROM "org_compliance".evaluations WHERE account_id = '${newcomer}'`,
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  }, 120_000);

  it('a region outside the configured ones is never visible', async () => {
    const { localDir, root } = await setUp(() => []);
    const repo = await load(root);
    await deploy(repo, localDir);
    const regions = (
      await query(repo, localDir, `SELECT DISTINCT region FROM "org_compliance"."config_snapshots"`)
    ).map((r) => r.region);
    expect(regions.sort()).toEqual([...repo.org.regions].sort());
  }, 120_000);

  it('"$path" is the object\'s S3 URI with the real key layout, as Athena gives it, not a local path', async () => {
    const { localDir, root } = await setUp(() => []);
    const repo = await load(root);
    await deploy(repo, localDir);
    const rows = await query(
      repo,
      localDir,
      `SELECT "$path" AS path, account, region, dt FROM "org_compliance"."config_snapshots" ORDER BY 1 LIMIT 1`,
    );
    const row = rows[0] as { path: string; account: string; region: string; dt: string };
    const [y, m, d] = row.dt.split('/');
    expect(row.path).toMatch(
      new RegExp(
        `^s3://acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/${row.account}/Config/${row.region}/${y}/${m}/${d}/ConfigSnapshot/${row.account}_Config_${row.region}_ConfigSnapshot_\\d{8}T\\d{6}Z_[0-9a-f-]{36}\\.json\\.gz$`,
      ),
    );
  }, 120_000);
});

describe('exclusions end to end', () => {
  it('tagged resources and live exceptions leave the score; an expired exception stops applying by itself', async () => {
    const { localDir, root, organization } = await setUp(() => []);
    const account = organization.accounts
      .filter((a) => a.state === 'ACTIVE')
      .sort((a, b) => a.id.localeCompare(b.id))[2]?.id;
    // One exception that covers every catalog rule in one account, expired yesterday; and the same
    // scope for another account, still valid.
    const other = organization.accounts
      .filter((a) => a.state === 'ACTIVE')
      .sort((a, b) => a.id.localeCompare(b.id))[3]?.id;
    const text = `exceptions:
  - id: expired-review
    rules: ['*']
    accounts: ['${account}']
    reason: The review of this account ran out yesterday and was not renewed.
    owner: team-platform
    expires: '${day(-1)}'
  - id: live-review
    rules: ['*']
    accounts: ['${other}']
    reason: Everything in this account is being rebuilt and is reviewed weekly.
    owner: team-platform
    expires: '${day(40)}'
`;
    await writeFile(join(root, 'config/exceptions.yaml'), text);
    // Unchanged since the base revision: an expiry in the past is a warning, not an error.
    const loaded = await loadRepository(root, { today: TODAY, previousExceptionsText: text });
    expect(
      loaded.diagnostics.filter((d) => d.file === 'config/exceptions.yaml').map((d) => d.severity),
    ).toEqual(['warning']);
    const repo = await load(root, text);
    await deploy(repo, localDir);

    const byReason = await query(
      repo,
      localDir,
      `SELECT account_id, excluded, exclusion_reason FROM "org_compliance".evaluations WHERE in_catalog AND account_id IN ('${account}', '${other}')`,
    );
    const expiredRows = byReason.filter((r) => r.account_id === account);
    const liveRows = byReason.filter((r) => r.account_id === other);
    expect(expiredRows.length).toBeGreaterThan(0);
    expect(
      expiredRows.every((r) => !String(r.exclusion_reason ?? '').startsWith('exception expired-review')),
    ).toBe(true);
    expect(liveRows.length).toBeGreaterThan(0);
    expect(
      liveRows.every(
        (r) =>
          r.excluded === true &&
          (String(r.exclusion_reason).startsWith(`exception live-review (until ${day(40)})`) ||
            String(r.exclusion_reason).startsWith('tag ')),
      ),
    ).toBe(true);
    // The live exception takes the whole account out of the score.
    const summary = await query(
      repo,
      localDir,
      `SELECT compliant, non_compliant, excluded, score FROM "org_compliance".account_summary WHERE account_id = '${other}'`,
    );
    expect(summary[0]).toMatchObject({ compliant: 0, non_compliant: 0, score: null });
    // In the trend, the expired exception still counted on the days up to its expiry.
    const trend = await query(
      repo,
      localDir,
      `SELECT CAST(snapshot_date AS varchar) AS d, compliant + non_compliant AS counted FROM "org_compliance".trend WHERE scope = 'account' AND account_id = '${account}' ORDER BY snapshot_date`,
    );
    for (const t of trend) {
      if (String(t.d) <= day(-1)) expect(t.counted).toBe(0);
      else expect(Number(t.counted)).toBeGreaterThan(0);
    }
  }, 120_000);

  it('each catalog evaluation carries the exception an independent reading picks: every tag, the patterns, the first by id', async () => {
    const { localDir, root } = await setUp(() => []);
    const base = await load(root);
    const projected = new Set(base.accounts.map((a) => a.id));
    const daily = newestPerDay(await readSnapshots(join(localDir, 's3'), base, projected));
    const catalog = daily.flatMap((f) => evaluationsOf(f, base)).filter((e) => e.inCatalog);
    // A resource with two tags of its own (not the exclusion tag) that catalog rules evaluate.
    const tagged = catalog.find(
      (e) => Object.keys(e.tags).filter((k) => k !== base.org.compliance.excludeTag?.key).length >= 2,
    );
    if (!tagged) throw new Error('the generated data has no catalog evaluation of a resource with two tags');
    const [[k1, v1], [k2, v2]] = Object.entries(tagged.tags).filter(
      ([k]) => k !== base.org.compliance.excludeTag?.key,
    ) as [[string, string], [string, string]];
    const prefix = `${tagged.rule.split('-')[0]}-`;
    // A volume that neither b-both-tags nor c-same-type covers (below), so d-volume-ids is its first.
    const volume = catalog.find(
      (e) =>
        e.resourceType === 'AWS::EC2::Volume' &&
        !(e.rule.startsWith(prefix) && tagged.resourceType === e.resourceType) &&
        !(e.tags[k1] === v1 && e.tags[k2] === v2),
    );
    if (!volume) throw new Error('the generated data has no catalog evaluation of a volume to cover');
    const quote = (v: string) => JSON.stringify(v);
    // b-both-tags and c-same-type overlap on the tagged resource: b wins (first by id). a-one-tag-off
    // has one of the two tags with another value: it covers nothing. d-volume-ids covers volumes by
    // id pattern in one account, whatever their tags.
    const text = `exceptions:
  - id: a-one-tag-off
    rules: ['*']
    tags: {${quote(k1)}: ${quote(v1)}, ${quote(k2)}: ${quote(`${v2}-not`)}}
    reason: Never matches - one tag has another value on every resource.
    owner: team-platform
    expires: '${day(30)}'
  - id: b-both-tags
    rules: ['*']
    tags: {${quote(k1)}: ${quote(v1)}, ${quote(k2)}: ${quote(v2)}}
    reason: Resources carrying both tags are reviewed together.
    owner: team-platform
    expires: '${day(30)}'
  - id: c-same-type
    rules: ['${prefix}*']
    resourceType: ${tagged.resourceType}
    reason: The whole type is being migrated.
    owner: team-platform
    expires: '${day(30)}'
  - id: d-volume-ids
    rules: ['*']
    accounts: ['${volume.account}']
    resourceType: AWS::EC2::Volume
    resourceId: 'vol-0*'
    reason: Volumes of a host being retired.
    owner: team-platform
    expires: '${day(30)}'
`;
    await writeFile(join(root, 'config/exceptions.yaml'), text);
    const repo = await load(root, text);
    await deploy(repo, localDir);
    const want = daily
      .flatMap((f) => evaluationsOf(f, repo))
      .map(
        (e) =>
          `${e.account}|${e.region}|${e.day}|${e.rule}|${e.resourceType}|${e.resourceId}|${e.exception?.id ?? '-'}`,
      )
      .sort();
    const got = (
      await query(
        repo,
        localDir,
        `SELECT account_id, region, CAST(snapshot_date AS varchar) AS day, rule, resource_type, resource_id, coalesce(exception_id, '-') AS x FROM "org_compliance".judged_evaluations`,
      )
    )
      .map((r) => `${r.account_id}|${r.region}|${r.day}|${r.rule}|${r.resource_type}|${r.resource_id}|${r.x}`)
      .sort();
    expect(got).toEqual(want);
    const count = (id: string) => want.filter((w) => w.endsWith(`|${id}`)).length;
    expect(count('a-one-tag-off')).toBe(0);
    expect(['b-both-tags', 'c-same-type', 'd-volume-ids'].map((id) => [id, count(id) > 0])).toEqual([
      ['b-both-tags', true],
      ['c-same-type', true],
      ['d-volume-ids', true],
    ]);
  }, 120_000);

  it('a new exception that has already expired is refused by validate', async () => {
    const { root } = await setUp(() => []);
    await writeFile(
      join(root, 'config/exceptions.yaml'),
      `exceptions:
  - id: too-late
    rules: ['security-*']
    reason: Written after the fact, which review does not allow.
    owner: team-platform
    expires: '${day(-3)}'
`,
    );
    const loaded = await loadRepository(root, { today: TODAY, previousExceptionsText: 'exceptions: []\n' });
    expect(loaded.repository).toBeUndefined();
    expect(loaded.diagnostics.find((d) => d.severity === 'error')).toMatchObject({
      file: 'config/exceptions.yaml',
      line: 6,
      field: 'exceptions[0].expires',
    });
  }, 60_000);
});
