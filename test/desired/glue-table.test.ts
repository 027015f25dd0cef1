import { describe, expect, it } from 'vitest';
import {
  CONFIG_ITEM_TYPE,
  desiredGlueTable,
  projectedAccounts,
  projectionDate,
  snapshotLocation,
} from '../../src/desired/glue-table.js';
import type { Account, AccountState, OrgConfig } from '../../src/model/config.js';

const ORG: OrgConfig = {
  organizationId: 'o-a1b2c3d4e5',
  regions: ['eu-west-1', 'eu-central-1', 'us-east-1'],
  homeRegion: 'eu-west-1',
  snapshots: { bucket: 'acme-config-snapshots', prefix: '', orgIdInPath: true },
  projection: { startDate: '2025-01-01' },
  glue: { database: 'org_compliance', table: 'config_snapshots', region: 'eu-west-1' },
  ownership: {
    tagKey: 'managed-by',
    tagValue: 'org-compliance',
    descriptionMarker: ' [managed by org-compliance]',
  },
  data: { bucket: 'acme-config-snapshots', prefix: 'org-compliance' },
  closedAccountRetentionDays: 365,
  athena: { workgroup: 'primary' },
  compliance: { windowDays: 7, staleAfterDays: 2, trendDays: 90 },
  github: { autoMergeAccounts: false },
  report: { recipients: [] },
  quicksight: {
    region: 'eu-west-1',
    identityRegion: 'us-east-1',
    namespace: 'default',
    owners: ['group/org-compliance-admins'],
    viewers: ['group/sre'],
    viewersCanAuthor: false,
  },
  roles: {},
};

const TODAY = '2025-06-02';

function account(id: string, state: AccountState, closed?: string): Account {
  return {
    id,
    name: `account-${id}`,
    state,
    ouPath: '/Root/Workloads',
    joined: '2021-03-04',
    ...(closed ? { closed } : {}),
    extra: {},
  };
}

const MIXED: Account[] = [
  account('999999999999', 'ACTIVE'),
  account('012345678901', 'ACTIVE'),
  account('012345678901', 'ACTIVE'), // listed twice: kept once
  account('111111111111', 'CLOSED', '2025-05-23'), // closed 10 days ago: kept
  account('222222222222', 'CLOSED', '2024-04-28'), // closed 400 days ago: dropped
  account('333333333333', 'PENDING_CLOSURE', '2024-06-02'), // exactly 365 days ago: kept
  account('444444444444', 'SUSPENDED', '2024-06-01'), // 366 days ago: dropped
  account('555555555555', 'SUSPENDED'), // left ACTIVE on a day not recorded yet: kept
  account('666666666666', 'PENDING_ACTIVATION'), // never
];

describe('desiredGlueTable', () => {
  it('projects ACTIVE accounts and recently closed ones, sorted and unique, never PENDING_ACTIVATION', () => {
    const table = desiredGlueTable(ORG, MIXED, TODAY);
    expect(table.parameters['projection.account.values']).toBe(
      '012345678901,111111111111,333333333333,555555555555,999999999999',
    );
    expect(projectedAccounts(MIXED, TODAY, 30)).toEqual([
      '012345678901',
      '111111111111',
      '555555555555',
      '999999999999',
    ]);
  });

  it('describes the Config snapshot table completely', () => {
    const table = desiredGlueTable(ORG, MIXED, TODAY);
    expect(table).toStrictEqual({
      database: 'org_compliance',
      name: 'config_snapshots',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        EXTERNAL: 'TRUE',
        classification: 'json',
        'projection.enabled': 'true',
        'projection.account.type': 'enum',
        'projection.account.values': '012345678901,111111111111,333333333333,555555555555,999999999999',
        'projection.region.type': 'enum',
        'projection.region.values': 'eu-west-1,eu-central-1,us-east-1',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy/M/d',
        'projection.dt.range': '2025/1/1,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'projection.itemtype.type': 'enum',
        'projection.itemtype.values': 'ConfigHistory,ConfigSnapshot',
        'storage.location.template': `s3://acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/\${account}/Config/\${region}/\${dt}/\${itemtype}/`,
        'managed-by': 'org-compliance',
      },
      columns: [
        { name: 'fileversion', type: 'string' },
        { name: 'configsnapshotid', type: 'string' },
        { name: 'configurationitems', type: CONFIG_ITEM_TYPE },
      ],
      partitionKeys: [
        { name: 'account', type: 'string' },
        { name: 'region', type: 'string' },
        { name: 'dt', type: 'string' },
        { name: 'itemtype', type: 'string' },
      ],
      location: 's3://acme-config-snapshots/o-a1b2c3d4e5/AWSLogs/',
      inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
      serdeParameters: {
        'case.insensitive': 'false',
        'mapping.fileversion': 'fileVersion',
        'mapping.configsnapshotid': 'configSnapshotId',
        'mapping.configurationitems': 'configurationItems',
        'mapping.configurationitemversion': 'configurationItemVersion',
        'mapping.configurationitemcapturetime': 'configurationItemCaptureTime',
        'mapping.configurationstateid': 'configurationStateId',
        'mapping.awsaccountid': 'awsAccountId',
        'mapping.configurationitemstatus': 'configurationItemStatus',
        'mapping.resourcetype': 'resourceType',
        'mapping.resourceid': 'resourceId',
        'mapping.resourcename': 'resourceName',
        'mapping.arn': 'ARN',
        'mapping.awsregion': 'awsRegion',
        'mapping.availabilityzone': 'availabilityZone',
        'mapping.configurationstatemd5hash': 'configurationStateMd5Hash',
        'mapping.supplementaryconfiguration': 'supplementaryConfiguration',
        'mapping.resourcecreationtime': 'resourceCreationTime',
      },
    });
  });

  it('types the configuration items: raw configuration, maps for tags, a bigint state id', () => {
    expect(CONFIG_ITEM_TYPE).toBe(
      'array<struct<configurationitemversion:string,configurationitemcapturetime:string,configurationstateid:bigint,' +
        'awsaccountid:string,configurationitemstatus:string,resourcetype:string,resourceid:string,resourcename:string,' +
        'arn:string,awsregion:string,availabilityzone:string,configurationstatemd5hash:string,configuration:string,' +
        'supplementaryconfiguration:map<string,string>,tags:map<string,string>,' +
        'relationships:array<struct<resourceid:string,resourcename:string,resourcetype:string,name:string>>,' +
        'resourcecreationtime:string>>',
    );
  });

  it('builds the location with and without prefix and organization id', () => {
    const at = (prefix: string, orgIdInPath: boolean) => {
      const org = { ...ORG, snapshots: { bucket: 'acme-config-snapshots', prefix, orgIdInPath } };
      const table = desiredGlueTable(org, MIXED, TODAY);
      expect(table.location).toBe(snapshotLocation(org));
      return [table.location, table.parameters['storage.location.template']];
    };
    expect(at('', false)).toEqual([
      's3://acme-config-snapshots/AWSLogs/',
      `s3://acme-config-snapshots/AWSLogs/\${account}/Config/\${region}/\${dt}/\${itemtype}/`,
    ]);
    expect(at('config/central', false)).toEqual([
      's3://acme-config-snapshots/config/central/AWSLogs/',
      `s3://acme-config-snapshots/config/central/AWSLogs/\${account}/Config/\${region}/\${dt}/\${itemtype}/`,
    ]);
    expect(at('config/central', true)).toEqual([
      's3://acme-config-snapshots/config/central/o-a1b2c3d4e5/AWSLogs/',
      `s3://acme-config-snapshots/config/central/o-a1b2c3d4e5/AWSLogs/\${account}/Config/\${region}/\${dt}/\${itemtype}/`,
    ]);
  });

  it('writes the start date the way Config writes its keys, not zero-padded', () => {
    expect(projectionDate('2024-10-05', 'projection.startDate')).toBe('2024/10/5');
    const org = { ...ORG, projection: { startDate: '2023-09-01' } };
    expect(desiredGlueTable(org, MIXED, TODAY).parameters['projection.dt.range']).toBe('2023/9/1,NOW');
    expect(() => projectionDate('2023-02-30', 'projection.startDate')).toThrow(
      "projection.startDate must be a date written YYYY-MM-DD, got '2023-02-30'",
    );
  });

  it("refuses an account list longer than Glue's 512,000-character parameter limit, naming the count", () => {
    const many = (count: number) =>
      Array.from({ length: count }, (_, i) => account(String(100_000_000_000 + i), 'ACTIVE'));
    // 39,384 ids × 13 characters − 1 comma = 511,991: fits.
    expect(desiredGlueTable(ORG, many(39_384), TODAY).parameters['projection.account.values']).toHaveLength(
      511_991,
    );
    // 40,000 ids: 519,999 characters.
    expect(() => desiredGlueTable(ORG, many(40_000), TODAY)).toThrow(
      "projection.account.values for 40000 accounts is 519999 characters, over Glue's limit of 512000",
    );
  });

  it('refuses an empty projection and malformed dates with messages that say what to fix', () => {
    expect(() => desiredGlueTable(ORG, [account('666666666666', 'PENDING_ACTIVATION')], TODAY)).toThrow(
      /No account can go into projection.account.values/,
    );
    expect(() => desiredGlueTable(ORG, [account('111111111111', 'CLOSED', '23/05/2025')], TODAY)).toThrow(
      "closed of account 111111111111 must be a date written YYYY-MM-DD, got '23/05/2025'",
    );
  });
});
