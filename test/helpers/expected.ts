/**
 * An independent reading of generated snapshot files, in plain TypeScript (no SQL): what the
 * views must say, computed from the files themselves. Used to check the views on DuckDB.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ExceptionSpec, Repository } from '../../src/model/config.js';
import { compareText } from '../../src/model/values.js';

export interface Evaluation {
  account: string;
  region: string;
  day: string;
  rule: string;
  inCatalog: boolean;
  category: string | null;
  resourceType: string;
  resourceId: string;
  compliance: string;
  tags: Record<string, string>;
  excludedByTag: boolean;
  exception?: ExceptionSpec;
}

export interface SnapshotFile {
  account: string;
  region: string;
  day: string;
  key: string;
  doc: { configurationItems: Record<string, unknown>[] };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function exceptionFor(e: Evaluation, exceptions: ExceptionSpec[]): ExceptionSpec | undefined {
  return (
    [...exceptions]
      // By code unit, as the views order them (not by locale: '-' and '0' sort apart there).
      .sort((a, b) => compareText(a.id, b.id))
      .find(
        (x) =>
          x.rules.some((r) => globToRegExp(r).test(e.rule)) &&
          (x.accounts.length === 0 || x.accounts.includes(e.account)) &&
          globToRegExp(x.resourceType ?? '*').test(e.resourceType) &&
          globToRegExp(x.resourceId ?? '*').test(e.resourceId) &&
          Object.entries(x.tags).every(([k, v]) => e.tags[k] === v),
      )
  );
}

/** Every file of the bucket that the projection admits: listed accounts, configured regions, yyyy/M/d. */
export async function readSnapshots(
  s3Root: string,
  repo: Repository,
  projected: Set<string>,
): Promise<SnapshotFile[]> {
  const bucketDir = join(s3Root, repo.org.snapshots.bucket);
  const entries = await readdir(bucketDir, { recursive: true, withFileTypes: true });
  const files: SnapshotFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const key = relative(bucketDir, join(entry.parentPath, entry.name)).split(sep).join('/');
    const m =
      /AWSLogs\/(\d{12})\/Config\/([a-z0-9-]+)\/(\d{4})\/(\d{1,2})\/(\d{1,2})\/ConfigSnapshot\/[^/]+\.json\.gz$/.exec(
        key,
      );
    if (!m) continue;
    const [, account, region, y, mo, d] = m as unknown as string[];
    if (!projected.has(account as string) || !repo.org.regions.includes(region as string)) continue;
    const day = `${y}-${(mo as string).padStart(2, '0')}-${(d as string).padStart(2, '0')}`;
    const doc = JSON.parse(gunzipSync(await readFile(join(bucketDir, key))).toString('utf8'));
    files.push({ account: account as string, region: region as string, day, key, doc });
  }
  return files;
}

/** The newest file of each (account, region, day). */
export function newestPerDay(files: SnapshotFile[]): SnapshotFile[] {
  const best = new Map<string, SnapshotFile>();
  for (const f of files) {
    const k = `${f.account}|${f.region}|${f.day}`;
    const cur = best.get(k);
    if (!cur || f.key > cur.key) best.set(k, f);
  }
  return [...best.values()];
}

export function evaluationsOf(f: SnapshotFile, repo: Repository): Evaluation[] {
  const catalog = new Map(repo.rules.map((r) => [r.name, r.category]));
  const tagsOf = new Map<string, Record<string, string>>();
  for (const item of f.doc.configurationItems) {
    if (item.resourceType !== 'AWS::Config::ResourceCompliance') {
      tagsOf.set(`${item.resourceType}|${item.resourceId}`, (item.tags as Record<string, string>) ?? {});
    }
  }
  const out: Evaluation[] = [];
  const tag = repo.org.compliance.excludeTag;
  for (const item of f.doc.configurationItems) {
    if (item.resourceType !== 'AWS::Config::ResourceCompliance') continue;
    const c = item.configuration as {
      targetResourceType: string;
      targetResourceId: string;
      configRuleList: { configRuleName: string; complianceType: string }[];
    };
    const tags = tagsOf.get(`${c.targetResourceType}|${c.targetResourceId}`) ?? {};
    for (const r of c.configRuleList) {
      const m = /^OrgConfigRule-(.+)-[A-Za-z0-9]+$/.exec(r.configRuleName);
      // A catalog rule by the catalog's name, another tool's organization rule by its own (one
      // name in every account), anything else by its member name.
      const org = m?.[1];
      const name = org === undefined ? r.configRuleName : catalog.has(org) ? org : `OrgConfigRule-${org}`;
      const e: Evaluation = {
        account: f.account,
        region: f.region,
        day: f.day,
        rule: name,
        inCatalog: catalog.has(name),
        category: catalog.get(name) ?? null,
        resourceType: c.targetResourceType,
        resourceId: c.targetResourceId,
        compliance: r.complianceType,
        tags,
        excludedByTag: tag !== undefined && tags[tag.key] === tag.value,
      };
      if (e.inCatalog) {
        const x = exceptionFor(e, repo.exceptions);
        if (x) e.exception = x;
      }
      out.push(e);
    }
  }
  return out;
}

export function isExcluded(e: Evaluation, onDay: string): boolean {
  return e.excludedByTag || (e.exception !== undefined && e.exception.expires >= onDay);
}

export interface Tally {
  compliant: number;
  nonCompliant: number;
  excluded: number;
}

export function tally(evals: Evaluation[], today: string): Tally {
  const t = { compliant: 0, nonCompliant: 0, excluded: 0 };
  for (const e of evals) {
    if (!e.inCatalog || (e.compliance !== 'COMPLIANT' && e.compliance !== 'NON_COMPLIANT')) continue;
    if (isExcluded(e, today)) t.excluded++;
    else if (e.compliance === 'COMPLIANT') t.compliant++;
    else t.nonCompliant++;
  }
  return t;
}

/** The evaluations on each (account, region)'s newest day within the window. */
export function currentEvaluations(daily: SnapshotFile[], repo: Repository, today: string): Evaluation[] {
  const windowStart = new Date(Date.parse(`${today}T00:00:00Z`) - repo.org.compliance.windowDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const latest = new Map<string, SnapshotFile>();
  for (const f of daily) {
    if (f.day < windowStart) continue;
    const k = `${f.account}|${f.region}`;
    const cur = latest.get(k);
    if (!cur || f.day > cur.day) latest.set(k, f);
  }
  return [...latest.values()].flatMap((f) => evaluationsOf(f, repo));
}

export type DeliveryStatus = 'fresh' | 'stopped_delivering' | 'never_delivered';

/** A row of the freshness view, as the files say it must be. */
export interface FreshnessRow {
  account_id: string;
  account_name: string | null;
  state: string | null;
  region: string;
  last: string | null;
  days_since: number | null;
  stale: boolean;
  status: DeliveryStatus;
}

/**
 * Every projected account × configured region, by account then region: the newest day with a
 * snapshot file within `trendDays`; none at all is never delivered, older than `staleAfterDays`
 * is stopped delivering.
 */
export function expectedFreshness(
  files: SnapshotFile[],
  repo: Repository,
  projected: Set<string>,
  today: string,
): FreshnessRow[] {
  const dayMs = 86_400_000;
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const from = new Date(todayMs - repo.org.compliance.trendDays * dayMs).toISOString().slice(0, 10);
  const out: FreshnessRow[] = [];
  for (const account of [...projected].sort()) {
    const meta = repo.accounts.find((a) => a.id === account);
    for (const region of [...repo.org.regions].sort()) {
      const days = files
        .filter((f) => f.account === account && f.region === region && f.day >= from)
        .map((f) => f.day)
        .sort();
      const last = days.at(-1) ?? null;
      const daysSince =
        last === null ? null : Math.round((todayMs - Date.parse(`${last}T00:00:00Z`)) / dayMs);
      const status: DeliveryStatus =
        daysSince === null
          ? 'never_delivered'
          : daysSince > repo.org.compliance.staleAfterDays
            ? 'stopped_delivering'
            : 'fresh';
      out.push({
        account_id: account,
        account_name: meta?.name ?? null,
        state: meta?.state ?? null,
        region,
        last,
        days_since: daysSince,
        stale: status !== 'fresh',
        status,
      });
    }
  }
  return out;
}
