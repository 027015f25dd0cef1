import { describe, expect, it } from 'vitest';
import { duckDbType, parseHiveType, serdeMapping } from '../../src/engines/duckdb/hive-types.js';
import { projectionOf, selectFiles } from '../../src/engines/duckdb/partitions.js';
import type { GlueTableProperties } from '../../src/model/resources.js';

const TABLE: GlueTableProperties = {
  database: 'org_compliance',
  name: 'config_snapshots',
  tableType: 'EXTERNAL_TABLE',
  parameters: {
    'projection.enabled': 'true',
    'projection.account.type': 'enum',
    'projection.account.values': '012345678901,123456789012',
    'projection.region.type': 'enum',
    'projection.region.values': 'eu-west-1,us-east-1',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy/M/d',
    'projection.dt.range': '2026/11/1,NOW',
    'projection.itemtype.type': 'enum',
    'projection.itemtype.values': 'ConfigHistory,ConfigSnapshot',
    'storage.location.template':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's template syntax, not JavaScript's.
      's3://acme-config/o-a1b2c3d4e5/AWSLogs/${account}/Config/${region}/${dt}/${itemtype}/',
  },
  columns: [],
  partitionKeys: [],
  location: 's3://acme-config/o-a1b2c3d4e5/AWSLogs/',
  inputFormat: '',
  outputFormat: '',
  serializationLibrary: '',
  serdeParameters: {},
};

const key = (account: string, region: string, dt: string, type = 'ConfigSnapshot', file = 'f.json.gz') =>
  `o-a1b2c3d4e5/AWSLogs/${account}/Config/${region}/${dt}/${type}/${file}`;

describe('which files Athena would read through the projection', () => {
  it('admits listed accounts and regions, yyyy/M/d dates within the range, known item types', () => {
    const projection = projectionOf(TABLE, '2026-11-28');
    const keys = [
      key('012345678901', 'eu-west-1', '2026/11/9'),
      key('012345678901', 'eu-west-1', '2026/11/09'), // padded: no such partition
      key('012345678901', 'eu-west-1', '2026/10/31'), // before the range
      key('012345678901', 'eu-west-1', '2026/11/29'), // after NOW
      key('999999999999', 'eu-west-1', '2026/11/9'), // not in the account enum
      key('012345678901', 'ap-southeast-2', '2026/11/9'), // not in the region enum
      key('012345678901', 'us-east-1', '2026/11/28', 'ConfigHistory'),
      key('012345678901', 'us-east-1', '2026/11/28', 'OversizedChangeNotification'),
      `${key('123456789012', 'us-east-1', '2026/11/2').replace('f.json.gz', 'nested/f.json.gz')}`, // below the partition
      'AWSLogs/012345678901/Config/eu-west-1/2026/11/9/ConfigSnapshot/f.json.gz', // no org id level
    ];
    expect(selectFiles(keys, projection).map((f) => [f.account, f.region, f.dt, f.itemtype])).toEqual([
      ['012345678901', 'eu-west-1', '2026/11/9', 'ConfigSnapshot'],
      ['012345678901', 'us-east-1', '2026/11/28', 'ConfigHistory'],
    ]);
  });

  it('refuses a table without projection or with another date format', () => {
    expect(() =>
      projectionOf(
        { ...TABLE, parameters: { ...TABLE.parameters, 'projection.enabled': 'false' } },
        '2026-11-28',
      ),
    ).toThrow(/does not enable partition projection/);
    expect(() =>
      projectionOf(
        { ...TABLE, parameters: { ...TABLE.parameters, 'projection.dt.format': 'yyyy/MM/dd' } },
        '2026-11-28',
      ),
    ).toThrow(/yyyy\/M\/d only/);
  });

  it('reads Glue column types with the SerDe mappings as JSON field names', () => {
    const mapping = serdeMapping({
      'case.insensitive': 'false',
      'mapping.arn': 'ARN',
      'mapping.resourcetype': 'resourceType',
    });
    expect(
      duckDbType(
        parseHiveType(
          'array<struct<arn:string,resourcetype:string,tags:map<string,string>,configurationstateid:bigint>>',
        ),
        mapping,
      ),
    ).toBe(
      'STRUCT("ARN" VARCHAR, "resourceType" VARCHAR, "tags" MAP(VARCHAR, VARCHAR), "configurationstateid" BIGINT)[]',
    );
    expect(() => parseHiveType('array<struct<a:string>')).toThrow(/expected '>'/);
  });
});
