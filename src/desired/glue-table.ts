/**
 * The desired Glue table over the Config snapshot bucket (pure: no I/O, no SDK).
 *
 * One S3 object is one row: `fileVersion`, `configSnapshotId`, `configurationItems[]`. The OpenX JSON
 * SerDe reads it case-sensitively (tags may differ only by case) with an explicit `mapping.*`
 * property for every key that is not all lower case. Partitions are projected: `account` (enum,
 * from accounts.yaml), `region` (enum), `dt` (date, `yyyy/M/d` as Config writes it, not
 * zero-padded), `itemtype` (ConfigHistory / ConfigSnapshot).
 */

import type { Account, OrgConfig } from '../model/config.js';
import type { GlueColumn, GlueTableProperties } from '../model/resources.js';

export const JSON_SERDE = 'org.openx.data.jsonserde.JsonSerDe';
export const INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
export const OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';
export const TABLE_TYPE = 'EXTERNAL_TABLE';

/** Glue's limit on one table parameter value. */
export const GLUE_PARAMETER_VALUE_LIMIT = 512_000;

/** Config item keys as written in S3 that are not all lower case, in the order of the struct. */
const ITEM_FIELDS: Array<[json: string, type: string]> = [
  ['configurationItemVersion', 'string'],
  ['configurationItemCaptureTime', 'string'],
  ['configurationStateId', 'bigint'],
  ['awsAccountId', 'string'],
  ['configurationItemStatus', 'string'],
  ['resourceType', 'string'],
  ['resourceId', 'string'],
  ['resourceName', 'string'],
  ['ARN', 'string'],
  ['awsRegion', 'string'],
  ['availabilityZone', 'string'],
  ['configurationStateMd5Hash', 'string'],
  // Kept as the raw JSON text: every resource type has its own shape.
  ['configuration', 'string'],
  ['supplementaryConfiguration', 'map<string,string>'],
  ['tags', 'map<string,string>'],
  ['relationships', 'array<struct<resourceid:string,resourcename:string,resourcetype:string,name:string>>'],
  ['resourceCreationTime', 'string'],
];

/** Keys of a relationship (`resourceId`, `resourceName`, `resourceType`, `name`). */
const RELATIONSHIP_KEYS = ['resourceId', 'resourceName', 'resourceType', 'name'];

const TOP_LEVEL_KEYS = ['fileVersion', 'configSnapshotId', 'configurationItems'];

export const CONFIG_ITEM_TYPE = `array<struct<${ITEM_FIELDS.map(([json, type]) => `${json.toLowerCase()}:${type}`).join(',')}>>`;

export const SNAPSHOT_COLUMNS: GlueColumn[] = [
  { name: 'fileversion', type: 'string' },
  { name: 'configsnapshotid', type: 'string' },
  { name: 'configurationitems', type: CONFIG_ITEM_TYPE },
];

export const PARTITION_KEYS: GlueColumn[] = [
  { name: 'account', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'dt', type: 'string' },
  { name: 'itemtype', type: 'string' },
];

export const ITEM_TYPES = ['ConfigHistory', 'ConfigSnapshot'];

/** Account states kept in the projection for a while after leaving ACTIVE. */
const RETAINED_STATES = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

/** `mapping.<hive name>` → JSON key, for every JSON key that is not all lower case. */
export function serdeMappings(): Record<string, string> {
  const keys = [...TOP_LEVEL_KEYS, ...ITEM_FIELDS.map(([json]) => json), ...RELATIONSHIP_KEYS];
  const mappings: Record<string, string> = {};
  for (const key of keys) {
    if (key !== key.toLowerCase()) mappings[`mapping.${key.toLowerCase()}`] = key;
  }
  return mappings;
}

export function desiredGlueTable(org: OrgConfig, accounts: Account[], today: string): GlueTableProperties {
  const accountValues = projectedAccounts(accounts, today, org.closedAccountRetentionDays);
  if (accountValues.length === 0) {
    throw new Error(
      'No account can go into projection.account.values: config/accounts.yaml lists no ACTIVE account ' +
        '(nor a closed one within closedAccountRetentionDays). Run discover to fill it.',
    );
  }
  const accountList = accountValues.join(',');
  if (accountList.length > GLUE_PARAMETER_VALUE_LIMIT) {
    throw new Error(
      `projection.account.values for ${accountValues.length} accounts is ${accountList.length} characters, ` +
        `over Glue's limit of ${GLUE_PARAMETER_VALUE_LIMIT} for one table parameter. ` +
        'Lower closedAccountRetentionDays in config/org.yaml or split the table.',
    );
  }
  if (org.regions.length === 0)
    throw new Error('config/org.yaml: regions is empty; the region projection needs one');

  const location = snapshotLocation(org);
  return {
    database: org.glue.database,
    name: org.glue.table,
    tableType: TABLE_TYPE,
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'json',
      'projection.enabled': 'true',
      'projection.account.type': 'enum',
      'projection.account.values': accountList,
      'projection.region.type': 'enum',
      'projection.region.values': org.regions.join(','),
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy/M/d',
      'projection.dt.range': `${projectionDate(org.projection.startDate, 'projection.startDate')},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'projection.itemtype.type': 'enum',
      'projection.itemtype.values': ITEM_TYPES.join(','),
      'storage.location.template': `${location}\${account}/Config/\${region}/\${dt}/\${itemtype}/`,
      [org.ownership.tagKey]: org.ownership.tagValue,
    },
    columns: SNAPSHOT_COLUMNS.map((column) => ({ ...column })),
    partitionKeys: PARTITION_KEYS.map((column) => ({ ...column })),
    location,
    inputFormat: INPUT_FORMAT,
    outputFormat: OUTPUT_FORMAT,
    serializationLibrary: JSON_SERDE,
    serdeParameters: { 'case.insensitive': 'false', ...serdeMappings() },
  };
}

/** `s3://<bucket>/[<prefix>/][<org-id>/]AWSLogs/`: where every account's Config files start. */
export function snapshotLocation(org: OrgConfig): string {
  const parts = [org.snapshots.bucket];
  const prefix = org.snapshots.prefix.replace(/^\/+|\/+$/g, '');
  if (prefix !== '') parts.push(prefix);
  if (org.snapshots.orgIdInPath) parts.push(org.organizationId);
  parts.push('AWSLogs');
  return `s3://${parts.join('/')}/`;
}

/**
 * Accounts whose data Athena may read: every ACTIVE one, plus SUSPENDED / PENDING_CLOSURE / CLOSED
 * ones that left ACTIVE at most `retentionDays` before `today` (or whose leaving date is not yet
 * recorded). Never PENDING_ACTIVATION. Sorted, without duplicates.
 */
export function projectedAccounts(accounts: Account[], today: string, retentionDays: number): string[] {
  const todayDay = dayNumber(today, 'today');
  const ids = new Set<string>();
  for (const account of accounts) {
    if (account.state === 'ACTIVE') {
      ids.add(account.id);
    } else if (RETAINED_STATES.has(account.state)) {
      if (account.closed === undefined) {
        ids.add(account.id);
      } else if (todayDay - dayNumber(account.closed, `closed of account ${account.id}`) <= retentionDays) {
        ids.add(account.id);
      }
    }
  }
  return [...ids].sort();
}

/** `2025-01-01` → `2025/1/1`, the projection's `yyyy/M/d` (month and day not zero-padded). */
export function projectionDate(date: string, field: string): string {
  dayNumber(date, field);
  const [year, month, day] = date.split('-').map(Number);
  return `${year}/${month}/${day}`;
}

const DAY_MS = 86_400_000;

function dayNumber(date: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new Error(`${field} must be a date written YYYY-MM-DD, got '${date}'`);
  }
  return ms / DAY_MS;
}
