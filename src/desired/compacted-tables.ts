/**
 * The compacted tables (docs/compaction.md): what the `compact` step writes from the snapshot
 * files, as Parquet under `data.bucket`/`data.prefix`/compacted/, and the Glue tables over it that
 * the views read. Their only partition is `dt`, an ISO day projected as a date, so a scan
 * enumerates days and a predicate `dt >= '…'` prunes before anything is listed, however many
 * accounts and regions there are. Pure: no I/O.
 */

import type { OrgConfig } from '../model/config.js';
import type { GlueColumn, GlueTableProperties } from '../model/resources.js';
import { projectionDate, TABLE_TYPE } from './glue-table.js';

export const PARQUET_SERDE = 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
export const PARQUET_INPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat';
export const PARQUET_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat';

/** One row per (account, region, day, rule, resource) of the newest snapshot of that day. */
export const EVALUATIONS_TABLE = 'compacted_evaluations';
/** One row per snapshot file compacted: what the compaction read, and each delivery's day. */
export const FILES_TABLE = 'compacted_files';

export const EVALUATION_COLUMNS: GlueColumn[] = [
  { name: 'account_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'member_rule_name', type: 'string' },
  { name: 'org_rule_name', type: 'string' },
  { name: 'resource_type', type: 'string' },
  { name: 'resource_id', type: 'string' },
  { name: 'compliance_type', type: 'string' },
  { name: 'tags', type: 'map<string,string>' },
];

export const FILE_COLUMNS: GlueColumn[] = [
  { name: 'account_id', type: 'string' },
  { name: 'region', type: 'string' },
  { name: 'snapshot_file', type: 'string' },
  { name: 'items', type: 'bigint' },
  { name: 'evaluations', type: 'bigint' },
];

/** The partition of both tables: the day of the snapshot, `YYYY-MM-DD`. */
export const DAY_PARTITION: GlueColumn = { name: 'dt', type: 'string' };

export type CompactedTable = 'evaluations' | 'files';

const TABLES: Record<CompactedTable, { name: string; folder: string; columns: GlueColumn[] }> = {
  evaluations: { name: EVALUATIONS_TABLE, folder: 'evaluations', columns: EVALUATION_COLUMNS },
  files: { name: FILES_TABLE, folder: 'files', columns: FILE_COLUMNS },
};

/** `s3://<data.bucket>/<data.prefix>/compacted/<folder>/`: where a compacted table's objects live. */
export function compactedLocation(org: Pick<OrgConfig, 'data'>, table: CompactedTable): string {
  const parts = [org.data.bucket, org.data.prefix, 'compacted', TABLES[table].folder].filter((p) => p !== '');
  return `s3://${parts.join('/')}/`;
}

/** The object of one day of a compacted table: `<location>dt=<day>/part-0.parquet`. */
export function compactedObject(org: Pick<OrgConfig, 'data'>, table: CompactedTable, day: string): string {
  return `${compactedLocation(org, table)}dt=${day}/part-0.parquet`;
}

/** The Glue table over one compacted table. */
export function compactedGlueTable(
  org: Pick<OrgConfig, 'data' | 'glue' | 'ownership' | 'projection'>,
  table: CompactedTable,
): GlueTableProperties {
  const spec = TABLES[table];
  const location = compactedLocation(org, table);
  // Validates the date; the ISO day itself is the range's start.
  projectionDate(org.projection.startDate, 'projection.startDate');
  const start = org.projection.startDate;
  return {
    database: org.glue.database,
    name: spec.name,
    tableType: TABLE_TYPE,
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${start},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${location}dt=\${dt}/`,
      [org.ownership.tagKey]: org.ownership.tagValue,
    },
    columns: spec.columns.map((c) => ({ ...c })),
    partitionKeys: [{ ...DAY_PARTITION }],
    location,
    inputFormat: PARQUET_INPUT_FORMAT,
    outputFormat: PARQUET_OUTPUT_FORMAT,
    serializationLibrary: PARQUET_SERDE,
    serdeParameters: {},
  };
}

/** Both compacted tables' Glue tables. */
export function compactedGlueTables(
  org: Pick<OrgConfig, 'data' | 'glue' | 'ownership' | 'projection'>,
): GlueTableProperties[] {
  return [compactedGlueTable(org, 'evaluations'), compactedGlueTable(org, 'files')];
}

/** Whether a Glue table is one of the compacted tables (Parquet, partitioned by an ISO day). */
export function isCompactedTable(table: GlueTableProperties): boolean {
  return table.serializationLibrary === PARQUET_SERDE && table.partitionKeys.length === 1;
}
