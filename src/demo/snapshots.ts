/**
 * Deterministic synthetic AWS Config snapshot files, laid out as Config delivers them to S3:
 * one gzip JSON object per account, region and delivery, with the resources of the
 * account/region and one `AWS::Config::ResourceCompliance` item per evaluated resource.
 *
 * The data is shaped to exercise what the views must get right: member rule names with
 * random suffixes, rules from outside the catalog (Security Hub, conformance packs, Control
 * Tower), account-level targets, tag keys that differ only by case, the exclusion tag,
 * two deliveries on one day, an account/region that stopped delivering, an account that never
 * delivered a snapshot, a missed day, and a region outside the configured ones; on request
 * (`large`), one account/region whose newest files hold tens of thousands of resources, over
 * Athena's 32 MB row limit, generated as they are written. Same options, same bytes.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip as gzipCallback } from 'node:zlib';
import { builtInManagedRules } from '../load/managed-rules.js';
import type { OrgConfig, RuleSpec } from '../model/config.js';
import { addDays, toProjectionDate } from '../model/dates.js';
import type { OrgAccount, OrganizationSnapshot } from '../model/provider.js';
import { seededRandom, seedFromString } from './random.js';

const gzip = promisify(gzipCallback);

export interface SnapshotOptions {
  /** Uses snapshots.bucket/prefix/orgIdInPath, organizationId, regions, homeRegion, compliance.excludeTag. */
  org: OrgConfig;
  /** The accounts to write data for: all of them; their state decides whether they deliver. */
  organization: OrganizationSnapshot;
  /** The rule catalog. */
  rules: RuleSpec[];
  /** Days of history ending at `until` (inclusive). */
  days: number;
  /** Last day, `YYYY-MM-DD`. */
  until: string;
  seed: number;
  /** Files go to `${s3Dir}/${bucket}/${key}`. */
  s3Dir: string;
  /** A region outside `org.regions` that a couple of accounts also record in; default ap-southeast-2. */
  extraRegion?: string;
  /** Files written at once; default 32. */
  concurrency?: number;
  /**
   * One account/region whose newest snapshot files are very large (over Athena's 32 MB row limit
   * with tens of thousands of resources): `resources` more resources, each evaluated by the rules
   * running there that apply to its type, in its files of the last `days` days. Nothing else changes.
   */
  large?: LargeAccountOptions;
}

export interface LargeAccountOptions {
  /**
   * Default: one chosen from the seed among the active accounts that deliver every day and carry no
   * other special case (not the stale, gap, doubled or never-delivered account).
   */
  account?: string;
  /** Default: org.homeRegion. */
  region?: string;
  /** Resources added to the account/region's files (a positive integer; tens of thousands to pass 32 MB). */
  resources: number;
  /** The newest days that carry them; default 1 (the last day only, to keep generation fast). */
  days?: number;
}

export interface SnapshotSummary {
  files: number;
  bytes: number;
  /** With the `large` option: the files written for the large account/region, newest last. */
  large?: LargeFile[];
}

export interface LargeFile {
  key: string;
  /** Size of the file's JSON, uncompressed. */
  jsonBytes: number;
  /** Size of the gzip file as written. */
  gzipBytes: number;
}

/** The special cases a generated data set contains, so tests and demos can find them. */
export interface SnapshotScenario {
  /** Misses the last three days: its newest snapshot is stale (it stopped delivering). */
  stale?: { account: string; region: string };
  /**
   * An active account with no snapshot file at all, in any region: its delivery channels set no
   * snapshot delivery frequency, so Config sends it only ConfigHistory files (not written here).
   */
  neverDelivered?: { account: string };
  /** Misses one day in the middle; its newest snapshot is still recent. */
  gap?: { account: string; region: string; date: string };
  /** Two deliveries on this day; the later one has one result fixed. */
  doubled?: { account: string; region: string; date: string };
  /** The region outside org.regions, when it differs from them. */
  extraRegion?: string;
  /** Accounts that also record in `extraRegion`. */
  extraRegionAccounts: string[];
  /** Accounts with resources carrying `compliance.excludeTag` (empty when it is not set). */
  excludeTagAccounts: string[];
  securityHubAccounts: string[];
  conformancePackAccounts: string[];
  controlTowerAccounts: string[];
  /** Catalog rules most accounts fail. */
  hardRules: string[];
  /**
   * With the `large` option: the account/region whose files on `dates` (the last `days` days) carry
   * `resources` more resources. The files' sizes are known once written: SnapshotSummary.large.
   */
  large?: { account: string; region: string; days: number; dates: string[]; resources: number };
}

export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';
export const COMPLIANCE_RESOURCE_TYPE = 'AWS::Config::ResourceCompliance';
export const SECURITY_HUB_RULE_PREFIX = 'securityhub-s3-bucket-ssl-requests-only-';
export const CONFORMANCE_PACK_RULE_PREFIX = 's3-bucket-logging-enabled-conformance-pack-';
export const CONTROL_TOWER_RULE = 'AWSControlTower_AWS-GR_ENCRYPTED_VOLUMES';

/** Accounts in these states have Config running and deliver snapshots. */
const DELIVERING_STATES = new Set(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']);
/** A suspended account stopped delivering this many days before `until`. */
const SUSPENDED_SILENT_DAYS = 10;
/** The stale account/region misses this many of the newest days. */
const STALE_DAYS = 3;
const DAY_MS = 86_400_000;

type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';

/**
 * `[<prefix>/][<org-id>/]AWSLogs/<account>/Config/<region>/<yyyy>/<m>/<d>/ConfigSnapshot/
 * <account>_Config_<region>_ConfigSnapshot_<yyyymmddThhmmssZ>_<uuid>.json.gz`; month and
 * day are not zero-padded in the directory, zero-padded in the stamp.
 */
export function snapshotKey(
  org: OrgConfig,
  account: string,
  region: string,
  date: string,
  stamp: string,
  uuid: string,
): string {
  const prefix = org.snapshots.prefix.replace(/^\/+|\/+$/g, '');
  return [
    ...(prefix ? [prefix] : []),
    ...(org.snapshots.orgIdInPath ? [org.organizationId] : []),
    'AWSLogs',
    account,
    'Config',
    region,
    toProjectionDate(date),
    'ConfigSnapshot',
    `${account}_Config_${region}_ConfigSnapshot_${stamp}_${uuid}.json.gz`,
  ].join('/');
}

/** Writes every snapshot file; returns how many and their total (compressed) size. */
export async function writeSnapshots(o: SnapshotOptions): Promise<SnapshotSummary> {
  const world = new World(o);
  const dirs = new Map<string, Promise<unknown>>();
  let files = 0;
  let bytes = 0;
  const large: LargeFile[] = [];
  const write = async (key: string, json: string): Promise<void> => {
    const path = join(o.s3Dir, o.org.snapshots.bucket, key);
    const dir = dirname(path);
    let made = dirs.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true });
      dirs.set(dir, made);
    }
    const [body] = await Promise.all([gzip(json, { level: 6 }), made]);
    // The gzip header holds no mtime (node writes 0); pin the OS byte too, so files match across platforms.
    body[9] = 3;
    await writeFile(path, body);
    files++;
    bytes += body.length;
  };
  // Large files are generated while they are written, one at a time: a part of one in memory at most.
  let largeTurn: Promise<unknown> = Promise.resolve();
  const jobs = world.files();
  const worker = async (): Promise<void> => {
    for (let next = jobs.next(); !next.done; next = jobs.next()) {
      const job = next.value;
      if (job.json !== undefined) {
        await write(job.key, job.json);
        continue;
      }
      const { key, parts } = job;
      const turn = largeTurn.then(async () => {
        const written = await writeStreamed(join(o.s3Dir, o.org.snapshots.bucket, key), parts());
        large.push({ key, ...written });
        files++;
        bytes += written.gzipBytes;
      });
      largeTurn = turn.catch(() => undefined);
      await turn;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 32) }, worker));
  if (!o.large) return { files, bytes };
  const fileName = (key: string) => key.slice(key.lastIndexOf('/') + 1);
  large.sort((a, b) => fileName(a.key).localeCompare(fileName(b.key)));
  return { files, bytes, large };
}

/** Writes JSON given in parts as a gzip file (as `gzip` would, header pinned alike) without holding it whole. */
async function writeStreamed(
  path: string,
  parts: Iterable<string>,
): Promise<{ jsonBytes: number; gzipBytes: number }> {
  await mkdir(dirname(path), { recursive: true });
  let jsonBytes = 0;
  let gzipBytes = 0;
  await pipeline(
    Readable.from(
      (function* () {
        for (const part of parts) {
          const chunk = Buffer.from(part);
          jsonBytes += chunk.length;
          yield chunk;
        }
      })(),
    ),
    createGzip({ level: 6 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        // The OS byte of the header, as `writeSnapshots` pins it.
        if (gzipBytes <= 9 && gzipBytes + chunk.length > 9) chunk[9 - gzipBytes] = 3;
        gzipBytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  return { jsonBytes, gzipBytes };
}

/** The special cases `writeSnapshots` builds into the data for these options. */
export function snapshotScenario(o: SnapshotOptions): SnapshotScenario {
  return new World(o).scenario;
}

// ---------------------------------------------------------------------------------------------
// Randomness: every value comes from a PRNG seeded by (seed, purpose, account, region, ...), so
// no value depends on the order files are produced in.

type Rand = () => number;

function rng(...parts: (string | number)[]): Rand {
  return seededRandom(seedFromString(parts.join('|')));
}

function hash01(...parts: (string | number)[]): number {
  return rng(...parts)();
}

const HEX = '0123456789abcdef';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function chars(rand: Rand, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

function int(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function pick<T>(rand: Rand, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

/** A version-4-shaped UUID from the PRNG (not crypto: it must repeat). */
function uuid(rand: Rand): string {
  const h = chars(rand, HEX, 32).split('');
  h[12] = '4';
  h[16] = HEX[8 + Math.floor(rand() * 4)] as string;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function stampOf(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

// ---------------------------------------------------------------------------------------------
// The catalog as the generator sees it.

interface RuleTarget {
  /** Catalog name, or the full name of a rule from outside the catalog. */
  name: string;
  /** Resource types evaluated; [AWS::::Account] for account-level rules. */
  types: string[];
  homeOnly: boolean;
  /** The regions a rule with a region list (`regions: [us-east-1]`) is deployed to; absent for home/all. */
  onlyIn?: ReadonlySet<string>;
  /** Members see `OrgConfigRule-<name>-<suffix>`; other sources keep their own names. */
  source: 'catalog' | 'securityhub' | 'conformance-pack' | 'control-tower';
  /** Failed by most accounts. */
  hard: boolean;
  /** How much more (or less) often than average the rule fails, for rules that are not hard. */
  weight: number;
  excludedAccounts: ReadonlySet<string>;
}

function isIamType(type: string): boolean {
  return type.startsWith('AWS::IAM::');
}

/** Rules organizations commonly fail across the board: these become the hard ones when in the catalog. */
const OFTEN_FAILED = new Set([
  'RDS_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  'DYNAMODB_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  'EFS_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  'S3_VERSION_LIFECYCLE_POLICY_CHECK',
  'S3_LIFECYCLE_POLICY_CHECK',
  'ACCESS_KEYS_ROTATED',
  'RDS_ENHANCED_MONITORING_ENABLED',
  'CLOUDFORMATION_TERMINATION_PROTECTION_CHECK',
  'VPC_FLOW_LOGS_ENABLED',
  'EC2_IMDSV2_CHECK',
]);

function catalogTargets(rules: RuleSpec[], seed: number): RuleTarget[] {
  const managed = builtInManagedRules();
  const hardCount = Math.min(rules.length, Math.max(3, Math.round(rules.length * 0.06)));
  const order = (r: RuleSpec) => (OFTEN_FAILED.has(r.identifier) ? 0 : 1) + hash01(seed, 'hard', r.name);
  const hard = new Set(
    [...rules]
      .sort((a, b) => order(a) - order(b))
      .slice(0, hardCount)
      .map((r) => r.name),
  );
  return rules.map((r) => {
    const documented = managed.get(r.identifier)?.resourceTypes ?? [];
    const scoped = r.resourceTypesScope.length
      ? r.resourceTypesScope.filter((t) => !documented.length || documented.includes(t))
      : documented;
    const types = scoped.length ? scoped : [ACCOUNT_RESOURCE_TYPE];
    return {
      name: r.name,
      types,
      homeOnly: r.regions === 'home' || types.every(isIamType),
      ...(Array.isArray(r.regions) ? { onlyIn: new Set<string>(r.regions) } : {}),
      source: 'catalog' as const,
      hard: hard.has(r.name),
      weight: 0.4 + 1.2 * hash01(seed, 'weight', r.name),
      excludedAccounts: new Set(r.excludedAccounts),
    };
  });
}

const NO_ACCOUNTS: ReadonlySet<string> = new Set();
const OTHER_SOURCE_RULES: RuleTarget[] = [
  {
    name: SECURITY_HUB_RULE_PREFIX,
    types: ['AWS::S3::Bucket'],
    homeOnly: false,
    source: 'securityhub',
    hard: false,
    weight: 1.3,
    excludedAccounts: NO_ACCOUNTS,
  },
  {
    name: CONFORMANCE_PACK_RULE_PREFIX,
    types: ['AWS::S3::Bucket'],
    homeOnly: false,
    source: 'conformance-pack',
    hard: false,
    weight: 1.6,
    excludedAccounts: NO_ACCOUNTS,
  },
  {
    name: CONTROL_TOWER_RULE,
    types: ['AWS::EC2::Volume'],
    homeOnly: false,
    source: 'control-tower',
    hard: false,
    weight: 0.8,
    excludedAccounts: NO_ACCOUNTS,
  },
];

// ---------------------------------------------------------------------------------------------
// Resources.

interface Resource {
  type: string;
  id: string;
  name: string | null;
  arn: string;
  awsRegion: string;
  az: string;
  created: number;
  configuration: Record<string, unknown>;
  supplementary: Record<string, unknown>;
  tags: Record<string, string>;
  relationships: Relationship[];
}

interface Relationship {
  resourceId: string;
  resourceName: string | null;
  resourceType: string;
  name: string;
}

interface ResourceContext {
  account: string;
  region: string;
  team: string;
  env: string;
  rand: Rand;
  /** Resources are created between these times (ms). */
  from: number;
  to: number;
  taken: Set<string>;
  /**
   * Set when names are drawn by the thousand (the large account): a taken name gets the next free
   * number of its base, `<base>-<n>`, instead of a fresh draw.
   */
  suffixes?: Map<string, number>;
}

type Shape = Omit<Resource, 'type' | 'tags' | 'relationships' | 'created' | 'awsRegion'> & {
  awsRegion?: string;
};

const PURPOSES = ['logs', 'assets', 'backups', 'data', 'artifacts', 'uploads', 'reports', 'exports'];
const SERVICES = ['api', 'worker', 'ingest', 'sync', 'scheduler', 'gateway', 'events', 'audit'];

/** A name not yet used in this account/region; small name spaces get a numeric suffix. */
function unique(p: ResourceContext, make: () => string): string {
  if (p.suffixes) {
    const base = make();
    let name = base;
    let n = p.suffixes.get(base) ?? 1;
    while (p.taken.has(name)) name = `${base}-${++n}`;
    p.suffixes.set(base, n);
    p.taken.add(name);
    return name;
  }
  for (let attempt = 0; ; attempt++) {
    const base = make();
    const name = attempt < 4 ? base : `${base}-${attempt - 2}`;
    if (!p.taken.has(name)) {
      p.taken.add(name);
      return name;
    }
  }
}

function az(p: ResourceContext): string {
  return `${p.region}${pick(p.rand, ['a', 'b', 'c'])}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function when(p: ResourceContext): number {
  return Math.floor(p.from + p.rand() * (p.to - p.from));
}

/** Realistic ids, names, ARNs and a few configuration fields per resource type. */
const SHAPES: Record<string, (p: ResourceContext, created: number) => Shape> = {
  'AWS::EC2::Instance': (p, created) => {
    const id = `i-0${chars(p.rand, HEX, 16)}`;
    return {
      id,
      name: null,
      arn: `arn:aws:ec2:${p.region}:${p.account}:instance/${id}`,
      az: az(p),
      configuration: {
        instanceId: id,
        instanceType: pick(p.rand, ['t3.medium', 'm6i.large', 'c6i.xlarge', 'r6g.large', 'm7g.medium']),
        imageId: `ami-0${chars(p.rand, HEX, 16)}`,
        state: { code: 16, name: 'running' },
        privateIpAddress: `10.${int(p.rand, 0, 255)}.${int(p.rand, 0, 255)}.${int(p.rand, 1, 254)}`,
        ebsOptimized: p.rand() < 0.7,
        metadataOptions: { httpTokens: p.rand() < 0.6 ? 'required' : 'optional', httpEndpoint: 'enabled' },
        launchTime: iso(created),
      },
      supplementary: {},
    };
  },
  'AWS::EC2::Volume': (p, created) => {
    const id = `vol-0${chars(p.rand, HEX, 16)}`;
    return {
      id,
      name: null,
      arn: `arn:aws:ec2:${p.region}:${p.account}:volume/${id}`,
      az: az(p),
      configuration: {
        volumeId: id,
        size: pick(p.rand, [8, 20, 50, 100, 200, 500]),
        volumeType: pick(p.rand, ['gp3', 'gp3', 'gp2', 'io2']),
        encrypted: p.rand() < 0.7,
        state: 'available',
        createTime: iso(created),
        attachments: [],
      },
      supplementary: {},
    };
  },
  'AWS::EC2::SecurityGroup': (p) => {
    const id = `sg-0${chars(p.rand, HEX, 16)}`;
    const name = unique(p, () => `${p.team}-${pick(p.rand, SERVICES)}-sg`);
    const port = pick(p.rand, [22, 443, 3389, 5432, 8080]);
    return {
      id,
      name,
      arn: `arn:aws:ec2:${p.region}:${p.account}:security-group/${id}`,
      az: 'Not Applicable',
      configuration: {
        groupId: id,
        groupName: name,
        description: `${name} managed by terraform`,
        vpcId: `vpc-0${chars(p.rand, HEX, 16)}`,
        ownerId: p.account,
        ipPermissions: [
          {
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            ipv4Ranges: [{ cidrIp: p.rand() < 0.25 ? '0.0.0.0/0' : '10.0.0.0/8' }],
          },
        ],
        ipPermissionsEgress: [{ ipProtocol: '-1', ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }] }],
      },
      supplementary: {},
    };
  },
  'AWS::EC2::EIP': (p) => {
    const id = `eipalloc-0${chars(p.rand, HEX, 16)}`;
    return {
      id,
      name: null,
      arn: `arn:aws:ec2:${p.region}:${p.account}:eip-allocation/${id}`,
      az: 'Not Applicable',
      configuration: {
        allocationId: id,
        publicIp: `${int(p.rand, 3, 54)}.${int(p.rand, 0, 255)}.${int(p.rand, 0, 255)}.${int(p.rand, 1, 254)}`,
        domain: 'vpc',
      },
      supplementary: {},
    };
  },
  'AWS::S3::Bucket': (p, created) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, PURPOSES)}-${int(p.rand, 1, 9999)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:s3:::${name}`,
      az: 'Regional',
      configuration: { name, owner: { id: chars(p.rand, HEX, 64) }, creationDate: iso(created) },
      supplementary: {
        BucketVersioningConfiguration: { status: p.rand() < 0.6 ? 'Enabled' : 'Off' },
        PublicAccessBlockConfiguration: {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: p.rand() < 0.8,
          restrictPublicBuckets: true,
        },
        ServerSideEncryptionConfiguration: {
          rules: [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: pick(p.rand, ['AES256', 'aws:kms']) } },
          ],
        },
      },
    };
  },
  'AWS::IAM::User': (p, created) => {
    const name = unique(p, () => `${pick(p.rand, ['ci', 'svc', 'legacy', 'deploy', 'backup'])}-${p.team}`);
    const id = `AIDA${chars(p.rand, UPPER_ALNUM, 17)}`;
    return {
      id,
      name,
      arn: `arn:aws:iam::${p.account}:user/${name}`,
      awsRegion: 'global',
      az: 'Not Applicable',
      configuration: {
        path: '/',
        userName: name,
        userId: id,
        arn: `arn:aws:iam::${p.account}:user/${name}`,
        createDate: iso(created),
        userPolicyList: [],
        groupList: p.rand() < 0.5 ? ['developers'] : [],
        attachedManagedPolicies: [],
      },
      supplementary: {},
    };
  },
  'AWS::IAM::Policy': (p, created) => {
    const name = unique(p, () => `${p.team}-${pick(p.rand, SERVICES)}-policy`);
    const id = `ANPA${chars(p.rand, UPPER_ALNUM, 17)}`;
    const admin = p.rand() < 0.2;
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        admin
          ? { Effect: 'Allow', Action: '*', Resource: '*' }
          : { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${p.team}-*/*` },
      ],
    });
    return {
      id,
      name,
      arn: `arn:aws:iam::${p.account}:policy/${name}`,
      awsRegion: 'global',
      az: 'Not Applicable',
      configuration: {
        policyName: name,
        policyId: id,
        arn: `arn:aws:iam::${p.account}:policy/${name}`,
        path: '/',
        defaultVersionId: 'v1',
        attachmentCount: int(p.rand, 0, 4),
        isAttachable: true,
        createDate: iso(created),
        policyVersionList: [{ document: encodeURIComponent(doc), versionId: 'v1', isDefaultVersion: true }],
      },
      supplementary: {},
    };
  },
  'AWS::RDS::DBInstance': (p, created) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, ['db', 'pg', 'mysql', 'reporting'])}`);
    const id = `db-${chars(p.rand, UPPER_ALNUM, 26)}`;
    const arn = `arn:aws:rds:${p.region}:${p.account}:db:${name}`;
    return {
      id,
      name,
      arn,
      az: az(p),
      configuration: {
        dBInstanceIdentifier: name,
        dBInstanceClass: pick(p.rand, ['db.t4g.medium', 'db.r6g.large', 'db.m6i.xlarge']),
        engine: pick(p.rand, ['postgres', 'mysql']),
        dBInstanceStatus: 'available',
        multiAZ: p.rand() < 0.5,
        storageEncrypted: p.rand() < 0.8,
        publiclyAccessible: p.rand() < 0.1,
        backupRetentionPeriod: pick(p.rand, [0, 7, 14, 35]),
        deletionProtection: p.rand() < 0.5,
        dbiResourceId: id,
        dBInstanceArn: arn,
        instanceCreateTime: iso(created),
      },
      supplementary: {},
    };
  },
  'AWS::RDS::DBCluster': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-aurora-${int(p.rand, 1, 9)}`);
    const id = `cluster-${chars(p.rand, UPPER_ALNUM, 26)}`;
    const arn = `arn:aws:rds:${p.region}:${p.account}:cluster:${name}`;
    return {
      id,
      name,
      arn,
      az: 'Multiple Availability Zones',
      configuration: {
        dBClusterIdentifier: name,
        engine: 'aurora-postgresql',
        engineVersion: '15.4',
        status: 'available',
        storageEncrypted: p.rand() < 0.85,
        deletionProtection: p.rand() < 0.5,
        dbClusterResourceId: id,
        dBClusterArn: arn,
      },
      supplementary: {},
    };
  },
  'AWS::RDS::DBSnapshot': (p, created) => {
    const name = unique(p, () => `${p.team}-${p.env}-db-manual-${int(p.rand, 100, 999)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:rds:${p.region}:${p.account}:snapshot:${name}`,
      az: az(p),
      configuration: {
        dBSnapshotIdentifier: name,
        snapshotCreateTime: iso(created),
        engine: 'postgres',
        snapshotType: 'manual',
        encrypted: p.rand() < 0.8,
      },
      supplementary: { DBSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [] }] },
    };
  },
  'AWS::RDS::DBClusterSnapshot': (p, created) => {
    const name = unique(p, () => `${p.team}-${p.env}-aurora-manual-${int(p.rand, 100, 999)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:rds:${p.region}:${p.account}:cluster-snapshot:${name}`,
      az: 'Multiple Availability Zones',
      configuration: {
        dBClusterSnapshotIdentifier: name,
        snapshotCreateTime: iso(created),
        engine: 'aurora-postgresql',
        snapshotType: 'manual',
        storageEncrypted: p.rand() < 0.8,
      },
      supplementary: { DBClusterSnapshotAttributes: [{ attributeName: 'restore', attributeValues: [] }] },
    };
  },
  'AWS::CloudFront::Distribution': (p) => {
    const id = `E${chars(p.rand, UPPER_ALNUM, 13)}`;
    return {
      id,
      name: null,
      arn: `arn:aws:cloudfront::${p.account}:distribution/${id}`,
      awsRegion: 'global',
      az: 'Not Applicable',
      configuration: {
        domainName: `d${chars(p.rand, LOWER_ALNUM, 13)}.cloudfront.net`,
        distributionConfig: {
          enabled: true,
          comment: `${p.team} ${p.env} web`,
          defaultCacheBehavior: {
            viewerProtocolPolicy: pick(p.rand, ['redirect-to-https', 'https-only', 'allow-all']),
          },
        },
      },
      supplementary: {},
    };
  },
  'AWS::Lambda::Function': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, SERVICES)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:lambda:${p.region}:${p.account}:function:${name}`,
      az: 'Not Applicable',
      configuration: {
        functionName: name,
        functionArn: `arn:aws:lambda:${p.region}:${p.account}:function:${name}`,
        runtime: pick(p.rand, ['nodejs20.x', 'python3.12', 'java21']),
        handler: 'index.handler',
        memorySize: pick(p.rand, [128, 256, 512, 1024]),
        timeout: pick(p.rand, [3, 30, 60, 900]),
        role: `arn:aws:iam::${p.account}:role/${name}-role`,
      },
      supplementary: {},
    };
  },
  'AWS::ElasticLoadBalancing::LoadBalancer': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-classic-${int(p.rand, 1, 9)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:elasticloadbalancing:${p.region}:${p.account}:loadbalancer/${name}`,
      az: 'Multiple Availability Zones',
      configuration: {
        loadBalancerName: name,
        dNSName: `${name}-${int(p.rand, 100000000, 999999999)}.${p.region}.elb.amazonaws.com`,
        scheme: 'internet-facing',
      },
      supplementary: { LoadBalancerAttributes: { accessLog: { enabled: p.rand() < 0.5 } } },
    };
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, ['alb', 'web', 'internal'])}`);
    const arn = `arn:aws:elasticloadbalancing:${p.region}:${p.account}:loadbalancer/app/${name}/${chars(p.rand, HEX, 16)}`;
    return {
      id: arn,
      name,
      arn,
      az: 'Multiple Availability Zones',
      configuration: {
        loadBalancerArn: arn,
        loadBalancerName: name,
        dNSName: `${name}-${int(p.rand, 100000000, 999999999)}.${p.region}.elb.amazonaws.com`,
        scheme: pick(p.rand, ['internet-facing', 'internal']),
        type: 'application',
        availabilityZones: [{ zoneName: `${p.region}a` }, { zoneName: `${p.region}b` }],
      },
      supplementary: {
        LoadBalancerAttributes: [
          { key: 'deletion_protection.enabled', value: String(p.rand() < 0.5) },
          { key: 'access_logs.s3.enabled', value: String(p.rand() < 0.5) },
        ],
      },
    };
  },
  'AWS::ECR::Repository': (p) => {
    const name = unique(p, () => `${p.team}/${pick(p.rand, SERVICES)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:ecr:${p.region}:${p.account}:repository/${name}`,
      az: 'Regional',
      configuration: {
        RepositoryName: name,
        Arn: `arn:aws:ecr:${p.region}:${p.account}:repository/${name}`,
        ImageScanningConfiguration: { ScanOnPush: p.rand() < 0.6 },
        ImageTagMutability: pick(p.rand, ['MUTABLE', 'IMMUTABLE']),
      },
      supplementary: {},
    };
  },
  'AWS::DynamoDB::Table': (p, created) => {
    const name = unique(
      p,
      () => `${p.team}-${p.env}-${pick(p.rand, ['sessions', 'events', 'orders', 'locks', 'state'])}`,
    );
    return {
      id: name,
      name,
      arn: `arn:aws:dynamodb:${p.region}:${p.account}:table/${name}`,
      az: 'Regional',
      configuration: {
        tableName: name,
        tableArn: `arn:aws:dynamodb:${p.region}:${p.account}:table/${name}`,
        tableStatus: 'ACTIVE',
        billingModeSummary: { billingMode: pick(p.rand, ['PAY_PER_REQUEST', 'PROVISIONED']) },
        deletionProtectionEnabled: p.rand() < 0.4,
        creationDateTime: iso(created),
      },
      supplementary: {
        ContinuousBackupsDescription: {
          pointInTimeRecoveryDescription: {
            pointInTimeRecoveryStatus: p.rand() < 0.6 ? 'ENABLED' : 'DISABLED',
          },
        },
      },
    };
  },
  'AWS::AutoScaling::AutoScalingGroup': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, SERVICES)}-asg`);
    const arn = `arn:aws:autoscaling:${p.region}:${p.account}:autoScalingGroup:${uuid(p.rand)}:autoScalingGroupName/${name}`;
    return {
      id: arn,
      name,
      arn,
      az: 'Multiple Availability Zones',
      configuration: {
        autoScalingGroupName: name,
        autoScalingGroupARN: arn,
        minSize: 1,
        maxSize: int(p.rand, 2, 10),
        desiredCapacity: int(p.rand, 1, 2),
        healthCheckType: pick(p.rand, ['ELB', 'EC2']),
      },
      supplementary: {},
    };
  },
  'AWS::EFS::FileSystem': (p) => {
    const id = `fs-0${chars(p.rand, HEX, 16)}`;
    const arn = `arn:aws:elasticfilesystem:${p.region}:${p.account}:file-system/${id}`;
    return {
      id,
      name: null,
      arn,
      az: 'Regional',
      configuration: {
        FileSystemId: id,
        Arn: arn,
        Encrypted: p.rand() < 0.8,
        PerformanceMode: 'generalPurpose',
        ThroughputMode: 'elastic',
      },
      supplementary: {},
    };
  },
  'AWS::Backup::BackupPlan': (p) => {
    const id = uuid(p.rand);
    const name = unique(p, () => `${p.team}-${pick(p.rand, ['daily', 'weekly', 'critical'])}-backups`);
    return {
      id,
      name,
      arn: `arn:aws:backup:${p.region}:${p.account}:backup-plan:${id}`,
      az: 'Not Applicable',
      configuration: {
        BackupPlanId: id,
        BackupPlanName: name,
        Rules: [
          {
            RuleName: 'daily',
            ScheduleExpression: 'cron(0 5 ? * * *)',
            Lifecycle: { DeleteAfterDays: pick(p.rand, [7, 35, 90]) },
          },
        ],
      },
      supplementary: {},
    };
  },
  'AWS::Backup::BackupVault': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-vault-${int(p.rand, 1, 9)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:backup:${p.region}:${p.account}:backup-vault:${name}`,
      az: 'Not Applicable',
      configuration: { BackupVaultName: name, NumberOfRecoveryPoints: int(p.rand, 0, 400) },
      supplementary: {},
    };
  },
  'AWS::ElastiCache::CacheCluster': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-cache-${int(p.rand, 1, 9)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:elasticache:${p.region}:${p.account}:cluster:${name}`,
      az: az(p),
      configuration: {
        cacheClusterId: name,
        engine: 'redis',
        cacheNodeType: pick(p.rand, ['cache.t4g.small', 'cache.r6g.large']),
        numCacheNodes: 1,
        snapshotRetentionLimit: pick(p.rand, [0, 1, 7]),
      },
      supplementary: {},
    };
  },
  'AWS::ElastiCache::ReplicationGroup': (p) => {
    const name = unique(p, () => `${p.team}-${p.env}-redis-${int(p.rand, 1, 9)}`);
    return {
      id: name,
      name,
      arn: `arn:aws:elasticache:${p.region}:${p.account}:replicationgroup:${name}`,
      az: 'Multiple Availability Zones',
      configuration: {
        replicationGroupId: name,
        status: 'available',
        automaticFailover: 'enabled',
        snapshotRetentionLimit: pick(p.rand, [0, 1, 7]),
        atRestEncryptionEnabled: p.rand() < 0.8,
      },
      supplementary: {},
    };
  },
  'AWS::CloudFormation::Stack': (p, created) => {
    const name = unique(p, () => `${p.team}-${p.env}-${pick(p.rand, [...SERVICES, 'network', 'iam'])}`);
    const arn = `arn:aws:cloudformation:${p.region}:${p.account}:stack/${name}/${uuid(p.rand)}`;
    return {
      id: arn,
      name,
      arn,
      az: 'Regional',
      configuration: {
        stackId: arn,
        stackName: name,
        stackStatus: pick(p.rand, ['CREATE_COMPLETE', 'UPDATE_COMPLETE']),
        enableTerminationProtection: p.rand() < 0.4,
        creationTime: iso(created),
      },
      supplementary: {},
    };
  },
  'AWS::KMS::Key': (p, created) => {
    const id = uuid(p.rand);
    const arn = `arn:aws:kms:${p.region}:${p.account}:key/${id}`;
    return {
      id,
      name: null,
      arn,
      az: 'Regional',
      configuration: {
        keyId: id,
        arn,
        keyState: 'Enabled',
        keyUsage: 'ENCRYPT_DECRYPT',
        keyManager: 'CUSTOMER',
        keySpec: 'SYMMETRIC_DEFAULT',
        description: `${p.team} ${p.env} data key`,
        creationDate: iso(created),
      },
      supplementary: {},
    };
  },
};

/** For resource types a future catalog adds: a plausible generic shape. */
function genericShape(type: string, p: ResourceContext): Shape {
  const [, service = 'unknown', kind = 'Resource'] = type.split('::');
  const id = `${kind.toLowerCase()}-${chars(p.rand, HEX, 17)}`;
  return {
    id,
    name: null,
    arn: `arn:aws:${service.toLowerCase()}:${p.region}:${p.account}:${kind.toLowerCase()}/${id}`,
    az: 'Regional',
    configuration: { id },
    supplementary: {},
  };
}

/** How common each type is in an account; unknown types weigh 1. */
const TYPE_WEIGHTS: Record<string, number> = {
  'AWS::EC2::SecurityGroup': 3,
  'AWS::EC2::Volume': 3,
  'AWS::EC2::Instance': 3,
  'AWS::S3::Bucket': 1,
  'AWS::Lambda::Function': 2.5,
  'AWS::CloudFormation::Stack': 2.5,
  'AWS::KMS::Key': 1.5,
  'AWS::DynamoDB::Table': 1.5,
  'AWS::IAM::Policy': 2,
  'AWS::IAM::User': 1.5,
  'AWS::RDS::DBInstance': 0.8,
  'AWS::RDS::DBSnapshot': 0.7,
  'AWS::RDS::DBClusterSnapshot': 0.3,
  'AWS::RDS::DBCluster': 0.5,
  'AWS::ECR::Repository': 1.2,
  'AWS::EC2::EIP': 0.8,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
  'AWS::ElasticLoadBalancing::LoadBalancer': 0.3,
  'AWS::AutoScaling::AutoScalingGroup': 1,
  'AWS::EFS::FileSystem': 0.5,
  'AWS::Backup::BackupPlan': 0.5,
  'AWS::Backup::BackupVault': 0.5,
  'AWS::ElastiCache::CacheCluster': 0.4,
  'AWS::ElastiCache::ReplicationGroup': 0.4,
  'AWS::CloudFront::Distribution': 0.6,
};

const ENV_TAG_VALUES: Record<string, [string, string]> = {
  prod: ['Production', 'prod'],
  staging: ['Staging', 'stg'],
  dev: ['Development', 'dev'],
  test: ['Test', 'test'],
  sandbox: ['Sandbox', 'sbx'],
  shared: ['Shared', 'shared'],
};

/** `payments-prod-2` → team `payments`, env `prod`; `sandbox-alice` → `alice`, `sandbox`. */
function teamAndEnv(name: string): { team: string; env: string } {
  const parts = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .split('-')
    .filter((s) => s && !/^\d+$/.test(s));
  const envIndex = parts.findIndex((s) => s in ENV_TAG_VALUES);
  const env = envIndex >= 0 ? (parts[envIndex] as string) : 'shared';
  const team = parts.filter((_, i) => i !== envIndex).join('-') || 'core';
  return { team, env };
}

// ---------------------------------------------------------------------------------------------
// One account/region: its resources (stable for the whole period) and its evaluation slots.

interface Slot {
  rule: RuleTarget;
  /** The member rule's name, id and ARN in this account/region. */
  ruleJson: (complianceType: ComplianceType) => string;
  /** Stable draw deciding compliance: compliant when below the day's probability. */
  u: number;
  notApplicable: boolean;
}

interface EvaluatedTarget {
  type: string;
  id: string;
  resourceName: string | null;
  slots: Slot[];
}

interface AccountRegion {
  account: OrgAccount;
  region: string;
  /** Resource items as JSON text, the same every day. */
  resourceJson: string[];
  targets: EvaluatedTarget[];
  /** Minutes after midnight of the daily delivery. */
  baseMinute: number;
  /** The rules running here. */
  rules: RuleTarget[];
  home: boolean;
  /** Where the resources came from (its names taken), without its random stream. */
  context: Omit<ResourceContext, 'rand'>;
}

/**
 * The resource types of one account/region: every region has a default security group and a
 * volume, the home region a bucket; then types that the rules evaluate and Config records there,
 * drawn by weight, up to a count that depends on the region.
 */
function chooseTypes(rules: RuleTarget[], p: ResourceContext, home: boolean, configured: boolean): string[] {
  const { rand } = p;
  const { types, pickType } = typeDraw(rules, p, home);

  const chosen = ['AWS::EC2::SecurityGroup', 'AWS::EC2::Volume', ...(home ? ['AWS::S3::Bucket'] : [])].filter(
    (t) => types.includes(t),
  );
  const count = configured
    ? home
      ? 10 + Math.floor(21 * rand() ** 3)
      : 8 + Math.floor(23 * rand() ** 3.5)
    : int(rand, 8, 12);
  while (chosen.length < count && types.length) chosen.push(pickType());
  return chosen;
}

/**
 * The resource types the rules evaluate that Config records in this region (IAM in the home region
 * only, CloudFront in us-east-1 only), sorted, and a draw among them by TYPE_WEIGHTS.
 */
function typeDraw(
  rules: RuleTarget[],
  p: ResourceContext,
  home: boolean,
): { types: string[]; pickType: () => string } {
  const { rand, region } = p;
  const recordable = (t: string) =>
    t !== ACCOUNT_RESOURCE_TYPE &&
    (isIamType(t) ? home : t === 'AWS::CloudFront::Distribution' ? region === 'us-east-1' : true);
  const types = [...new Set(rules.flatMap((r) => r.types))].filter(recordable).sort();
  const weights = types.map((t) => TYPE_WEIGHTS[t] ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickType = (): string => {
    let x = rand() * total;
    for (let i = 0; i < types.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return types[i] as string;
    }
    return types.at(-1) as string;
  };
  return { types, pickType };
}

/** A resource's configuration item as JSON text, captured some time after it was created. */
function resourceItemJson(r: Resource, p: ResourceContext): string {
  const { rand } = p;
  const ok = rand() < 0.9;
  const capture = ok ? r.created + Math.floor(rand() * Math.max(0, p.to - r.created)) : r.created;
  return JSON.stringify(
    item({
      capture,
      account: p.account,
      status: ok ? 'OK' : 'ResourceDiscovered',
      type: r.type,
      id: r.id,
      name: r.name,
      arn: r.arn,
      awsRegion: r.awsRegion,
      az: r.az,
      configuration: r.configuration,
      supplementary: r.supplementary,
      tags: r.tags,
      relationships: r.relationships,
      created: iso(r.created),
    }),
  );
}

/**
 * The member rule a rule became in one account/region (its name, id and ARN, stable from the
 * seed) as the start of an evaluation's JSON, completed by the compliance type.
 */
function memberRuleJson(
  seed: number,
  account: string,
  region: string,
  rule: RuleTarget,
): (t: ComplianceType) => string {
  const r = rng(seed, 'member', account, region, rule.name);
  const id = `config-rule-${chars(r, LOWER_ALNUM, 6)}`;
  const suffix = chars(r, LOWER_ALNUM, 8);
  const name =
    rule.source === 'catalog'
      ? `OrgConfigRule-${rule.name}-${suffix}`
      : rule.source === 'control-tower'
        ? rule.name
        : `${rule.name}${suffix}`;
  const head = JSON.stringify({
    configRuleArn: `arn:aws:config:${region}:${account}:config-rule/${id}`,
    configRuleId: id,
    configRuleName: name,
  }).slice(0, -1);
  return (t) => `${head},"complianceType":"${t}"}`;
}

// ---------------------------------------------------------------------------------------------
// The generator: chooses the special cases, then produces each account/region/day's files.

class World {
  readonly scenario: SnapshotScenario;
  private readonly catalog: RuleTarget[];
  private readonly dates: string[];
  private readonly delivering: OrgAccount[];
  private readonly extraRegion: string | undefined;
  private readonly firstDayMs: number;

  constructor(private readonly o: SnapshotOptions) {
    if (!Number.isInteger(o.days) || o.days < 1)
      throw new Error(`days must be a positive integer, got ${o.days}`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.until) || Number.isNaN(Date.parse(`${o.until}T00:00:00Z`)))
      throw new Error(`until must be a date YYYY-MM-DD, got '${o.until}'`);
    this.catalog = catalogTargets(o.rules, o.seed);
    this.dates = Array.from({ length: o.days }, (_, i) => addDays(o.until, i - o.days + 1));
    this.firstDayMs = Date.parse(`${this.dates[0]}T00:00:00Z`);
    this.delivering = o.organization.accounts.filter((a) => DELIVERING_STATES.has(a.state));
    const extra = o.extraRegion ?? 'ap-southeast-2';
    this.extraRegion = o.org.regions.includes(extra) ? undefined : extra;
    this.scenario = this.chooseScenario();
  }

  private chooseScenario(): SnapshotScenario {
    const { o, dates } = this;
    const first = dates[0] as string;
    const byHash = (key: string, xs: OrgAccount[]) =>
      [...xs].sort(
        (a, b) => hash01(o.seed, key, a.id) - hash01(o.seed, key, b.id) || a.id.localeCompare(b.id),
      );
    // Accounts that deliver every day make the clearest special cases.
    const steady = this.delivering.filter((a) => a.state === 'ACTIVE' && !(a.joined > first));
    const pool = byHash('feature', steady.length ? steady : this.delivering);
    const nth = (i: number) => (pool.length ? (pool[i % pool.length] as OrgAccount).id : undefined);
    const others = o.org.regions.filter((r) => r !== o.org.homeRegion);
    const scenario: SnapshotScenario = {
      extraRegionAccounts: [],
      excludeTagAccounts: [],
      securityHubAccounts: [],
      conformancePackAccounts: [],
      controlTowerAccounts: [],
      hardRules: this.catalog.filter((r) => r.hard).map((r) => r.name),
    };
    const doubled = nth(0);
    if (doubled)
      scenario.doubled = {
        account: doubled,
        region: o.org.homeRegion,
        date: dates[Math.max(0, dates.length - 2)] as string,
      };
    const stale = nth(1);
    if (stale) scenario.stale = { account: stale, region: others.at(-1) ?? o.org.homeRegion };
    const gap = nth(2);
    if (gap && dates.length >= 3)
      scenario.gap = {
        account: gap,
        region: others[0] ?? o.org.homeRegion,
        date: dates[Math.floor(dates.length / 2)] as string,
      };
    if (this.extraRegion) {
      scenario.extraRegion = this.extraRegion;
      scenario.extraRegionAccounts = [...new Set([nth(3), nth(4)].filter((a) => a !== undefined))];
    }
    // The sixth of the pool, so no other special case lands on it (nth(0)…nth(4) are theirs);
    // none in an organization too small to spare one.
    const never = pool[5]?.id;
    if (never) scenario.neverDelivered = { account: never };
    // Only accounts with files can carry the features below.
    const sending = this.delivering.filter((a) => a.id !== never);
    const ids = sending.map((a) => a.id);
    if (o.org.compliance.excludeTag) {
      const count = Math.max(2, Math.ceil(ids.length * 0.05));
      scenario.excludeTagAccounts = byHash('exclude', sending)
        .slice(0, count)
        .map((a) => a.id);
    }
    const some = (key: string, share: number) =>
      ids.filter((id) => id === doubled || hash01(o.seed, key, id) < share);
    scenario.securityHubAccounts = some('securityhub', 0.5);
    scenario.conformancePackAccounts = some('conformance', 0.3);
    scenario.controlTowerAccounts = some('controltower', 0.6);
    if (o.large) scenario.large = this.chooseLarge(o.large, scenario, steady, byHash);
    return scenario;
  }

  /** The large account/region and its days; the default account is one with no other special case. */
  private chooseLarge(
    large: LargeAccountOptions,
    scenario: SnapshotScenario,
    steady: OrgAccount[],
    byHash: (key: string, xs: OrgAccount[]) => OrgAccount[],
  ): LargeAccount {
    const { o, dates } = this;
    const { resources, days = 1 } = large;
    if (!Number.isInteger(resources) || resources < 1)
      throw new Error(`large.resources must be a positive integer, got ${resources}`);
    if (!Number.isInteger(days) || days < 1)
      throw new Error(`large.days must be a positive integer, got ${days}`);
    const special = new Set(
      [scenario.stale, scenario.gap, scenario.doubled, scenario.neverDelivered].map((c) => c?.account),
    );
    let account = large.account;
    if (account === undefined) {
      account = byHash('large', steady).find((a) => !special.has(a.id))?.id;
      if (account === undefined) throw new Error('large: no active account without another special case');
    } else if (
      !this.delivering.some((a) => a.id === account) ||
      scenario.neverDelivered?.account === account
    ) {
      throw new Error(`large.account ${account} delivers no snapshot files`);
    }
    const region = large.region ?? o.org.homeRegion;
    const recorded =
      o.org.regions.includes(region) ||
      (region === this.extraRegion && scenario.extraRegionAccounts.includes(account));
    if (!recorded) throw new Error(`large.region ${region}: account ${account} records no snapshots there`);
    return { account, region, days: Math.min(days, dates.length), dates: dates.slice(-days), resources };
  }

  /** Every file, in a fixed order, produced lazily. */
  *files(): Generator<FileJob> {
    const regions = [...this.o.org.regions, ...(this.extraRegion ? [this.extraRegion] : [])];
    for (const account of this.delivering) {
      for (const region of regions) {
        if (region === this.extraRegion && !this.scenario.extraRegionAccounts.includes(account.id)) continue;
        const days = this.dates.filter((d) => this.delivers(account, region, d));
        if (!days.length) continue;
        const place = this.place(account, region);
        const large = this.scenario.large;
        const largeHere = large?.account === account.id && large.region === region ? large : undefined;
        for (const date of days)
          yield* this.day(place, date, largeHere?.dates.includes(date) ? largeHere : undefined);
      }
    }
  }

  private delivers(account: OrgAccount, region: string, date: string): boolean {
    const before = Math.round(
      (Date.parse(`${this.o.until}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / DAY_MS,
    );
    if (account.joined > date) return false;
    if (account.state === 'SUSPENDED' && before <= SUSPENDED_SILENT_DAYS) return false;
    const { stale, gap, neverDelivered } = this.scenario;
    if (neverDelivered?.account === account.id) return false;
    if (stale && stale.account === account.id && stale.region === region && before < STALE_DAYS) return false;
    if (gap && gap.account === account.id && gap.region === region && gap.date === date) return false;
    return true;
  }

  /** The resources and evaluation slots of one account/region. */
  private place(account: OrgAccount, region: string): AccountRegion {
    const { o } = this;
    const home = region === o.org.homeRegion;
    const configured = o.org.regions.includes(region);
    const rand = rng(o.seed, 'resources', account.id, region);
    const { team, env } = teamAndEnv(account.name);
    const joinedMs = Date.parse(`${account.joined}T00:00:00Z`);
    const from = Math.max(Number.isNaN(joinedMs) ? 0 : joinedMs, this.firstDayMs - 700 * DAY_MS);
    const to = Math.max(from + DAY_MS, this.firstDayMs - DAY_MS);
    const p: ResourceContext = { account: account.id, region, team, env, rand, from, to, taken: new Set() };

    const rules = this.rulesRunning(account, region, home, configured);
    const resources = this.resources(p, chooseTypes(rules, p, home, configured), home);
    const resourceJson = resources.map((r) => resourceItemJson(r, p));
    const targets = this.evaluatedTargets(account, region, rules, resources, rand);
    const baseMinute = int(rand, 6 * 60, 13 * 60);
    const context = { account: account.id, region, team, env, from, to, taken: p.taken };
    return { account, region, resourceJson, targets, baseMinute, rules, home, context };
  }

  /**
   * Rules running in one account/region: the catalog in configured regions (home-only rules in
   * the home region, rules with a region list in those regions only), and the catalog's all-region
   * rules in the extra region, as a leftover deployment would; then the rules of other sources in
   * the accounts that have them.
   */
  private rulesRunning(
    account: OrgAccount,
    region: string,
    home: boolean,
    configured: boolean,
  ): RuleTarget[] {
    const rules = this.catalog.filter((r) => {
      if (r.excludedAccounts.has(account.id)) return false;
      if (r.onlyIn) return configured && r.onlyIn.has(region);
      return configured ? home || !r.homeOnly : !r.homeOnly;
    });
    for (const [rule, accounts] of [
      [OTHER_SOURCE_RULES[0], this.scenario.securityHubAccounts],
      [OTHER_SOURCE_RULES[1], this.scenario.conformancePackAccounts],
      [OTHER_SOURCE_RULES[2], this.scenario.controlTowerAccounts],
    ] as const) {
      if (rule && accounts.includes(account.id)) rules.push(rule);
    }
    return rules;
  }

  /** The resources of the chosen types, with their tags and relationships. */
  private resources(p: ResourceContext, chosen: string[], home: boolean): Resource[] {
    const resources: Resource[] = chosen.map((type, i) => {
      const created = when(p);
      const shape = (SHAPES[type] ?? ((q: ResourceContext) => genericShape(type, q)))(p, created);
      if (i === 0 && type === 'AWS::EC2::SecurityGroup') {
        shape.name = 'default';
        (shape.configuration as { groupName: string }).groupName = 'default';
        (shape.configuration as { description: string }).description = 'default VPC security group';
      }
      return {
        type,
        tags: this.tags(p, type),
        relationships: [],
        created,
        awsRegion: p.region,
        ...shape,
      };
    });
    this.relate(resources, p);
    this.specialTags(resources, p, home);
    return resources;
  }

  /** The account itself and each resource that some rule evaluates, with its evaluation slots. */
  private evaluatedTargets(
    account: OrgAccount,
    region: string,
    rules: RuleTarget[],
    resources: Resource[],
    rand: Rand,
  ): EvaluatedTarget[] {
    const { seed } = this.o;
    const members = new Map(rules.map((r) => [r, memberRuleJson(seed, account.id, region, r)]));
    const targets: EvaluatedTarget[] = [];
    const account1 = { type: ACCOUNT_RESOURCE_TYPE, id: account.id, name: null };
    for (const r of [account1, ...resources]) {
      const slots: Slot[] = [];
      for (const rule of rules) {
        if (!rule.types.includes(r.type)) continue;
        const h = rng(seed, 'eval', account.id, region, r.type, r.id, rule.name);
        slots.push({
          rule,
          ruleJson: members.get(rule) as (t: ComplianceType) => string,
          u: h(),
          notApplicable: h() < (r.type === ACCOUNT_RESOURCE_TYPE ? 0.12 : 0.03),
        });
      }
      if (!slots.length) continue;
      const targetId = `${r.type}/${r.id}`;
      targets.push({ type: r.type, id: r.id, resourceName: rand() < 0.5 ? targetId : null, slots });
    }
    return targets;
  }

  private tags(p: ResourceContext, type: string): Record<string, string> {
    const { rand } = p;
    if (type.startsWith('AWS::IAM::') ? rand() < 0.6 : rand() < 0.3) return {};
    const tags: Record<string, string> = {};
    const [envValue] = ENV_TAG_VALUES[p.env] ?? ['Shared'];
    if (rand() < 0.8) tags.Environment = envValue;
    if (rand() < 0.7) tags.Team = p.team;
    if (rand() < 0.5) tags.CostCenter = `cc-${int(rand, 1000, 9999)}`;
    if (rand() < 0.3) tags.Owner = `${p.team}@example.com`;
    if (rand() < 0.3) tags['aws:cloudformation:stack-name'] = `${p.team}-${p.env}-stack`;
    return tags;
  }

  /** Instances get volumes, security groups and addresses. */
  private relate(resources: Resource[], p: ResourceContext): void {
    const of = (t: string) => resources.filter((r) => r.type === t);
    const instances = of('AWS::EC2::Instance');
    const sgs = of('AWS::EC2::SecurityGroup');
    const link = (from: Resource, to: Resource, name: string) =>
      from.relationships.push({ resourceId: to.id, resourceName: to.name, resourceType: to.type, name });
    if (!instances.length) return;
    for (const vol of of('AWS::EC2::Volume')) {
      if (p.rand() < 0.25) continue;
      const inst = pick(p.rand, instances);
      link(vol, inst, 'Is attached to Instance');
      link(inst, vol, 'Is attached to Volume');
      vol.configuration.state = 'in-use';
      vol.configuration.attachments = [{ instanceId: inst.id, device: '/dev/xvda', state: 'attached' }];
      vol.az = inst.az;
    }
    for (const inst of instances) {
      const sg = sgs.length ? pick(p.rand, sgs) : undefined;
      if (sg) {
        link(inst, sg, 'Is associated with SecurityGroup');
        link(sg, inst, 'Is associated with Instance');
      }
    }
    for (const eip of of('AWS::EC2::EIP')) {
      if (p.rand() < 0.3) continue;
      const inst = pick(p.rand, instances);
      eip.configuration.instanceId = inst.id;
      link(eip, inst, 'Is attached to Instance');
    }
  }

  /** Case-differing Environment tags (on one resource per account and a few more) and the exclusion tag. */
  private specialTags(resources: Resource[], p: ResourceContext, home: boolean): void {
    const taggable = resources.filter((r) => r.name !== 'default');
    const caseTarget = home
      ? (resources.find((r) => r.type === 'AWS::S3::Bucket') ?? taggable[0])
      : p.rand() < 0.2
        ? pick(p.rand, taggable)
        : undefined;
    if (caseTarget) {
      const [upper, lower] = ENV_TAG_VALUES[p.env] ?? ['Shared', 'shared'];
      caseTarget.tags = { ...caseTarget.tags, Environment: upper, environment: lower };
    }
    const exclude = this.o.org.compliance.excludeTag;
    if (exclude && this.scenario.excludeTagAccounts.includes(p.account) && (home || p.rand() < 0.4)) {
      const n = home ? int(p.rand, 1, 2) : 1;
      const marked = new Set<Resource>();
      while (marked.size < Math.min(n, resources.length)) marked.add(pick(p.rand, resources));
      for (const r of marked) r.tags = { ...r.tags, [exclude.key]: exclude.value };
    }
  }

  /** The file(s) of one account/region/day; with `large`, built only when written. */
  private *day(place: AccountRegion, date: string, large: LargeAccount | undefined): Generator<FileJob> {
    const { o } = this;
    const { account, region } = place;
    const before = Math.round(
      (Date.parse(`${o.until}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / DAY_MS,
    );
    const rand = rng(o.seed, 'day', account.id, region, date);
    const midnight = Date.parse(`${date}T00:00:00Z`);
    const stampMs = midnight + (place.baseMinute + int(rand, 0, 50)) * 60_000 + int(rand, 0, 59_999);

    // Account maturity: about 40%..97% compliant; failures were a little more frequent in the past.
    const maturity = 0.42 + 0.56 * hash01(o.seed, 'maturity', account.id) ** 0.6;
    const failure = (1 - maturity) * (1 + 0.006 * Math.min(before, 90));
    const results = place.targets.map((t) => t.slots.map((s) => resultOf(s, failure, rand)));

    const evaluated = stampMs - int(rand, 10, 50) * 60_000;
    const build = (res: ComplianceType[][], evalMs: number, id: string) => {
      const items = [...place.resourceJson];
      place.targets.forEach((t, i) => {
        items.push(complianceJson(place, t, res[i] as ComplianceType[], evalMs + i * 7));
      });
      return `{"fileVersion":"1.0","configSnapshotId":"${id}","configurationItems":[${items.join(',')}]}`;
    };
    const job = (key: string, res: ComplianceType[][], evalMs: number, id: string): FileJob =>
      large
        ? {
            key,
            parts: () =>
              jsonParts(
                `{"fileVersion":"1.0","configSnapshotId":"${id}","configurationItems":[`,
                this.largeFileItems(place, large, date, failure, res, evalMs),
                ']}',
              ),
          }
        : { key, json: build(res, evalMs, id) };

    const doubled =
      hash01(o.seed, 'doubled', account.id, region, date) < 0.04 ||
      (this.scenario.doubled?.account === account.id &&
        this.scenario.doubled.region === region &&
        this.scenario.doubled.date === date);
    if (doubled) {
      // An earlier delivery the same day, before someone fixed one finding.
      const earlierMs = stampMs - int(rand, 60, 300) * 60_000;
      const earlier = results.map((r) => [...r]);
      const fixable: [number, number][] = [];
      earlier.forEach((r, i) => {
        r.forEach((c, j) => {
          if (c === 'COMPLIANT') fixable.push([i, j]);
        });
      });
      if (fixable.length) {
        const [i, j] = pick(rand, fixable);
        (earlier[i] as ComplianceType[])[j] = 'NON_COMPLIANT';
      }
      const id = uuid(rand);
      const key = snapshotKey(o.org, account.id, region, date, stampOf(earlierMs), id);
      yield job(key, earlier, earlierMs - 20 * 60_000, id);
    }
    const id = uuid(rand);
    yield job(snapshotKey(o.org, account.id, region, date, stampOf(stampMs), id), results, evaluated, id);
  }

  /**
   * A large file's items: the account/region's own items, as any other day's file has them, with
   * the large account's resources after the others and their compliance items last.
   */
  private *largeFileItems(
    place: AccountRegion,
    large: LargeAccount,
    date: string,
    failure: number,
    res: ComplianceType[][],
    evalMs: number,
  ): Generator<string> {
    const { account, region } = place;
    yield* place.resourceJson;
    for (const batch of this.largeBatches(place, large, true)) for (const r of batch) yield r.json as string;
    for (const [i, t] of place.targets.entries()) {
      yield complianceJson(place, t, res[i] as ComplianceType[], evalMs + i * 7);
    }
    const dayRand = rng(this.o.seed, 'large-day', account.id, region, date);
    let n = place.targets.length;
    for (const batch of this.largeBatches(place, large, false)) {
      for (const { target } of batch) {
        const results = target.slots.map((s) => resultOf(s, failure, dayRand));
        // Evaluated within ten minutes after the account's other results.
        yield complianceJson(place, target, results, evalMs + ((n++ * 7) % 600_000));
      }
    }
  }

  /**
   * The large account/region's extra resources, batch by batch, each with its evaluation slots: the
   * same resources every day and on every pass (from their own random streams, so nothing else
   * moves), related within their batch. With `items`, each one's configuration item as JSON too.
   */
  private *largeBatches(
    place: AccountRegion,
    large: LargeAccount,
    items: boolean,
  ): Generator<{ json?: string; target: EvaluatedTarget }[]> {
    const { seed } = this.o;
    const { account, region } = place;
    const rand = rng(seed, 'large', account.id, region);
    // Capture times draw from their own stream, so a pass without the items draws the same resources.
    const itemContext = { ...place.context, rand: rng(seed, 'large-items', account.id, region) };
    const p: ResourceContext = {
      ...place.context,
      rand,
      taken: new Set(place.context.taken),
      suffixes: new Map(),
    };
    const { types, pickType } = typeDraw(place.rules, p, place.home);
    if (!types.length)
      throw new Error(`large: no rule running in ${account.id} ${region} evaluates a resource`);
    const slotsOf = new Map(
      types.map((t) => [
        t,
        place.rules
          .filter((r) => r.types.includes(t))
          .map((r) => ({ rule: r, ruleJson: memberRuleJson(seed, account.id, region, r) })),
      ]),
    );
    for (let done = 0; done < large.resources; ) {
      const size = Math.min(LARGE_BATCH, large.resources - done);
      done += size;
      const resources = Array.from({ length: size }, (): Resource => {
        const type = pickType();
        const created = when(p);
        const shape = (SHAPES[type] ?? ((q: ResourceContext) => genericShape(type, q)))(p, created);
        return { type, tags: this.tags(p, type), relationships: [], created, awsRegion: region, ...shape };
      });
      this.relate(resources, p);
      yield resources.map((r) => {
        const slots = (slotsOf.get(r.type) ?? []).map(
          (s): Slot => ({ ...s, u: rand(), notApplicable: rand() < 0.03 }),
        );
        const targetId = `${r.type}/${r.id}`;
        const target = { type: r.type, id: r.id, resourceName: rand() < 0.5 ? targetId : null, slots };
        return items ? { json: resourceItemJson(r, itemContext), target } : { target };
      });
    }
  }
}

/** One file to write: its JSON, or (a large file) its JSON in parts, produced as it is written. */
type FileJob =
  | { key: string; json: string; parts?: never }
  | { key: string; json?: never; parts: () => Iterable<string> };

type LargeAccount = NonNullable<SnapshotScenario['large']>;

/** Large-account resources generated (and related to each other) at a time. */
const LARGE_BATCH = 250;

/** A JSON array's items, comma-joined into parts of about a megabyte, between `head` and `tail`. */
function* jsonParts(head: string, items: Iterable<string>, tail: string): Generator<string> {
  let part: string[] = [head];
  let length = 0;
  let first = true;
  for (const item of items) {
    part.push(first ? item : `,${item}`);
    first = false;
    length += item.length;
    if (length >= 1 << 20) {
      yield part.join('');
      part = [];
      length = 0;
    }
  }
  part.push(tail);
  yield part.join('');
}

/** One result of a day: `rand` is the day's stream (drawn once per slot, whatever the result). */
function resultOf(s: Slot, failure: number, rand: Rand): ComplianceType {
  const insufficient = rand() < 0.012;
  if (s.notApplicable) return 'NOT_APPLICABLE';
  if (insufficient) return 'INSUFFICIENT_DATA';
  const pass = s.rule.hard ? 0.3 * (1 - failure) : 1 - failure * s.rule.weight;
  return s.u < pass ? 'COMPLIANT' : 'NON_COMPLIANT';
}

function overall(results: ComplianceType[]): ComplianceType {
  if (results.includes('NON_COMPLIANT')) return 'NON_COMPLIANT';
  if (results.includes('COMPLIANT')) return 'COMPLIANT';
  if (results.includes('INSUFFICIENT_DATA')) return 'INSUFFICIENT_DATA';
  return 'NOT_APPLICABLE';
}

function complianceJson(
  place: AccountRegion,
  t: EvaluatedTarget,
  results: ComplianceType[],
  captureMs: number,
): string {
  const { account, region } = place;
  const targetId = `${t.type}/${t.id}`;
  const rules = t.slots.map((s, i) => s.ruleJson(results[i] as ComplianceType)).join(',');
  const configuration = `{"complianceType":"${overall(results)}","targetResourceId":${JSON.stringify(t.id)},"targetResourceType":"${t.type}","configRuleList":[${rules}]}`;
  const json = JSON.stringify(
    item({
      capture: captureMs,
      account: account.id,
      status: 'OK',
      type: COMPLIANCE_RESOURCE_TYPE,
      id: targetId,
      name: t.resourceName,
      arn: `arn:aws:config:${region}:${account.id}:resource-compliance/${targetId}`,
      awsRegion: region,
      az: 'Not Applicable',
      configuration: CONFIGURATION_PLACEHOLDER,
      supplementary: {},
      tags: {},
      relationships: [
        { resourceId: t.id, resourceName: null, resourceType: t.type, name: 'Is associated with ' },
      ],
      created: null,
    }),
  );
  return json.replace(`"${CONFIGURATION_PLACEHOLDER}"`, configuration);
}

const CONFIGURATION_PLACEHOLDER = '@@configuration@@';

interface ItemInput {
  capture: number;
  account: string;
  status: 'OK' | 'ResourceDiscovered';
  type: string;
  id: string;
  name: string | null;
  arn: string;
  awsRegion: string;
  az: string;
  configuration: unknown;
  supplementary: Record<string, unknown>;
  tags: Record<string, string>;
  relationships: Relationship[];
  created: string | null;
}

/** A configuration item with the field names Config writes to S3 (not the API's names). */
function item(i: ItemInput): Record<string, unknown> {
  return {
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: iso(i.capture),
    configurationStateId: i.capture,
    awsAccountId: i.account,
    configurationItemStatus: i.status,
    resourceType: i.type,
    resourceId: i.id,
    resourceName: i.name,
    ARN: i.arn,
    awsRegion: i.awsRegion,
    availabilityZone: i.az,
    configurationStateMd5Hash: '',
    configuration: i.configuration,
    supplementaryConfiguration: i.supplementary,
    tags: i.tags,
    relationships: i.relationships,
    resourceCreationTime: i.created,
  };
}
