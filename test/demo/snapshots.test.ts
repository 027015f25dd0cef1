import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCOUNT_RESOURCE_TYPE,
  COMPLIANCE_RESOURCE_TYPE,
  CONTROL_TOWER_RULE,
  type SnapshotOptions,
  type SnapshotScenario,
  type SnapshotSummary,
  snapshotKey,
  snapshotScenario,
  writeSnapshots,
} from '../../src/demo/snapshots.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { loadRepository } from '../../src/load/index.js';
import type { OrgConfig, RuleSpec } from '../../src/model/config.js';
import type { OrganizationSnapshot } from '../../src/model/provider.js';
import { REPO_ROOT } from '../helpers/repo.js';

const UNTIL = '2026-10-31';
const DAYS = 12;
const HOME = 'eu-west-1';
const OTHER = 'eu-central-1';
const EXTRA = 'ap-southeast-2';
const ORG_ID = 'o-test123456';
const BUCKET = 'test-config-bucket';
const EXCLUDE = { key: 'compliance:exclude', value: 'true' };

const ITEM_FIELDS = [
  'configurationItemVersion',
  'configurationItemCaptureTime',
  'configurationStateId',
  'awsAccountId',
  'configurationItemStatus',
  'resourceType',
  'resourceId',
  'resourceName',
  'ARN',
  'awsRegion',
  'availabilityZone',
  'configurationStateMd5Hash',
  'configuration',
  'supplementaryConfiguration',
  'tags',
  'relationships',
  'resourceCreationTime',
].sort();

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const KEY_TAIL =
  `AWSLogs/(\\d{12})/Config/([a-z]{2}-[a-z]+-\\d)/(\\d{4})/([1-9]\\d?)/([1-9]\\d?)/ConfigSnapshot/` +
  `(\\d{12})_Config_([a-z]{2}-[a-z]+-\\d)_ConfigSnapshot_(\\d{8}T\\d{6}Z)_(${UUID})\\.json\\.gz$`;

interface RuleEvaluation {
  configRuleArn: string;
  configRuleId: string;
  configRuleName: string;
  complianceType: string;
}

interface Item {
  resourceType: string;
  resourceId: string;
  resourceName: string | null;
  awsAccountId: string;
  awsRegion: string;
  ARN: string;
  tags: Record<string, string>;
  configuration: Record<string, unknown> & {
    complianceType?: string;
    targetResourceId?: string;
    targetResourceType?: string;
    configRuleList?: RuleEvaluation[];
  };
  [field: string]: unknown;
}

interface SnapshotFile {
  key: string;
  account: string;
  region: string;
  /** YYYY-MM-DD from the directory. */
  date: string;
  stamp: string;
  uuid: string;
  raw: Buffer;
  text: string;
  body: { fileVersion: string; configSnapshotId: string; configurationItems: Item[] };
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function readSnapshots(s3Dir: string, keyPrefix: string): Promise<SnapshotFile[]> {
  const pattern = new RegExp(`^${keyPrefix}${KEY_TAIL}`);
  const files: SnapshotFile[] = [];
  for (const path of (await walk(join(s3Dir, BUCKET))).sort()) {
    const key = relative(join(s3Dir, BUCKET), path).split(sep).join('/');
    const m = pattern.exec(key);
    if (!m) throw new Error(`key does not match the Config layout: ${key}`);
    const [, account, region, y, mo, d, account2, region2, stamp, uuid] = m as unknown as string[];
    expect(account2).toBe(account);
    expect(region2).toBe(region);
    const date = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    // The directory is not zero-padded, the stamp is; both name the same day.
    expect(stamp?.slice(0, 8)).toBe(date.replaceAll('-', ''));
    const raw = await readFile(path);
    const text = gunzipSync(raw).toString('utf8');
    files.push({
      key,
      account: account as string,
      region: region as string,
      date,
      stamp: stamp as string,
      uuid: uuid as string,
      raw,
      text,
      body: JSON.parse(text),
    });
  }
  return files;
}

function memberRuleName(name: string): string | undefined {
  return /^OrgConfigRule-(.+)-[a-z0-9]{8}$/.exec(name)?.[1];
}

function complianceItems(f: SnapshotFile): Item[] {
  return f.body.configurationItems.filter((i) => i.resourceType === COMPLIANCE_RESOURCE_TYPE);
}

function resourceItems(f: SnapshotFile): Item[] {
  return f.body.configurationItems.filter((i) => i.resourceType !== COMPLIANCE_RESOURCE_TYPE);
}

/** The newest file of each account/region/day. */
function latestPerDay(files: SnapshotFile[]): Map<string, SnapshotFile> {
  const latest = new Map<string, SnapshotFile>();
  for (const f of files) {
    const k = `${f.account}/${f.region}/${f.date}`;
    const seen = latest.get(k);
    if (!seen || seen.stamp < f.stamp) latest.set(k, f);
  }
  return latest;
}

let base: string;
let org: OrgConfig;
let rules: RuleSpec[];
let organization: OrganizationSnapshot;
let options: SnapshotOptions;
let summary: SnapshotSummary;
let scenario: SnapshotScenario;
let files: SnapshotFile[];
let suspended: string;
let closed: string;
let pending: string;
let lateJoiner: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'org-compliance-snapshots-'));
  const loaded = await loadRepository(REPO_ROOT);
  if (!loaded.repository) throw new Error('config/ does not load');
  rules = loaded.repository.rules;
  org = {
    ...loaded.repository.org,
    organizationId: ORG_ID,
    regions: [HOME, OTHER],
    homeRegion: HOME,
    snapshots: { bucket: BUCKET, prefix: '', orgIdInPath: true },
    compliance: { windowDays: 7, staleAfterDays: 2, trendDays: 90, excludeTag: EXCLUDE },
  };
  const synthetic = syntheticOrganization({
    organizationId: ORG_ID,
    accounts: 10,
    ous: 8,
    seed: 11,
    until: UNTIL,
  });
  // Known states and join dates, so every expectation below is exact.
  const accounts = synthetic.accounts.map((a) => ({ ...a, state: 'ACTIVE', joined: '2024-03-01' }));
  const at = (i: number) => accounts[i] as (typeof accounts)[number];
  at(6).state = 'SUSPENDED';
  at(7).state = 'CLOSED';
  at(8).state = 'PENDING_ACTIVATION';
  at(9).joined = addDays(UNTIL, -3);
  [suspended, closed, pending, lateJoiner] = [at(6).id, at(7).id, at(8).id, at(9).id];
  organization = { organizationId: ORG_ID, accounts };
  options = { org, organization, rules, days: DAYS, until: UNTIL, seed: 42, s3Dir: join(base, 'a') };
  summary = await writeSnapshots(options);
  scenario = snapshotScenario(options);
  files = await readSnapshots(options.s3Dir, `${ORG_ID}/`);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('snapshotKey', () => {
  const uuid = '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
  test('puts the organization id before AWSLogs, and does not zero-pad month and day', () => {
    expect(snapshotKey(org, '012345678901', 'eu-west-1', '2021-09-01', '20210901T083015Z', uuid)).toBe(
      `${ORG_ID}/AWSLogs/012345678901/Config/eu-west-1/2021/9/1/ConfigSnapshot/` +
        `012345678901_Config_eu-west-1_ConfigSnapshot_20210901T083015Z_${uuid}.json.gz`,
    );
  });

  test('puts a prefix first, and leaves the organization id out when the bucket has none', () => {
    const prefixed = { ...org, snapshots: { bucket: BUCKET, prefix: 'exports/config', orgIdInPath: false } };
    expect(snapshotKey(prefixed, '012345678901', 'us-east-1', '2025-12-25', '20251225T235959Z', uuid)).toBe(
      'exports/config/AWSLogs/012345678901/Config/us-east-1/2025/12/25/ConfigSnapshot/' +
        `012345678901_Config_us-east-1_ConfigSnapshot_20251225T235959Z_${uuid}.json.gz`,
    );
    const both = { ...org, snapshots: { bucket: BUCKET, prefix: 'config', orgIdInPath: true } };
    expect(snapshotKey(both, '012345678901', 'us-east-1', '2025-01-05', '20250105T000000Z', uuid)).toMatch(
      new RegExp(`^config/${ORG_ID}/${KEY_TAIL}`),
    );
  });
});

describe('writeSnapshots', () => {
  test('writes gzip files in the Config layout, with the uuid of the name as configSnapshotId', () => {
    expect(files.length).toBe(summary.files);
    expect(files.reduce((n, f) => n + f.raw.length, 0)).toBe(summary.bytes);
    for (const f of files) {
      expect(Object.keys(f.body)).toEqual(['fileVersion', 'configSnapshotId', 'configurationItems']);
      expect(f.body.fileVersion).toBe('1.0');
      expect(f.body.configSnapshotId).toBe(f.uuid);
      // gzip header: no mtime, fixed OS byte.
      expect([...f.raw.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0]);
      expect(f.raw.readUInt32LE(4)).toBe(0);
      expect(f.text.length).toBeGreaterThan(1_000);
      expect(f.text.length).toBeLessThan(100_000);
    }
  });

  test('writes items with the field names Config uses in S3', () => {
    for (const f of files) {
      for (const item of f.body.configurationItems) {
        expect(Object.keys(item).sort()).toEqual(ITEM_FIELDS);
        expect(item.configurationItemVersion).toBe('1.3');
        expect(item.configurationItemCaptureTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(typeof item.configurationStateId).toBe('number');
        expect(item.awsAccountId).toBe(f.account);
        expect(['OK', 'ResourceDiscovered']).toContain(item.configurationItemStatus);
        expect(item.ARN).toMatch(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:/);
        expect(item.configurationStateMd5Hash).toBe('');
        expect(typeof item.configuration).toBe('object');
        expect(typeof item.supplementaryConfiguration).toBe('object');
        for (const r of item.relationships as Record<string, unknown>[])
          expect(Object.keys(r).sort()).toEqual(['name', 'resourceId', 'resourceName', 'resourceType']);
        if (item.resourceType === COMPLIANCE_RESOURCE_TYPE) continue;
        expect(item.awsRegion).toBe(item.resourceType.startsWith('AWS::IAM::') ? 'global' : f.region);
        expect(item.resourceCreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
    }
  });

  test('uses realistic resource ids and ARNs', () => {
    const seen = new Map<string, Item>();
    for (const f of files) for (const i of resourceItems(f)) seen.set(i.resourceType, i);
    expect(seen.get('AWS::EC2::Instance')?.resourceId).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(seen.get('AWS::EC2::Volume')?.resourceId).toMatch(/^vol-0[0-9a-f]{16}$/);
    expect(seen.get('AWS::EC2::SecurityGroup')?.resourceId).toMatch(/^sg-0[0-9a-f]{16}$/);
    expect(seen.get('AWS::S3::Bucket')?.ARN).toMatch(/^arn:aws:s3:::[a-z0-9.-]+$/);
    expect(seen.get('AWS::RDS::DBInstance')?.ARN).toMatch(/^arn:aws:rds:[a-z0-9-]+:\d{12}:db:[a-z0-9-]+$/);
    expect(seen.get('AWS::IAM::User')?.ARN).toMatch(/^arn:aws:iam::\d{12}:user\/[\w+=,.@-]+$/);
    expect(seen.get('AWS::DynamoDB::Table')?.ARN).toMatch(/^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table\/.+$/);
  });

  test('writes one ResourceCompliance item per evaluated resource, with a consistent overall result', () => {
    for (const f of files) {
      const ids = new Set<string>();
      for (const c of complianceItems(f)) {
        const { targetResourceId, targetResourceType, configRuleList, complianceType } = c.configuration;
        expect(c.resourceId).toBe(`${targetResourceType}/${targetResourceId}`);
        expect([null, c.resourceId]).toContain(c.resourceName);
        expect(c.ARN).toBe(`arn:aws:config:${f.region}:${f.account}:resource-compliance/${c.resourceId}`);
        expect(Object.keys(c.configuration)).toEqual([
          'complianceType',
          'targetResourceId',
          'targetResourceType',
          'configRuleList',
        ]);
        expect(ids.has(c.resourceId)).toBe(false);
        ids.add(c.resourceId);
        const results = (configRuleList ?? []).map((r) => r.complianceType);
        expect(results.length).toBeGreaterThan(0);
        const expected = results.includes('NON_COMPLIANT')
          ? 'NON_COMPLIANT'
          : results.includes('COMPLIANT')
            ? 'COMPLIANT'
            : results.includes('INSUFFICIENT_DATA')
              ? 'INSUFFICIENT_DATA'
              : 'NOT_APPLICABLE';
        expect(complianceType).toBe(expected);
        for (const r of configRuleList ?? []) {
          expect(Object.keys(r)).toEqual([
            'configRuleArn',
            'configRuleId',
            'configRuleName',
            'complianceType',
          ]);
          expect(r.configRuleId).toMatch(/^config-rule-[a-z0-9]{6}$/);
          expect(r.configRuleArn).toBe(
            `arn:aws:config:${f.region}:${f.account}:config-rule/${r.configRuleId}`,
          );
        }
      }
      // Every evaluated target that is a resource is in the same file.
      const resources = new Set(resourceItems(f).map((i) => `${i.resourceType}/${i.resourceId}`));
      for (const id of ids)
        if (!id.startsWith(`${ACCOUNT_RESOURCE_TYPE}/`)) expect(resources.has(id)).toBe(true);
    }
  });

  test('names member rules OrgConfigRule-<catalog name>-<suffix>, fixed per account, region and rule', () => {
    const catalog = new Set(rules.map((r) => r.name));
    const suffixes = new Map<string, Set<string>>();
    const memberNamesOf = new Map<string, Set<string>>();
    for (const f of files) {
      for (const c of complianceItems(f)) {
        for (const r of c.configuration.configRuleList ?? []) {
          const base = memberRuleName(r.configRuleName);
          if (base === undefined) continue;
          expect(catalog.has(base)).toBe(true);
          const k = `${f.account}/${f.region}/${base}`;
          suffixes.set(k, (suffixes.get(k) ?? new Set()).add(`${r.configRuleName} ${r.configRuleId}`));
          memberNamesOf.set(base, (memberNamesOf.get(base) ?? new Set()).add(r.configRuleName));
        }
      }
    }
    expect(suffixes.size).toBeGreaterThan(100);
    for (const names of suffixes.values()) expect(names.size).toBe(1);
    // Different accounts see different member names for the same rule.
    expect(Math.max(...[...memberNamesOf.values()].map((s) => s.size))).toBeGreaterThan(1);
  });

  test('includes evaluations from rules outside the catalog', () => {
    const names = new Set(
      files.flatMap((f) =>
        complianceItems(f).flatMap((c) =>
          (c.configuration.configRuleList ?? []).map((r) => r.configRuleName),
        ),
      ),
    );
    const others = [...names].filter((n) => memberRuleName(n) === undefined);
    expect(others.some((n) => /^securityhub-s3-bucket-ssl-requests-only-[a-z0-9]{8}$/.test(n))).toBe(true);
    expect(others.some((n) => /^s3-bucket-logging-enabled-conformance-pack-[a-z0-9]{8}$/.test(n))).toBe(true);
    expect(others).toContain(CONTROL_TOWER_RULE);
    expect(
      others.every(
        (n) =>
          n.startsWith('securityhub-') ||
          n.includes('-conformance-pack-') ||
          n.startsWith('AWSControlTower_'),
      ),
    ).toBe(true);
    // Only some accounts run them.
    const delivering = new Set(files.map((f) => f.account));
    expect(scenario.securityHubAccounts.length).toBeLessThan(delivering.size);
  });

  test('evaluates account-level rules against AWS::::Account in every configured region', () => {
    const accountLevel = rules.filter((r) => r.identifier === 'ROOT_ACCOUNT_MFA_ENABLED').map((r) => r.name);
    expect(accountLevel).toHaveLength(1);
    for (const f of files.filter((x) => x.region !== EXTRA)) {
      const account = complianceItems(f).find(
        (c) => c.configuration.targetResourceType === ACCOUNT_RESOURCE_TYPE,
      );
      expect(account?.resourceId).toBe(`${ACCOUNT_RESOURCE_TYPE}/${f.account}`);
      expect(account?.configuration.targetResourceId).toBe(f.account);
      const bases = (account?.configuration.configRuleList ?? []).map((r) =>
        memberRuleName(r.configRuleName),
      );
      // Root MFA is a home-region rule.
      expect(bases.includes(accountLevel[0])).toBe(f.region === HOME);
    }
  });

  test('runs home-region rules and records IAM resources only in the home region', () => {
    const home = new Set(rules.filter((r) => r.regions === 'home').map((r) => r.name));
    expect(home.size).toBeGreaterThan(5);
    const seenHome = new Set<string>();
    for (const f of files) {
      for (const c of complianceItems(f)) {
        for (const r of c.configuration.configRuleList ?? []) {
          const base = memberRuleName(r.configRuleName);
          if (base && home.has(base)) {
            expect(f.region).toBe(HOME);
            seenHome.add(base);
          }
        }
      }
      for (const i of resourceItems(f))
        if (i.resourceType.startsWith('AWS::IAM::')) expect(f.region).toBe(HOME);
    }
    expect(seenHome.size).toBeGreaterThan(5);
  });

  test('keeps each account/region’s resources the same from day to day, 8 to 30 of them', () => {
    const byPlace = new Map<string, string>();
    for (const f of files) {
      const ids = resourceItems(f)
        .map((i) => `${i.resourceType}/${i.resourceId}`)
        .sort();
      expect(ids.length).toBeGreaterThanOrEqual(8);
      expect(ids.length).toBeLessThanOrEqual(30);
      const k = `${f.account}/${f.region}`;
      const seen = byPlace.get(k);
      if (seen === undefined) byPlace.set(k, ids.join(','));
      else expect(ids.join(',')).toBe(seen);
    }
  });

  test('tags a resource in every account with Environment and environment', () => {
    const withBoth = new Set<string>();
    for (const f of files) {
      for (const i of resourceItems(f)) {
        const { Environment, environment } = i.tags;
        if (Environment !== undefined && environment !== undefined) {
          expect(Environment).not.toBe(environment);
          withBoth.add(f.account);
        }
      }
    }
    expect([...withBoth].sort()).toEqual([...new Set(files.map((f) => f.account))].sort());
  });

  test('tags a few resources in a few accounts with the exclusion tag', () => {
    const marked = new Map<string, Set<string>>();
    let resources = 0;
    for (const f of latestPerDay(files).values()) {
      if (f.date !== UNTIL) continue;
      for (const i of resourceItems(f)) {
        resources++;
        if (i.tags[EXCLUDE.key] === EXCLUDE.value)
          marked.set(f.account, (marked.get(f.account) ?? new Set()).add(i.resourceId));
      }
    }
    expect(marked.size).toBeGreaterThanOrEqual(1);
    expect(marked.size).toBeLessThan(new Set(files.map((f) => f.account)).size);
    const count = [...marked.values()].reduce((n, s) => n + s.size, 0);
    expect(count).toBeLessThan(resources / 10);
    expect([...marked.keys()].every((a) => scenario.excludeTagAccounts.includes(a))).toBe(true);
  });

  test('has every compliance type, accounts of different maturity, and an upward trend', () => {
    const types = new Set<string>();
    const perAccount = new Map<string, [number, number]>();
    const perDay = new Map<string, [number, number]>();
    const latest = [...latestPerDay(files).values()];
    // The same account/regions on the first and the last day.
    const first = addDays(UNTIL, -(DAYS - 1));
    const both = new Set(
      latest
        .filter((f) => f.date === first)
        .map((f) => `${f.account}/${f.region}`)
        .filter((k) => latest.some((f) => f.date === UNTIL && `${f.account}/${f.region}` === k)),
    );
    for (const f of latest) {
      for (const c of complianceItems(f)) {
        for (const r of c.configuration.configRuleList ?? []) {
          types.add(r.complianceType);
          if (r.complianceType !== 'COMPLIANT' && r.complianceType !== 'NON_COMPLIANT') continue;
          const ok = r.complianceType === 'COMPLIANT' ? 1 : 0;
          const a = perAccount.get(f.account) ?? [0, 0];
          perAccount.set(f.account, [a[0] + ok, a[1] + 1]);
          if (!both.has(`${f.account}/${f.region}`)) continue;
          const d = perDay.get(f.date) ?? [0, 0];
          perDay.set(f.date, [d[0] + ok, d[1] + 1]);
        }
      }
    }
    expect([...types].sort()).toEqual(['COMPLIANT', 'INSUFFICIENT_DATA', 'NON_COMPLIANT', 'NOT_APPLICABLE']);
    const rates = [...perAccount.values()].map(([ok, n]) => ok / n);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.2);
    const rate = (d: string) => {
      const [ok, n] = perDay.get(d) ?? [0, 1];
      return ok / n;
    };
    expect(rate(UNTIL)).toBeGreaterThan(rate(first));
    expect(scenario.hardRules.length).toBeGreaterThanOrEqual(3);
  });

  test('delivers twice on some days, the later file newer and one result different', () => {
    const perDay = new Map<string, SnapshotFile[]>();
    for (const f of files) {
      const k = `${f.account}/${f.region}/${f.date}`;
      perDay.set(k, [...(perDay.get(k) ?? []), f]);
    }
    const { doubled } = scenario;
    expect(doubled).toBeDefined();
    const pair = perDay.get(`${doubled?.account}/${doubled?.region}/${doubled?.date}`) ?? [];
    expect(pair).toHaveLength(2);
    const [earlier, later] = [...pair].sort((a, b) => a.stamp.localeCompare(b.stamp)) as [
      SnapshotFile,
      SnapshotFile,
    ];
    expect(earlier.stamp < later.stamp).toBe(true);
    expect(earlier.uuid).not.toBe(later.uuid);
    const results = (f: SnapshotFile) =>
      complianceItems(f).flatMap((c) =>
        (c.configuration.configRuleList ?? []).map(
          (r) => `${c.resourceId} ${r.configRuleName} ${r.complianceType}`,
        ),
      );
    const before = new Set(results(earlier));
    const changed = results(later).filter((r) => !before.has(r));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/ COMPLIANT$/);
    expect([...perDay.values()].filter((fs) => fs.length > 2)).toEqual([]);
  });

  test('leaves one account/region stale and one with a missed day in the middle', () => {
    const dates = new Map<string, Set<string>>();
    for (const f of files) {
      const k = `${f.account}/${f.region}`;
      dates.set(k, (dates.get(k) ?? new Set()).add(f.date));
    }
    const { stale, gap } = scenario;
    expect(stale?.region).toBe(OTHER);
    expect(gap?.region).toBe(OTHER);
    expect(stale?.account).not.toBe(gap?.account);
    const newest = (k: string) => [...(dates.get(k) ?? [])].sort().at(-1);
    expect(newest(`${stale?.account}/${stale?.region}`)).toBe(addDays(UNTIL, -3));
    expect(dates.get(`${stale?.account}/${stale?.region}`)?.size).toBe(DAYS - 3);
    expect(newest(`${gap?.account}/${gap?.region}`)).toBe(UNTIL);
    expect(dates.get(`${gap?.account}/${gap?.region}`)?.has(gap?.date ?? '')).toBe(false);
    expect(dates.get(`${gap?.account}/${gap?.region}`)?.size).toBe(DAYS - 1);
    expect(gap && gap.date > addDays(UNTIL, -(DAYS - 1)) && gap.date < UNTIL).toBe(true);
    // Everyone else in the configured regions delivered every day since joining.
    for (const [k, ds] of dates) {
      const [account] = k.split('/');
      if (k === `${stale?.account}/${stale?.region}` || k === `${gap?.account}/${gap?.region}`) continue;
      if (account === suspended || account === lateJoiner || k.endsWith(`/${EXTRA}`)) continue;
      expect(ds.size).toBe(DAYS);
    }
  });

  test('leaves one active account with no snapshot file at all, in any region, and no other special case on it', () => {
    const never = scenario.neverDelivered?.account;
    expect(never).toBeDefined();
    expect(organization.accounts.find((a) => a.id === never)?.state).toBe('ACTIVE');
    expect(files.filter((f) => f.account === never)).toEqual([]);
    expect([
      scenario.doubled?.account,
      scenario.stale?.account,
      scenario.gap?.account,
      ...scenario.extraRegionAccounts,
      ...scenario.excludeTagAccounts,
      ...scenario.securityHubAccounts,
      ...scenario.conformancePackAccounts,
      ...scenario.controlTowerAccounts,
    ]).not.toContain(never);
    // Every other active account that joined before the first day sent files in both regions.
    const first = addDays(UNTIL, -(DAYS - 1));
    const steady = organization.accounts.filter(
      (a) => a.state === 'ACTIVE' && a.joined <= first && a.id !== never,
    );
    for (const a of steady)
      expect(
        new Set(files.filter((f) => f.account === a.id && f.region !== EXTRA).map((f) => f.region)),
      ).toEqual(new Set([HOME, OTHER]));
  });

  test('an organization too small to spare an account for it has none that never delivered', () => {
    const small = { ...organization, accounts: organization.accounts.slice(0, 5) };
    expect(snapshotScenario({ ...options, organization: small }).neverDelivered).toBeUndefined();
  });

  test('writes files for a couple of accounts in a region outside the configured ones', () => {
    const extra = new Set(files.filter((f) => f.region === EXTRA).map((f) => f.account));
    expect(extra.size).toBeGreaterThanOrEqual(1);
    expect(extra.size).toBeLessThanOrEqual(2);
    expect([...extra].sort()).toEqual([...(scenario.extraRegionAccounts ?? [])].sort());
    expect(scenario.extraRegion).toBe(EXTRA);
  });

  test('writes nothing for closed and pending accounts, stops suspended ones 10 days back, starts at joining', () => {
    const accounts = new Set(files.map((f) => f.account));
    expect(accounts.has(closed)).toBe(false);
    expect(accounts.has(pending)).toBe(false);
    const suspendedDates = files.filter((f) => f.account === suspended).map((f) => f.date);
    expect(suspendedDates.length).toBeGreaterThan(0);
    expect(suspendedDates.every((d) => d < addDays(UNTIL, -10))).toBe(true);
    const lateDates = new Set(files.filter((f) => f.account === lateJoiner).map((f) => f.date));
    expect([...lateDates].sort()).toEqual([0, 1, 2, 3].map((n) => addDays(UNTIL, n - 3)));
  });

  test('is deterministic: the same options give byte-identical files', async () => {
    const again = { ...options, s3Dir: join(base, 'b'), concurrency: 3 };
    const second = await writeSnapshots(again);
    expect(second).toEqual(summary);
    const other = await readSnapshots(again.s3Dir, `${ORG_ID}/`);
    expect(other.map((f) => f.key)).toEqual(files.map((f) => f.key));
    other.forEach((f, i) => {
      expect(f.raw.equals((files[i] as SnapshotFile).raw)).toBe(true);
    });
  });

  test('honours a key prefix and buckets without the organization id', async () => {
    const prefixed: SnapshotOptions = {
      ...options,
      org: { ...org, snapshots: { bucket: BUCKET, prefix: 'config/exports', orgIdInPath: false } },
      days: 2,
      s3Dir: join(base, 'c'),
    };
    const result = await writeSnapshots(prefixed);
    const written = await readSnapshots(prefixed.s3Dir, 'config/exports/');
    expect(written.length).toBe(result.files);
    expect(written.length).toBeGreaterThan(0);
  });
});
