/**
 * Which snapshot files Athena would read through the Glue table: the location template with
 * the projection's enums, date format and range. Pure, so the projection rules are tested
 * without a database.
 */
import { isCalendarDate } from '../../model/dates.js';
import type { GlueTableProperties } from '../../model/resources.js';
import { compareText } from '../../model/values.js';

export interface PartitionFile {
  /** Key in the bucket. */
  key: string;
  account: string;
  region: string;
  dt: string;
  itemtype: string;
}

export interface Projection {
  /** `s3://bucket/prefix/AWSLogs/${account}/…/` */
  template: string;
  bucket: string;
  accounts: Set<string>;
  regions: Set<string>;
  itemtypes: Set<string>;
  /** First and last day, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

export function projectionOf(table: GlueTableProperties, today: string): Projection {
  const p = table.parameters;
  const need = (k: string): string => {
    const v = p[k];
    if (v === undefined)
      throw new Error(`The Glue table ${table.database}.${table.name} has no '${k}' parameter`);
    return v;
  };
  if (need('projection.enabled') !== 'true')
    throw new Error(`The Glue table ${table.name} does not enable partition projection`);
  if (need('projection.dt.format') !== 'yyyy/M/d') {
    throw new Error(
      `The local engine reads dt in the format yyyy/M/d only, the table says '${p['projection.dt.format']}'`,
    );
  }
  const [start, end] = need('projection.dt.range').split(',');
  const template = need('storage.location.template');
  const m = /^s3:\/\/([^/]+)\//.exec(template);
  if (!m) throw new Error(`storage.location.template '${template}' is not an s3:// location`);
  const toIso = (d: string | undefined): string => {
    if (d === 'NOW') return today;
    const parts = (d ?? '').split('/');
    const iso = `${parts[0]}-${String(parts[1]).padStart(2, '0')}-${String(parts[2]).padStart(2, '0')}`;
    if (!isCalendarDate(iso)) throw new Error(`projection.dt.range has '${d}', not a date in yyyy/M/d`);
    return iso;
  };
  return {
    template,
    bucket: m[1] as string,
    accounts: new Set(need('projection.account.values').split(',').filter(Boolean)),
    regions: new Set(need('projection.region.values').split(',').filter(Boolean)),
    itemtypes: new Set(need('projection.itemtype.values').split(',').filter(Boolean)),
    from: toIso(start),
    to: toIso(end),
  };
}

const NON_PADDED_DATE = /^(\d{4})\/([1-9]|1[0-2])\/([1-9]|[12]\d|3[01])$/;

/** The files under the template whose partition values the projection admits, as Athena would. */
export function selectFiles(keys: Iterable<string>, projection: Projection): PartitionFile[] {
  const base = projection.template.slice(`s3://${projection.bucket}/`.length);
  const pattern = new RegExp(
    `^${base
      .replace(/[.*+?^()|[\]\\]/g, '\\$&')
      .replace(/\$\{(account|region|itemtype)\}/g, '(?<$1>[^/]+)')
      .replace(/\$\{dt\}/g, '(?<dt>\\d{4}/\\d{1,2}/\\d{1,2})')}[^/]+$`,
  );
  const out: PartitionFile[] = [];
  for (const key of keys) {
    const g = pattern.exec(key)?.groups;
    if (!g) continue;
    const { account, region, itemtype, dt } = g as Record<string, string>;
    if (!projection.accounts.has(account as string)) continue;
    if (!projection.regions.has(region as string)) continue;
    if (!projection.itemtypes.has(itemtype as string)) continue;
    const d = NON_PADDED_DATE.exec(dt as string);
    if (!d) continue;
    const iso = `${d[1]}-${(d[2] as string).padStart(2, '0')}-${(d[3] as string).padStart(2, '0')}`;
    if (!isCalendarDate(iso) || iso < projection.from || iso > projection.to) continue;
    out.push({
      key,
      account: account as string,
      region: region as string,
      dt: dt as string,
      itemtype: itemtype as string,
    });
  }
  // Code-unit order: the same everywhere, and far cheaper than a collation.
  return out.sort((a, b) => compareText(a.key, b.key));
}

/** `2026-11-03` → `2026/11/3`: a day as the snapshot keys write it. */
function unpaddedDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${y}/${Number(m)}/${Number(d)}`;
}

/**
 * The key prefix of each projected account, region and day of `days` (ISO, inside the
 * projection's range) for the `ConfigSnapshot` item type, each ending in `/`: where a day's
 * snapshot files are, listed one prefix at a time instead of walking the whole tree.
 */
export function snapshotPrefixes(projection: Projection, days: readonly string[]): string[] {
  const base = projection.template.slice(`s3://${projection.bucket}/`.length);
  const dts = days.filter((day) => day >= projection.from && day <= projection.to).map(unpaddedDay);
  const prefixes: string[] = [];
  for (const account of [...projection.accounts].sort())
    for (const region of [...projection.regions].sort()) {
      // The template with everything but the day filled, split where the day goes.
      const values: Record<string, string> = { account, region, itemtype: 'ConfigSnapshot' };
      const around = base
        .replace(/\$\{(account|region|itemtype)\}/g, (_, k: string) => values[k] ?? '')
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the projection template's own placeholder
        .split('${dt}');
      for (const dt of dts) prefixes.push(around.join(dt));
    }
  return prefixes;
}
