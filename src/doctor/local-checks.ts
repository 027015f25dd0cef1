/**
 * `doctor --target local`: the local target needs no credentials or services, but it can still be
 * broken: the local engine not installed (no `npm ci`), no or another organization in `org.json`,
 * a damaged `state.json` (refused, never overwritten), an apply lock left held, no snapshot files.
 * One line each, with the fix. Pure apart from the probes it is given (src/providers/local/doctor.ts).
 */
import { parseLockRecord } from '../apply/lock.js';
import type { OrgConfig } from '../model/config.js';
import type { OrganizationSnapshot } from '../model/provider.js';
import { awsLogsPrefix } from './aws-checks.js';
import { blockedBy, type CheckResult, fail, oneLine, pass, warn } from './checks.js';

export interface LocalDoctorProbes {
  /** The local target's directory, for messages. */
  dir: string;
  /** Throws, saying what to install, when the local engine is missing. */
  engine(): Promise<void>;
  organization(): Promise<OrganizationSnapshot>;
  /** state.json, or the empty state when there is none; throws when it is damaged. */
  state(): Promise<{
    configRules: Record<string, Record<string, unknown>>;
    glueTables: Record<string, Record<string, unknown>>;
    athenaViews: Record<string, Record<string, unknown>>;
    quicksight: Partial<Record<string, Record<string, unknown>>>;
  }>;
  /** The apply lock's text, or undefined when there is none. */
  lockText(): Promise<string | undefined>;
  /** Whether `<dir>/s3/<bucket>/<prefix>` holds anything. */
  hasFiles(bucket: string, prefix: string): Promise<boolean>;
}

const DEMO = "run 'org-compliance demo' to make a local target with an organization and snapshots";

export async function runLocalDoctor(
  org: OrgConfig,
  probes: LocalDoctorProbes,
  now: number,
): Promise<CheckResult[]> {
  const engine = await attempt(
    'engine',
    'local engine',
    async () => {
      await probes.engine();
      return pass('engine', 'local engine', 'DuckDB and the SQL transpiler are installed');
    },
    "run 'npm ci' in the org-compliance checkout",
  );
  const organization = await attempt('organization', 'org.json', () => checkOrganization(org, probes), DEMO);
  const state = await attempt(
    'state',
    'state.json',
    () => checkState(probes),
    `move ${probes.dir}/state.json aside and run apply again (it is never overwritten while damaged)`,
  );
  const lock = await attempt(
    'lock',
    'apply lock',
    () => checkLock(probes, now),
    `remove ${probes.dir}/apply.lock once no apply runs`,
  );
  const snapshots = blockedBy([organization])
    ? {
        id: 'snapshots',
        title: 'snapshot files',
        status: 'skip' as const,
        detail: blockedBy([organization]) ?? '',
      }
    : await attempt('snapshots', 'snapshot files', () => checkSnapshots(org, probes), DEMO);
  return [engine, organization, state, lock, snapshots];
}

async function attempt(
  id: string,
  title: string,
  check: () => Promise<CheckResult>,
  remedy: string,
): Promise<CheckResult> {
  try {
    return await check();
  } catch (error) {
    return fail(id, title, oneLine(error), remedy);
  }
}

async function checkOrganization(org: OrgConfig, probes: LocalDoctorProbes): Promise<CheckResult> {
  const found = await probes.organization();
  if (found.organizationId !== org.organizationId) {
    return fail(
      'organization',
      'org.json',
      `${probes.dir}/org.json holds organization ${found.organizationId}, config/org.yaml says ${org.organizationId}`,
      'correct organizationId in config/org.yaml, or point --local-dir at the local target of this repository',
    );
  }
  return pass('organization', 'org.json', `${found.organizationId}, ${found.accounts.length} accounts`);
}

async function checkState(probes: LocalDoctorProbes): Promise<CheckResult> {
  const state = await probes.state();
  const count = (m: Record<string, Record<string, unknown>>) =>
    Object.values(m).reduce((n, r) => n + Object.keys(r).length, 0);
  const quicksight = Object.values(state.quicksight).reduce((n, r) => n + Object.keys(r ?? {}).length, 0);
  const total = count(state.configRules) + count(state.glueTables) + count(state.athenaViews) + quicksight;
  if (total === 0) return pass('state', 'state.json', 'nothing deployed yet: apply deploys to it');
  return pass(
    'state',
    'state.json',
    `${count(state.configRules)} rules, ${count(state.glueTables)} Glue tables, ${count(state.athenaViews)} views, ${quicksight} QuickSight resources deployed`,
  );
}

async function checkLock(probes: LocalDoctorProbes, now: number): Promise<CheckResult> {
  const text = await probes.lockText();
  if (text === undefined) return pass('lock', 'apply lock', 'free');
  const record = parseLockRecord(text);
  const where = `${probes.dir}/apply.lock`;
  if (!record) {
    return fail(
      'lock',
      'apply lock',
      `${where} is not a lock record: every apply refuses`,
      `remove ${where} once no apply runs (apply --force-unlock)`,
    );
  }
  if (Date.parse(record.expires) <= now) {
    return pass(
      'lock',
      'apply lock',
      `free: an expired lock of ${record.holder} is left, the next apply takes it over`,
    );
  }
  return warn(
    'lock',
    'apply lock',
    `held by ${record.holder} until ${record.expires}: an apply started now refuses`,
    'wait for that apply to end; if none runs (it was killed), apply --force-unlock',
  );
}

async function checkSnapshots(org: OrgConfig, probes: LocalDoctorProbes): Promise<CheckResult> {
  const prefix = awsLogsPrefix(org);
  const where = `${probes.dir}/s3/${org.snapshots.bucket}/${prefix}`;
  if (await probes.hasFiles(org.snapshots.bucket, prefix))
    return pass('snapshots', 'snapshot files', `present under ${where}`);
  return warn('snapshots', 'snapshot files', `none under ${where}: the report would show nothing`, DEMO);
}
