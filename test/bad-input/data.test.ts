/**
 * Bad DATA inputs (issue 14, item 5): what the tool reads that is not in the repository. Snapshot
 * files the compaction cannot read, Organization data listing an account twice or badly, a damaged
 * state.json, a damaged apply lock. Each case is a row of a table, made from a generated workspace
 * (an organization and its snapshot files as the demo writes them); every one is named with a place
 * (an s3:// key and where in the file, or path:line:column and a JSON path), says what would be
 * valid, prints no stack trace, and writes nothing it should not (hashes before and after).
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Io, runCli } from '../../src/cli/program.js';
import { extractSnapshot } from '../../src/compact/extract.js';
import { compactSnapshotStream } from '../../src/compact/stream.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';
import { compareAccounts } from '../../src/discover/compare.js';
import { OrganizationDataError } from '../../src/discover/organization-data.js';
import { compactedDirectory } from '../../src/engines/duckdb/compact.js';
import type { Repository } from '../../src/model/config.js';
import { addDays, toIsoDate } from '../../src/model/dates.js';
import type { OrgAccount } from '../../src/model/provider.js';
import { createLocalTarget } from '../../src/providers/local/target.js';
import { generatedWorkspace } from '../helpers/generated.js';

// The views read current_date, so the generated data ends today.
const TODAY = toIsoDate(new Date());
const YESTERDAY = addDays(TODAY, -1);
const SHAPE = 'a Config snapshot file is gzipped JSON, an object with a configurationItems array';

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env: {}, isTTY: false };
}

async function run(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = capture();
  const code = await runCli(['node', 'org-compliance', ...args], io);
  const all = [...io.stdout, ...io.stderr].join('\n');
  // No stack trace, whatever the outcome.
  expect(all).not.toContain('\n    at ');
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** sha256 of every file under `dir`, by relative path (an absent directory is empty). */
async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out[full.slice(dir.length + 1)] = sha(await readFile(full));
  }
  return out;
}

async function fileHash(path: string): Promise<string | undefined> {
  return readFile(path)
    .then(sha)
    .catch(() => undefined);
}

/** Directories this file made, removed after it (the generated workspace with them). */
const made: string[] = [];

async function scratch(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

let repo: Repository;
let root: string;
/** The applied local target, as every case starts from (copied). */
let pristine: string;
/** Each case's copy of it. */
let localDir: string;
let common: string[];
let bucket: string;

async function fresh(): Promise<void> {
  await rm(localDir, { recursive: true, force: true });
  await cp(pristine, localDir, { recursive: true });
}

async function reportJson(): Promise<{ json: Record<string, unknown>; stderr: string[] }> {
  const r = await run(['report', '--format', 'json', ...common]);
  expect(r.code).toBe(0);
  return { json: JSON.parse(r.stdout.join('\n')), stderr: r.stderr };
}

beforeAll(async () => {
  const shape = { accounts: 5, ous: 3, seed: 11 };
  const workspace = await generatedWorkspace({ ...shape, regions: 2, days: 2, today: TODAY });
  made.push(dirname(workspace.root));
  // The Organization the workspace was generated from, as the local target reads it.
  const organization = syntheticOrganization({ organizationId: 'o-a1b2c3d4e5', ...shape, until: TODAY });
  await writeFile(join(workspace.localDir, 'org.json'), `${JSON.stringify(organization, null, 2)}\n`);
  repo = workspace.repo;
  root = workspace.root;
  // The cases are about the data and the report: no dashboard, so no page is drawn again after
  // each case's compaction (the page's redraw has tests of its own, test/quicksight/).
  await rm(join(root, 'quicksight'), { recursive: true, force: true });
  bucket = repo.org.snapshots.bucket;
  pristine = workspace.localDir;
  localDir = join(await scratch('org-compliance-bad-data-'), 'local');
  common = ['--root', root, '--local-dir', localDir, '--today', TODAY];
  await fresh();
  const applied = await run(['apply', '--auto-approve', ...common]);
  if (applied.code !== 0) throw new Error(`apply failed:\n${applied.stderr.join('\n')}`);
  // The applied target (state.json, compacted days) is what every case starts from.
  await rm(pristine, { recursive: true, force: true });
  await cp(localDir, pristine, { recursive: true });
}, 300_000);

// ---------------------------------------------------------------------------------------------
// Snapshot files
// ---------------------------------------------------------------------------------------------

/** The file of one account and region for today: the one each case damages. */
interface Target {
  account: string;
  region: string;
  key: string;
  /** The same day's key a later delivery would have. */
  laterKey: string;
  gz: Buffer;
  doc: { configurationItems: Record<string, unknown>[] };
}

const [y, m, d] = TODAY.split('-').map(Number) as [number, number, number];

/** Today's snapshot files of each account and region that has exactly one (keys in the bucket). */
async function todaysOnlyFiles(): Promise<{ account: string; region: string; key: string }[]> {
  const bucketDir = join(pristine, 's3', bucket);
  const day = new RegExp(
    `AWSLogs/(\\d{12})/Config/([a-z0-9-]+)/${y}/${m}/${d}/ConfigSnapshot/[^/]+\\.json\\.gz$`,
  );
  const byPlace = new Map<string, { account: string; region: string; key: string }[]>();
  for (const e of await readdir(bucketDir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const key = join(e.parentPath, e.name).slice(bucketDir.length + 1);
    const match = day.exec(key);
    if (!match || !repo.org.regions.includes(match[2] as string)) continue;
    const place = `${match[1]}|${match[2]}`;
    byPlace.set(place, [
      ...(byPlace.get(place) ?? []),
      { account: match[1] as string, region: match[2] as string, key },
    ]);
  }
  return [...byPlace.values()]
    .filter((files) => files.length === 1)
    .map((files) => files[0] as (typeof files)[0])
    .sort((a, b) => a.key.localeCompare(b.key));
}

function complianceItemIndex(doc: Target['doc']): number {
  const i = doc.configurationItems.findIndex(
    (item) =>
      item.resourceType === 'AWS::Config::ResourceCompliance' &&
      Array.isArray((item.configuration as { configRuleList?: unknown[] }).configRuleList) &&
      ((item.configuration as { configRuleList: unknown[] }).configRuleList.length ?? 0) > 0,
  );
  if (i < 0) throw new Error('no compliance item with results');
  return i;
}

/** A copy of the document with a change to its first compliance item with results. */
function withCompliance(t: Target, change: (configuration: Record<string, unknown>) => void): Buffer {
  const doc = structuredClone(t.doc);
  change(doc.configurationItems[complianceItemIndex(doc)]?.configuration as Record<string, unknown>);
  return gzipSync(JSON.stringify(doc));
}

/** Over 32 MiB of JSON on one line (streamed, never parsed whole): the target's items and padding. */
function enormous(t: Target, tail: (json: string) => string): Buffer {
  const blob = 'x'.repeat(1024 * 1024);
  const padding = Array.from({ length: 34 }, (_, i) => ({
    resourceType: 'AWS::S3::Bucket',
    resourceId: `padding-${i}`,
    configuration: { blob },
  }));
  const json = JSON.stringify({ ...t.doc, configurationItems: [...padding, ...t.doc.configurationItems] });
  return gzipSync(tail(json), { level: 1 });
}

/** A deterministic run of bytes that is not deflate. */
function garbage(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >> 16;
  }
  return out;
}

interface SnapshotCase {
  name: string;
  /** The bad bytes, made from the good file of the target. */
  bytes: (t: Target) => Buffer;
  /** The reason in the warning, after the key. */
  reason: (t: Target) => string | RegExp;
  /**
   * `only`: the bad bytes are the day's only file of that account and region (its figures become
   * those of a run without the file); `late`: a newer delivery of the same day (the earlier good
   * file is read in its place, and nothing changes).
   */
  as: 'only' | 'late';
}

const ci = (t: Target) => complianceItemIndex(t.doc);

const SNAPSHOT_CASES: SnapshotCase[] = [
  {
    name: 'malformed JSON (a trailing comma)',
    bytes: () => gzipSync('{"fileVersion":"1.0","configurationItems":[{"resourceType":"AWS::S3::Bucket",}]}'),
    reason: () =>
      'not valid JSON: Expected double-quoted property name in JSON at position 77 (line 1 column 78)',
    as: 'only',
  },
  {
    name: 'null',
    bytes: () => gzipSync('null'),
    reason: () => '(top level): expected an object with a configurationItems array, found null',
    as: 'late',
  },
  {
    name: 'a JSON array',
    bytes: (t) => gzipSync(JSON.stringify([t.doc])),
    reason: () => '(top level): expected an object with a configurationItems array, found an array',
    as: 'only',
  },
  {
    name: '{} without configurationItems',
    bytes: () => gzipSync('{}'),
    reason: () => 'configurationItems: expected an array of items, found nothing',
    as: 'late',
  },
  {
    name: 'truncated gzip',
    bytes: (t) => t.gz.subarray(0, Math.floor(t.gz.length / 2)),
    reason: () => 'gzip cut short (unexpected end of file): the file is truncated',
    as: 'only',
  },
  {
    name: 'corrupt gzip: a wrong CRC',
    bytes: (t) => {
      const b = Buffer.from(t.gz);
      b[b.length - 8] = (b[b.length - 8] as number) ^ 0xff;
      return b;
    },
    reason: () => 'corrupt gzip (incorrect data check)',
    as: 'late',
  },
  {
    name: 'corrupt gzip: garbage after the header',
    bytes: (t) => Buffer.concat([t.gz.subarray(0, 10), garbage(4096)]),
    reason: () => /^corrupt gzip \(invalid [a-z ]+\)$/,
    as: 'only',
  },
  {
    name: 'a zero-byte object',
    bytes: () => Buffer.alloc(0),
    reason: () => 'the object is empty (0 bytes)',
    as: 'only',
  },
  {
    name: 'plain JSON under a .json.gz key',
    bytes: (t) => Buffer.from(JSON.stringify(t.doc)),
    reason: () => 'not gzip (incorrect header check): the bytes do not start as gzip does',
    as: 'late',
  },
  {
    name: 'configRuleList not an array',
    bytes: (t) =>
      withCompliance(t, (c) => {
        c.configRuleList = { configRuleName: 'x', complianceType: 'COMPLIANT' };
      }),
    reason: (t) =>
      `configurationItems[${ci(t)}].configuration.configRuleList: expected an array of rule results, found an object`,
    as: 'only',
  },
  {
    name: 'complianceType a number',
    bytes: (t) =>
      withCompliance(t, (c) => {
        (c.configRuleList as Record<string, unknown>[])[0] = {
          ...(c.configRuleList as Record<string, unknown>[])[0],
          complianceType: 1,
        };
      }),
    reason: (t) =>
      `configurationItems[${ci(t)}].configuration.configRuleList[0].complianceType: expected a string, found the number 1`,
    as: 'late',
  },
  {
    name: 'an enormous single line, cut off (streamed)',
    bytes: (t) => enormous(t, (json) => json.slice(0, -40)),
    reason: () => /^not valid JSON: .+/,
    as: 'only',
  },
  {
    name: 'an enormous single line whose last item has a configuration that is a number (streamed)',
    bytes: (t) =>
      enormous(t, (json) =>
        json.replace(/\]\}$/, ',{"resourceType":"AWS::Config::ResourceCompliance","configuration":7}]}'),
      ),
    reason: (t) =>
      `configurationItems[${34 + t.doc.configurationItems.length}].configuration: expected an object (or a JSON object in a string), found the number 7`,
    as: 'late',
  },
];

async function freshnessOf(account: string, region: string): Promise<Record<string, unknown>> {
  const session = await createLocalTarget(repo.org, localDir, { today: TODAY }).openQuerySession();
  try {
    const rows = await session.query(
      `SELECT CAST(last_snapshot AS varchar) AS last_snapshot, status FROM ${repo.org.glue.database}.freshness WHERE account_id = '${account}' AND region = '${region}'`,
      'freshness',
    );
    expect(rows).toHaveLength(1);
    return rows[0] as Record<string, unknown>;
  } finally {
    await session.close();
  }
}

/** The files table's rows of a day (uri → items, evaluations). */
async function filesTable(day: string): Promise<Record<string, [unknown, unknown]>> {
  const path = join(
    compactedDirectory(join(localDir, 's3'), repo.org.data, 'files'),
    `dt=${day}`,
    'part-0.parquet',
  );
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const rows = (
      await connection.runAndReadAll(`SELECT snapshot_file, items, evaluations FROM read_parquet('${path}')`)
    ).getRowObjectsJS() as { snapshot_file: string; items: bigint | null; evaluations: bigint | null }[];
    return Object.fromEntries(
      rows.map((r) => [
        r.snapshot_file,
        [r.items === null ? null : Number(r.items), r.evaluations === null ? null : Number(r.evaluations)],
      ]),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Removes a day's compacted objects, so that the next run reads the day as on its first compaction. */
async function forgetDay(day: string): Promise<void> {
  for (const table of ['evaluations', 'files'] as const)
    await rm(join(compactedDirectory(join(localDir, 's3'), repo.org.data, table), `dt=${day}`), {
      recursive: true,
      force: true,
    });
}

describe('snapshot files the compaction cannot read', () => {
  let target: Target;
  let baseline: Record<string, unknown>;
  let withoutFile: Record<string, unknown>;
  let baselineFreshness: Record<string, unknown>;

  beforeAll(async () => {
    await fresh();
    baseline = (await reportJson()).json;
    const accounts = baseline.accounts as { accountId: string; compliant: number; nonCompliant: number }[];
    const scored = new Set(accounts.filter((a) => a.compliant + a.nonCompliant > 0).map((a) => a.accountId));
    const file = (await todaysOnlyFiles()).find((f) => scored.has(f.account));
    if (!file) throw new Error('no file of a scored account today');
    const gz = await readFile(join(pristine, 's3', bucket, file.key));
    target = {
      ...file,
      laterKey: file.key.replace(/_(\d{8})T(\d{6})Z_/, (_, day: string) => `_${day}T235959Z_`),
      gz,
      doc: JSON.parse(gunzipSync(gz).toString('utf8')),
    };
    expect(target.laterKey).not.toBe(target.key);
    baselineFreshness = await freshnessOf(target.account, target.region);
    expect(baselineFreshness).toEqual({ last_snapshot: TODAY, status: 'fresh' });
    // The reference: the same run without that file at all (not delivered today).
    await rm(join(localDir, 's3', bucket, target.key));
    await forgetDay(TODAY);
    withoutFile = (await reportJson()).json;
    expect(withoutFile).not.toEqual(baseline);
  }, 300_000);

  it.each(SNAPSHOT_CASES)(
    '$name ($as): named with its key and why, counted as not delivered, the figures of the others unchanged',
    async (c) => {
      await fresh();
      const key = c.as === 'only' ? target.key : target.laterKey;
      const uri = `s3://${bucket}/${key}`;
      const path = join(localDir, 's3', bucket, key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, c.bytes(target));
      if (c.as === 'only') await forgetDay(TODAY);
      // The snapshot files (the compacted data, under the same bucket, is the compaction's to write).
      const snapshotsDir = join(
        localDir,
        's3',
        bucket,
        target.key.slice(0, target.key.indexOf('AWSLogs/')),
        'AWSLogs',
      );
      const snapshotsBefore = await hashes(snapshotsDir);
      const stateBefore = await fileHash(join(localDir, 'state.json'));

      const { json, stderr } = await reportJson();

      const warnings = stderr.filter((l) => l.startsWith('… warning:'));
      expect(warnings).toHaveLength(1);
      const prefix = `… warning: the snapshot file ${uri} could not be read: `;
      expect(warnings[0]?.startsWith(prefix)).toBe(true);
      const counted =
        c.as === 'only'
          ? `; account ${target.account} in ${target.region} counts as not delivered on ${TODAY} (its figures stay those of its newest readable day)`
          : `; the earlier file s3://${bucket}/${target.key} of that day was read in its place`;
      expect(warnings[0]?.endsWith(` (${SHAPE})${counted}`)).toBe(true);
      const reason = (warnings[0] as string).slice(prefix.length, -` (${SHAPE})${counted}`.length);
      const want = c.reason(target);
      if (typeof want === 'string') expect(reason).toBe(want);
      else expect(reason).toMatch(want);

      // The figures: exactly those of a run without the file, or, with an earlier good file of the
      // day, exactly the baseline's (every other account's are the baseline's either way).
      expect(json).toEqual(c.as === 'only' ? withoutFile : baseline);
      const others = (r: Record<string, unknown>) =>
        (r.accounts as { accountId: string }[]).filter((a) => a.accountId !== target.account);
      expect(others(json)).toEqual(others(baseline));

      // Freshness: the unreadable file is no delivery; the files table records it without counts.
      const table = await filesTable(TODAY);
      expect(table[uri]).toEqual([null, null]);
      if (c.as === 'only') {
        expect(table[`s3://${bucket}/${target.key}`]).toEqual([null, null]);
        expect(await freshnessOf(target.account, target.region)).toEqual({
          last_snapshot: YESTERDAY,
          status: 'fresh',
        });
      } else {
        expect(table[`s3://${bucket}/${target.key}`]?.[0]).toBe(target.doc.configurationItems.length);
        expect(await freshnessOf(target.account, target.region)).toEqual(baselineFreshness);
      }
      // Nothing written where it should not be: the snapshot files and the state as they were.
      expect(await hashes(snapshotsDir)).toEqual(snapshotsBefore);
      expect(await fileHash(join(localDir, 'state.json'))).toBe(stateBefore);

      // A rerun reads nothing again and writes nothing (the unreadable file is remembered).
      const compactedDir = join(compactedDirectory(join(localDir, 's3'), repo.org.data, 'files'), '..');
      const compacted = await hashes(compactedDir);
      const again = await run(['compact', ...common]);
      expect(again.code).toBe(0);
      expect(again.stderr.filter((l) => l.startsWith('… warning:'))).toEqual([]);
      expect(await hashes(compactedDir)).toEqual(compacted);
    },
    120_000,
  );
});

// ---------------------------------------------------------------------------------------------
// Organization data
// ---------------------------------------------------------------------------------------------

interface OrgJson {
  organizationId: string;
  accounts: (Omit<OrgAccount, 'id' | 'name'> & { id: unknown; name: unknown })[];
}

/** `line:column` of the `nth` (from the end when negative) occurrence of `needle`, plus `shift` characters. */
function positionOf(text: string, needle: string, nth: number, shift = 0): string {
  const offsets: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) offsets.push(i);
  const offset = (offsets.at(nth) as number) + shift;
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
}

interface OrgCase {
  name: string;
  /** Changes the Organization; returns the problem's JSON path, its message, and where its value is written. */
  damage: (org: OrgJson) => { path: string; message: string; at: (text: string) => string };
}

/** Where the value of the `nth` member `"field": …` is (the last one by default). */
const memberValue =
  (field: string, nth = -1) =>
  (text: string) =>
    positionOf(text, `"${field}": `, nth, `"${field}": `.length);

/** The second entry for the first account: a copy, with `change`. */
function listedAgain(org: OrgJson, change: Partial<OrgJson['accounts'][number]>) {
  const first = org.accounts[0] as OrgJson['accounts'][number];
  org.accounts.push({ ...first, ...change });
  return { first, index: org.accounts.length - 1 };
}

const AGAIN =
  ': each account is listed once. From Organizations this happens when an account is moved while it is read: run again.';

const ORG_CASES: OrgCase[] = [
  {
    name: 'the same account listed twice',
    damage: (org) => {
      const { first, index } = listedAgain(org, {});
      return {
        path: `accounts[${index}].id`,
        message: `account ${first.id} is listed again (first at accounts[0])${AGAIN}`,
        at: memberValue('id'),
      };
    },
  },
  {
    name: 'one id with two names',
    damage: (org) => {
      const { first, index } = listedAgain(org, { name: 'renamed-meanwhile' });
      return {
        path: `accounts[${index}].id`,
        message: `account ${first.id} is listed again (first at accounts[0]), and the two disagree: name ${JSON.stringify(first.name)} there, "renamed-meanwhile" here${AGAIN}`,
        at: memberValue('id'),
      };
    },
  },
  {
    name: 'one id under two OUs (moved while the Organization was read)',
    damage: (org) => {
      const { first, index } = listedAgain(org, { ouPath: '/Root/Sandbox' });
      return {
        path: `accounts[${index}].id`,
        message: `account ${first.id} is listed again (first at accounts[0]), and the two disagree: ouPath ${JSON.stringify(first.ouPath)} there, "/Root/Sandbox" here${AGAIN}`,
        at: memberValue('id'),
      };
    },
  },
  {
    name: 'one id with two states',
    damage: (org) => {
      const { first, index } = listedAgain(org, { state: 'SUSPENDED' });
      expect(first.state).not.toBe('SUSPENDED');
      return {
        path: `accounts[${index}].id`,
        message: `account ${first.id} is listed again (first at accounts[0]), and the two disagree: state ${JSON.stringify(first.state)} there, "SUSPENDED" here${AGAIN}`,
        at: memberValue('id'),
      };
    },
  },
  {
    name: 'an account id of 11 digits',
    damage: (org) => {
      (org.accounts[1] as OrgJson['accounts'][number]).id = '12345678901';
      return {
        path: 'accounts[1].id',
        message:
          '"12345678901" is not an account id: expected a string of exactly 12 digits, such as "012345678901"',
        at: memberValue('id', 1),
      };
    },
  },
  {
    name: 'an account id written as a number',
    damage: (org) => {
      (org.accounts[2] as OrgJson['accounts'][number]).id = 123456789012;
      return {
        path: 'accounts[2].id',
        message:
          '123456789012 is not an account id: expected a string of exactly 12 digits, such as "012345678901"',
        at: memberValue('id', 2),
      };
    },
  },
  {
    name: 'an empty name',
    damage: (org) => {
      const a = org.accounts[1] as OrgJson['accounts'][number];
      a.name = '  ';
      return {
        path: 'accounts[1].name',
        message: `account ${a.id} has no name: expected its name in the Organization`,
        at: memberValue('name', 1),
      };
    },
  },
  {
    name: 'an OU path whose parent does not exist (an empty OU name)',
    damage: (org) => {
      const a = org.accounts[1] as OrgJson['accounts'][number];
      a.ouPath = '/Root//Prod';
      return {
        path: 'accounts[1].ouPath',
        message: `account ${a.id}: "/Root//Prod" is not an OU path: expected the path from the root, such as "/Root/Workloads/Prod" (no empty OU name)`,
        at: memberValue('ouPath', 1),
      };
    },
  },
];

describe('Organization data that lists an account twice or badly', () => {
  let organization: OrgJson;
  const accountsYaml = () => join(root, 'config/accounts.yaml');

  beforeAll(async () => {
    organization = JSON.parse(await readFile(join(pristine, 'org.json'), 'utf8'));
  });

  /** A local target with this org.json only (discover reads nothing else). */
  async function orgDir(org: OrgJson): Promise<{ dir: string; orgPath: string; text: string }> {
    const dir = await scratch('org-compliance-bad-org-');
    const text = `${JSON.stringify(org, null, 2)}\n`;
    await writeFile(join(dir, 'org.json'), text);
    return { dir, orgPath: join(dir, 'org.json'), text };
  }

  /** The Organization with one more account than accounts.yaml: discover --write would write. */
  function behind(): OrgJson {
    const org = structuredClone(organization);
    org.accounts.push({
      ...(org.accounts[0] as OrgJson['accounts'][number]),
      id: '999999999999',
      name: 'joined-today',
    });
    return org;
  }

  it('the control: the same Organization, valid, makes discover --write write accounts.yaml', async () => {
    const before = await readFile(accountsYaml());
    const { dir } = await orgDir(behind());
    try {
      const r = await run(['discover', '--write', '--root', root, '--local-dir', dir, '--today', TODAY]);
      expect(r.code).toBe(2);
      expect(sha(await readFile(accountsYaml()))).not.toBe(sha(before));
    } finally {
      await writeFile(accountsYaml(), before);
    }
  });

  it.each(ORG_CASES)('$name: refused naming the account and where, accounts.yaml untouched', async (c) => {
    const org = behind();
    const problem = c.damage(org);
    const { dir, orgPath, text } = await orgDir(org);
    const before = await fileHash(accountsYaml());
    for (const args of [['discover', '--write'], ['plan']]) {
      const r = await run([...args, '--root', root, '--local-dir', dir, '--today', TODAY]);
      expect(r.code).toBe(1);
      expect(r.stdout).toEqual([]);
      expect(r.stderr.filter((l) => l.startsWith('Error:'))).toEqual([
        `Error: The Organization's data (${orgPath}) is refused; nothing was compared or written:\n  ${problem.at(text)}: ${problem.path}: ${problem.message}`,
      ]);
    }
    expect(await fileHash(accountsYaml())).toBe(before);
    expect(await readdir(dir)).toEqual(['org.json']);
  });

  it('from Organizations (the aws target): an account listed under two OUs is refused before anything is compared', () => {
    const account: OrgAccount = {
      id: '111122223333',
      name: 'payments-prod',
      state: 'ACTIVE',
      ouPath: '/Root/Workloads',
      joined: '2024-01-02',
    };
    const read = {
      organizationId: 'o-a1b2c3d4e5',
      accounts: [account, { ...account, ouPath: '/Root/Sandbox' }],
    };
    expect(() => compareAccounts([], read)).toThrow(OrganizationDataError);
    expect(() => compareAccounts([], read)).toThrow(
      `The Organization's data (organization o-a1b2c3d4e5) is refused; nothing was compared or written:\n  accounts[1].id: account 111122223333 is listed again (first at accounts[0]), and the two disagree: ouPath "/Root/Workloads" there, "/Root/Sandbox" here${AGAIN}`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// state.json and the apply lock
// ---------------------------------------------------------------------------------------------

/** What the refusal of a state file ends with: what the file is, and the ways out. */
function stateRemedyText(file: string): string {
  return (
    `${file} is the local target's record of what it deployed; it was left as it is. ` +
    'Restore it from a backup, or delete it to start afresh: the local target then remembers nothing it deployed, ' +
    'so the next plan proposes to create every rule, table, view and dashboard again (only the reference data ' +
    'under s3/ is found as it is) and apply re-creates them in the same directory; org.json, the snapshot files ' +
    'and the compacted data are kept.'
  );
}

interface StateCase {
  name: string;
  /** The damaged text from the good one. */
  text: (good: string) => string;
  /** What follows `<file>:` in the refusal. */
  refusal: (file: string, text: string) => string | RegExp;
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `line:column` just after the last character of a text. */
function endOf(text: string): string {
  const lines = text.split('\n');
  return `${lines.length}:${(lines.at(-1) as string).length + 1}`;
}

const STATE_CASES: StateCase[] = [
  {
    name: 'truncated (a write cut short)',
    text: (good) => good.slice(0, Math.floor(good.length / 2)),
    refusal: (file, text) =>
      new RegExp(`^${literal(endOf(text))}: not valid JSON \\(.+\\)\\. ${literal(stateRemedyText(file))}$`),
  },
  {
    name: 'not JSON (merge conflict markers)',
    text: (good) => `<<<<<<< HEAD\n${good}=======\n{}\n>>>>>>> theirs\n`,
    refusal: (file) => new RegExp(`^1:1: not valid JSON \\(.+\\)\\. ${literal(stateRemedyText(file))}$`),
  },
  {
    name: 'empty (0 bytes)',
    text: () => '',
    refusal: (file) => `1:1: not valid JSON (the file is empty). ${stateRemedyText(file)}`,
  },
  {
    name: 'wrong shape: a list at the top',
    text: (good) => `[${good}]`,
    refusal: (file) =>
      `1:1: (top level): expected an object { version: 1, configRules, glueTables, athenaViews, quicksight }. ${stateRemedyText(file)}`,
  },
  {
    name: 'wrong shape: configRules is a list',
    text: (good) => JSON.stringify({ ...JSON.parse(good), configRules: [] }, null, 2),
    refusal: (file, text) =>
      `${positionOf(text, '"configRules": ', 0, '"configRules": '.length)}: configRules: expected an object (region or kind → name → resource). ${stateRemedyText(file)}`,
  },
  {
    name: 'wrong shape: a view that is a string',
    text: (good) => {
      const state = JSON.parse(good);
      const region = Object.keys(state.athenaViews)[0] as string;
      const view = Object.keys(state.athenaViews[region])[0] as string;
      state.athenaViews[region][view] = 'SELECT 1';
      return JSON.stringify(state, null, 2);
    },
    refusal: (file, text) => {
      const state = JSON.parse(text);
      const region = Object.keys(state.athenaViews)[0] as string;
      const view = Object.keys(state.athenaViews[region])[0] as string;
      return `${positionOf(text, '"SELECT 1"', 0)}: athenaViews.${region}.${view}: expected an object (the resource's properties). ${stateRemedyText(file)}`;
    },
  },
  {
    name: 'no version',
    text: (good) => {
      const { version: _, ...rest } = JSON.parse(good);
      return JSON.stringify(rest, null, 2);
    },
    refusal: (file) => `1:1: version: expected 1, found null. ${stateRemedyText(file)}`,
  },
  {
    name: 'a future format version',
    text: (good) => JSON.stringify({ ...JSON.parse(good), version: 2 }, null, 2),
    refusal: (_file, text) =>
      `${positionOf(text, '"version": ', 0, '"version": '.length)}: version: state format 2 was written by a newer org-compliance (this one reads format 1); it was left as it is: run the newer org-compliance, or restore a backup written in format 1.`,
  },
];

describe('a damaged state.json', () => {
  it.each(STATE_CASES)(
    '$name: plan and apply refuse naming the file and where, and never write it',
    async (c) => {
      await fresh();
      const file = join(localDir, 'state.json');
      const text = c.text(await readFile(file, 'utf8'));
      await writeFile(file, text);
      const before = await hashes(localDir);
      const want = c.refusal(file, text);
      for (const args of [['plan'], ['apply', '--auto-approve']]) {
        const r = await run([...args, ...common]);
        expect(r.code).toBe(1);
        const errors = r.stderr.filter((l) => l.startsWith('Error:'));
        expect(errors).toHaveLength(1);
        const refusal = (errors[0] as string).slice(`Error: ${file}:`.length);
        expect(errors[0]?.startsWith(`Error: ${file}:`)).toBe(true);
        if (typeof want === 'string') expect(refusal).toBe(want);
        else expect(refusal).toMatch(want);
      }
      // Nothing written: not the state, not a lock left behind, nothing else.
      expect(await hashes(localDir)).toEqual(before);
    },
    60_000,
  );
});

describe('the remedy of a damaged state.json: delete it', () => {
  it('the local target then remembers nothing it deployed: plan proposes to create it all again, and apply converges', async () => {
    await fresh();
    const applied = await run(['plan', ...common]);
    expect(applied.code).toBe(0);
    const resources = Number(
      /No changes\. (\d+) resource\(s\) up to date\./.exec(applied.stdout.join('\n'))?.[1],
    );
    expect(resources).toBeGreaterThan(0);
    await rm(join(localDir, 'state.json'));
    const afresh = await run(['plan', ...common]);
    expect(afresh.code).toBe(2);
    // Everything again, but the reference data objects (one per reference table, under s3/).
    const tables = (
      await readdir(join(localDir, 's3', repo.org.data.bucket, repo.org.data.prefix, 'reference'))
    ).length;
    expect(tables).toBeGreaterThan(0);
    expect(afresh.stdout.join('\n')).toContain(
      `Plan: ${resources - tables} to create, 0 to update, 0 to delete, ${tables} unchanged.`,
    );
    expect((await run(['apply', '--auto-approve', ...common])).code).toBe(0);
    const again = await run(['plan', ...common]);
    expect(again.code).toBe(0);
    expect(again.stdout.join('\n')).toContain(`No changes. ${resources} resource(s) up to date.`);
  }, 120_000);
});

describe('a damaged apply lock', () => {
  const LOCKS = [
    { name: 'not JSON', text: 'half a lo' },
    {
      name: 'JSON without an expiry',
      text: '{"id":"x","holder":"ci-runner pid 4242","acquired":"2026-12-01T10:00:00.000Z"}\n',
    },
  ];

  it.each(LOCKS)(
    '$name: apply refuses naming the lock and the remedy, writes nothing; --force-unlock clears it',
    async (c) => {
      await fresh();
      const lock = join(localDir, 'apply.lock');
      await writeFile(lock, c.text);
      const before = await hashes(localDir);
      const r = await run(['apply', '--auto-approve', ...common]);
      expect(r.code).toBe(1);
      expect(r.stderr.filter((l) => !l.startsWith('… ') && !l.includes(': warning: '))).toEqual([
        `The apply lock at ${lock} is an unreadable lock file (${Buffer.byteLength(c.text)} bytes, not a lock record): nothing was written, and it does not expire by itself. ` +
          'If no apply is running, --force-unlock removes it (a lock is the JSON {id, holder, acquired, expires} that apply writes).',
      ]);
      expect(await hashes(localDir)).toEqual(before);
      // The remedy works: forced, the apply runs (nothing to change) and leaves no lock.
      expect((await run(['apply', '--auto-approve', '--force-unlock', ...common])).code).toBe(0);
      expect(await fileHash(lock)).toBeUndefined();
    },
    60_000,
  );
});

// ---------------------------------------------------------------------------------------------
// The reasons, item by item: the same on the fast path and the stream
// ---------------------------------------------------------------------------------------------

const FILE = { account: '111122223333', region: 'eu-west-1', uri: 's3://acme-config-snapshots/k.json.gz' };

/** A compliance item for an account-level result, with `configuration` changed. */
function compliance(configuration: unknown): Record<string, unknown> {
  return {
    resourceType: 'AWS::Config::ResourceCompliance',
    resourceId: 'AWS::::Account/111122223333',
    configuration,
  };
}
const RESULT = { configRuleName: 'OrgConfigRule-iam-root-mfa-ab12cd', complianceType: 'NON_COMPLIANT' };
const TARGET = { targetResourceType: 'AWS::::Account', targetResourceId: '111122223333' };

const ITEM_CASES: { name: string; items: unknown[]; reason: string | undefined; rows: number }[] = [
  {
    name: 'an item that is a string',
    items: ['AWS::S3::Bucket'],
    reason: 'configurationItems[0]: expected a configuration item (an object), found a string',
    rows: 0,
  },
  {
    name: 'an item without resourceType',
    items: [{ resourceId: 'b' }],
    reason: 'configurationItems[0].resourceType: expected a string, found nothing',
    rows: 0,
  },
  {
    name: 'a resourceId that is a number',
    items: [{ resourceType: 'AWS::S3::Bucket', resourceId: 7 }],
    reason: 'configurationItems[0].resourceId: expected a string, found the number 7',
    rows: 0,
  },
  {
    name: 'a configuration string that is not JSON',
    items: [compliance('{"targetResourceType":')],
    reason:
      'configurationItems[0].configuration: expected an object (or a JSON object in a string), found a string that is not JSON',
    rows: 0,
  },
  {
    name: 'a targetResourceId that is a number',
    items: [compliance({ ...TARGET, targetResourceId: 111122223333, configRuleList: [RESULT] })],
    reason:
      'configurationItems[0].configuration.targetResourceId: expected a string, found the number 111122223333',
    rows: 0,
  },
  {
    name: 'a rule result that is a string',
    items: [compliance({ ...TARGET, configRuleList: ['NON_COMPLIANT'] })],
    reason:
      'configurationItems[0].configuration.configRuleList[0]: expected a rule result {configRuleName, complianceType}, found a string',
    rows: 0,
  },
  {
    name: 'a rule result without configRuleName',
    items: [compliance({ ...TARGET, configRuleList: [RESULT, { complianceType: 'COMPLIANT' }] })],
    reason:
      'configurationItems[0].configuration.configRuleList[1].configRuleName: expected a string, found nothing',
    rows: 0,
  },
  // Valid: a deleted resource's item has no configuration; a compliance item may list no rule.
  {
    name: 'valid: configuration null (a deleted resource)',
    items: [compliance(null), compliance({ ...TARGET, configRuleList: [RESULT] })],
    reason: undefined,
    rows: 1,
  },
  { name: 'valid: no configRuleList', items: [compliance({ ...TARGET })], reason: undefined, rows: 0 },
];

describe('the reason of an unreadable file names the item and field, on both paths', () => {
  it.each(ITEM_CASES)('$name', async (c) => {
    const json = JSON.stringify({ fileVersion: '1.0', configurationItems: c.items });
    const whole = await extractSnapshot(gzipSync(json), FILE, { gzip: true, fileIndex: 0 });
    expect([whole.unreadable, whole.rows]).toEqual([c.reason, c.rows]);
    const streamed = compactSnapshotStream(Readable.from([Buffer.from(json)]), FILE, { gzip: false });
    if (c.reason === undefined) expect((await streamed).rows).toHaveLength(c.rows);
    else await expect(streamed).rejects.toThrow(`Could not read the snapshot file ${FILE.uri}: ${c.reason}`);
  });
});
