import {
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateRefreshScheduleCommand,
  DeleteDataSetCommand,
  DeleteRefreshScheduleCommand,
  DescribeDataSetCommand,
  DescribeDataSetPermissionsCommand,
  DescribeDataSourceCommand,
  DescribeDataSourcePermissionsCommand,
  ListDataSetsCommand,
  ListDataSourcesCommand,
  ListRefreshSchedulesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  UpdateDataSetCommand,
  UpdateDataSetPermissionsCommand,
  UpdateDataSourceCommand,
} from '@aws-sdk/client-quicksight';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import type { QuickSightKind, QuickSightProperties } from '../../../src/model/quicksight.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import type { QuickSightProviderOptions } from '../../../src/providers/aws/quicksight/common.js';
import { AwsQuickSightDataSetProvider } from '../../../src/providers/aws/quicksight/data-sets.js';
import { AwsQuickSightDataSourceProvider } from '../../../src/providers/aws/quicksight/data-sources.js';
import { createQuickSightProviders } from '../../../src/providers/aws/quicksight/index.js';
import { AwsQuickSightRefreshScheduleProvider } from '../../../src/providers/aws/quicksight/refresh-schedules.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { normalizeBody } from '../../../src/quicksight/normalize.js';
import { permissionsFor } from '../../../src/quicksight/permissions.js';
import { commandNames, fakeTime, metadata, ORG, regionalClients } from './fakes.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const SOURCE = 'org-compliance-athena';
const SOURCE_ARN = `arn:aws:quicksight:${REGION}:${ACCOUNT}:datasource/${SOURCE}`;
const dataSetArn = (id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:dataset/${id}`;
const ADMINS = `arn:aws:quicksight:${REGION}:${ACCOUNT}:group/default/compliance-admins`;
const OWNED_TAGS = [{ Key: 'managed-by', Value: 'org-compliance' }];

const { clients, quicksight } = regionalClients([REGION]);
const qs = mockClient(quicksight.get(REGION) as NonNullable<ReturnType<typeof quicksight.get>>);

afterEach(() => {
  qs.reset();
});

function options(extra: Partial<QuickSightProviderOptions> = {}) {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const base: QuickSightProviderOptions = {
    clients,
    send,
    accountId: ACCOUNT,
    region: REGION,
    ownership: { tagKey: ORG.ownership.tagKey, tagValue: ORG.ownership.tagValue },
    now: time.now,
    sleep: time.sleep,
    pollMs: 1_000,
    ...extra,
  };
  return { base, time, writes };
}

function change<K extends QuickSightKind>(
  kind: K,
  action: Change['action'],
  props: QuickSightProperties,
  before?: QuickSightProperties,
): Change<K> {
  // Every QuickSight kind has QuickSightProperties; the compiler cannot see it for a generic K.
  return {
    action,
    kind,
    key: `${kind}/${REGION}/${props.id}`,
    region: REGION,
    name: props.name,
    diffs: [],
    ...(action === 'delete' ? { before: props } : { after: props }),
    ...(before ? { before } : {}),
  } as Change<K>;
}

function desired<K extends QuickSightKind>(kind: K, props: QuickSightProperties): DesiredResource<K> {
  return {
    kind,
    key: `${kind}/${REGION}/${props.id}`,
    region: REGION,
    properties: props,
  } as DesiredResource<K>;
}

// ---------------------------------------------------------------------------------------------

function dataSource(workgroup = 'org-compliance'): QuickSightProperties {
  return {
    id: SOURCE,
    name: 'Org compliance (Athena)',
    body: normalizeBody('quicksight-data-source', {
      DataSourceId: SOURCE,
      Name: 'Org compliance (Athena)',
      Type: 'ATHENA',
      DataSourceParameters: { AthenaParameters: { WorkGroup: workgroup } },
    }),
    permissions: permissionsFor('quicksight-data-source', { owners: [ADMINS], viewers: [] }),
  };
}

describe('AwsQuickSightDataSourceProvider', () => {
  it('creates with the ownership tag and waits until CREATION_SUCCESSFUL', async () => {
    const { base, time, writes } = options();
    const sources = new AwsQuickSightDataSourceProvider(base);
    qs.on(CreateDataSourceCommand).resolves({ DataSourceId: SOURCE, CreationStatus: 'CREATION_IN_PROGRESS' });
    qs.on(DescribeDataSourceCommand)
      .resolvesOnce({ DataSource: { DataSourceId: SOURCE, Status: 'CREATION_IN_PROGRESS' } })
      .resolves({ DataSource: { DataSourceId: SOURCE, Status: 'CREATION_SUCCESSFUL' } });

    await sources.apply(change('quicksight-data-source', 'create', dataSource()));

    expect(qs.commandCalls(CreateDataSourceCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DataSourceId: SOURCE,
      Name: 'Org compliance (Athena)',
      Type: 'ATHENA',
      DataSourceParameters: { AthenaParameters: { WorkGroup: 'org-compliance' } },
      Permissions: [{ Principal: ADMINS, Actions: dataSource().permissions[0]?.actions }],
      Tags: OWNED_TAGS,
    });
    expect(commandNames(qs.calls())).toEqual([
      'CreateDataSource',
      'DescribeDataSource',
      'DescribeDataSource',
    ]);
    expect(time.sleeps).toEqual([1_000]);
    expect(writes.total).toBe(1);
  });

  it('reports QuickSight’s ErrorInfo when the data source ends CREATION_FAILED', async () => {
    const { base } = options();
    const sources = new AwsQuickSightDataSourceProvider(base);
    qs.on(CreateDataSourceCommand).resolves({ DataSourceId: SOURCE });
    qs.on(DescribeDataSourceCommand).resolves({
      DataSource: {
        DataSourceId: SOURCE,
        Status: 'CREATION_FAILED',
        ErrorInfo: { Type: 'ACCESS_DENIED', Message: 'QuickSight cannot use workgroup org-compliance' },
      },
    });

    await expect(sources.apply(change('quicksight-data-source', 'create', dataSource()))).rejects.toThrow(
      `Could not create QuickSight data source ${SOURCE} (${REGION}): it ended CREATION_FAILED ` +
        '(ACCESS_DENIED: QuickSight cannot use workgroup org-compliance)',
    );
  });

  it('gives up waiting on an update after the bound, naming the data source', async () => {
    const { base, time } = options({ timeoutMs: 3_000 });
    const sources = new AwsQuickSightDataSourceProvider(base);
    qs.on(ListTagsForResourceCommand, { ResourceArn: SOURCE_ARN }).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDataSourceCommand).resolves({ DataSourceId: SOURCE, UpdateStatus: 'UPDATE_IN_PROGRESS' });
    qs.on(DescribeDataSourceCommand).resolves({
      DataSource: { DataSourceId: SOURCE, Status: 'UPDATE_IN_PROGRESS' },
    });

    await expect(
      sources.apply(change('quicksight-data-source', 'update', dataSource('primary'), dataSource())),
    ).rejects.toThrow(
      `QuickSight data source ${SOURCE} (${REGION}) is still UPDATE_IN_PROGRESS after waiting 0m 3s (limit 0m 3s)`,
    );
    expect(time.sleeps).toEqual([1_000, 1_000, 1_000]);
    // Update does not take Type; it is checked instead.
    expect(qs.commandCalls(UpdateDataSourceCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DataSourceId: SOURCE,
      Name: 'Org compliance (Athena)',
      DataSourceParameters: { AthenaParameters: { WorkGroup: 'primary' } },
    });
  });

  it('refuses to change a data source’s type', async () => {
    const { base } = options();
    const sources = new AwsQuickSightDataSourceProvider(base);
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    const redshift = { ...dataSource(), body: { ...dataSource().body, Type: 'REDSHIFT' } };
    await expect(
      sources.apply(change('quicksight-data-source', 'update', redshift, dataSource())),
    ).rejects.toThrow(
      'Cannot change the Type of QuickSight data source org-compliance-athena (eu-west-1) from ATHENA to REDSHIFT',
    );
    expect(qs.commandCalls(UpdateDataSourceCommand)).toHaveLength(0);
  });

  it('reads what ListDataSources returns into the desired shape', async () => {
    const { base } = options();
    const sources = new AwsQuickSightDataSourceProvider(base);
    qs.on(ListDataSourcesCommand).resolves({
      DataSources: [
        {
          Arn: SOURCE_ARN,
          DataSourceId: SOURCE,
          Name: 'Org compliance (Athena)',
          Type: 'ATHENA',
          Status: 'UPDATE_SUCCESSFUL',
          CreatedTime: new Date('2025-06-01T00:00:00Z'),
          LastUpdatedTime: new Date('2025-06-02T00:00:00Z'),
          DataSourceParameters: { AthenaParameters: { WorkGroup: 'org-compliance' } },
          AlternateDataSourceParameters: [{ AthenaParameters: { WorkGroup: 'org-compliance' } }],
          SslProperties: { DisableSsl: false },
        },
        { Arn: `${SOURCE_ARN}-2`, DataSourceId: 'sales-redshift', Name: 'Sales', Type: 'REDSHIFT' },
      ],
    });
    qs.on(ListTagsForResourceCommand, { ResourceArn: SOURCE_ARN }).resolves({ Tags: OWNED_TAGS });
    qs.on(ListTagsForResourceCommand, { ResourceArn: `${SOURCE_ARN}-2` }).resolves({ Tags: [] });
    qs.on(DescribeDataSourcePermissionsCommand).resolves({
      Permissions: [
        { Principal: ADMINS, Actions: [...(dataSource().permissions[0]?.actions ?? [])].reverse() },
      ],
    });

    const current = await sources.read([desired('quicksight-data-source', dataSource())]);

    expect(current).toEqual([
      {
        kind: 'quicksight-data-source',
        key: `quicksight-data-source/${REGION}/${SOURCE}`,
        region: REGION,
        properties: dataSource(),
        owned: true,
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

const DATA_SET = 'org-compliance-accounts';

function dataSet(overrides: Record<string, unknown> = {}): QuickSightProperties {
  return {
    id: DATA_SET,
    name: 'Accounts',
    body: normalizeBody('quicksight-data-set', {
      DataSetId: DATA_SET,
      Name: 'Accounts',
      ImportMode: 'SPICE',
      PhysicalTableMap: {
        accounts: {
          RelationalTable: {
            DataSourceArn: SOURCE_ARN,
            Schema: 'org_compliance',
            Name: 'account_scores',
            InputColumns: [
              { Name: 'account_name', Type: 'STRING' },
              { Name: 'score', Type: 'DECIMAL' },
            ],
          },
        },
      },
      ...overrides,
    }),
    permissions: permissionsFor('quicksight-data-set', { owners: [ADMINS], viewers: [] }),
  };
}

describe('AwsQuickSightDataSetProvider', () => {
  it('refuses a data set without ImportMode before sending anything', async () => {
    const { base } = options();
    const dataSets = new AwsQuickSightDataSetProvider(base);
    const { ImportMode: _mode, ...withoutMode } = dataSet().body;
    await expect(
      dataSets.apply(change('quicksight-data-set', 'create', { ...dataSet(), body: withoutMode })),
    ).rejects.toThrow(
      `Refusing to write QuickSight data set ${DATA_SET} (${REGION}): ImportMode is required and must be SPICE or DIRECT_QUERY, got nothing`,
    );
    expect(qs.calls()).toHaveLength(0);
  });

  it('creates with the ownership tag and its permissions', async () => {
    const { base, writes } = options();
    const dataSets = new AwsQuickSightDataSetProvider(base);
    qs.on(CreateDataSetCommand).resolves({ DataSetId: DATA_SET, IngestionId: 'i-1' });

    await dataSets.apply(change('quicksight-data-set', 'create', dataSet()));

    expect(qs.commandCalls(CreateDataSetCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      ...dataSet().body,
      Permissions: [{ Principal: ADMINS, Actions: dataSet().permissions[0]?.actions }],
      Tags: OWNED_TAGS,
    });
    expect(writes.byOperation()).toEqual({ CreateDataSet: 1 });
  });

  it('reads DescribeDataSet into the desired shape: output columns, usage defaults and the generated logical table go', async () => {
    const { base } = options();
    const dataSets = new AwsQuickSightDataSetProvider(base);
    qs.on(ListDataSetsCommand).resolves({
      DataSetSummaries: [
        { DataSetId: DATA_SET, Arn: dataSetArn(DATA_SET), Name: 'Accounts', ImportMode: 'SPICE' },
      ],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(DescribeDataSetCommand).resolves({
      DataSet: {
        ...(dataSet().body as object),
        Arn: dataSetArn(DATA_SET),
        CreatedTime: new Date(),
        LastUpdatedTime: new Date(),
        LogicalTableMap: { '5f1c0c9e': { Alias: 'account_scores', Source: { PhysicalTableId: 'accounts' } } },
        OutputColumns: [
          { Name: 'account_name', Type: 'STRING' },
          { Name: 'score', Type: 'DECIMAL' },
        ],
        ConsumedSpiceCapacityInBytes: 2048,
        DataSetUsageConfiguration: {
          DisableUseAsDirectQuerySource: false,
          DisableUseAsImportedSource: false,
        },
      },
    });
    qs.on(DescribeDataSetPermissionsCommand).resolves({
      Permissions: [{ Principal: ADMINS, Actions: dataSet().permissions[0]?.actions }],
    });

    const [current] = await dataSets.read([desired('quicksight-data-set', dataSet())]);

    expect(current?.properties).toEqual(dataSet());
    expect(current?.owned).toBe(true);
  });

  it('updates the body only when it changed, then its permissions', async () => {
    const { base, writes } = options();
    const dataSets = new AwsQuickSightDataSetProvider(base);
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(UpdateDataSetCommand).resolves({});
    qs.on(DescribeDataSetPermissionsCommand).resolves({ Permissions: [] });
    qs.on(UpdateDataSetPermissionsCommand).resolves({});
    const after = dataSet({ ImportMode: 'DIRECT_QUERY' });

    await dataSets.apply(change('quicksight-data-set', 'update', after, dataSet()));

    expect(commandNames(qs.calls())).toEqual([
      'ListTagsForResource',
      'UpdateDataSet',
      'DescribeDataSetPermissions',
      'UpdateDataSetPermissions',
    ]);
    expect(qs.commandCalls(UpdateDataSetCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      ...after.body,
    });
    expect(qs.commandCalls(UpdateDataSetPermissionsCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DataSetId: DATA_SET,
      GrantPermissions: [{ Principal: ADMINS, Actions: after.permissions[0]?.actions }],
    });
    expect(writes.total).toBe(2);
  });

  it('leaves a data set it does not own alone, and treats one already gone as deleted', async () => {
    const { base } = options();
    const dataSets = new AwsQuickSightDataSetProvider(base);
    qs.on(ListTagsForResourceCommand, { ResourceArn: dataSetArn('org-compliance-legacy') }).resolves({
      Tags: [],
    });
    qs.on(ListTagsForResourceCommand, { ResourceArn: dataSetArn(DATA_SET) }).rejects(
      new ResourceNotFoundException({ message: 'not found', $metadata: metadata(404) }),
    );
    const legacy = { ...dataSet(), id: 'org-compliance-legacy' };

    await expect(dataSets.apply(change('quicksight-data-set', 'delete', legacy))).rejects.toThrow(
      /Refusing to delete QuickSight data set org-compliance-legacy/,
    );
    await dataSets.apply(change('quicksight-data-set', 'delete', dataSet()));
    expect(qs.commandCalls(DeleteDataSetCommand)).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------

function schedule(
  id = 'daily',
  dataSetId = DATA_SET,
  extra: Record<string, unknown> = {},
): QuickSightProperties {
  return {
    id,
    name: `${dataSetId} ${id}`,
    body: normalizeBody('quicksight-refresh-schedule', {
      DataSetId: dataSetId,
      ScheduleId: id,
      RefreshType: 'FULL_REFRESH',
      ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
      ...extra,
    }),
    permissions: [],
  };
}

describe('AwsQuickSightRefreshScheduleProvider', () => {
  it('refuses more than five schedules on one data set before any call', async () => {
    const { base } = options();
    const schedules = new AwsQuickSightRefreshScheduleProvider(base);
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) =>
      desired('quicksight-refresh-schedule', schedule(id)),
    );
    await expect(schedules.read(six)).rejects.toThrow(
      `QuickSight data set ${DATA_SET} has 6 refresh schedules (a, b, c, d, e, f); QuickSight allows at most 5 a data set`,
    );
    expect(qs.calls()).toHaveLength(0);
  });

  it('reads the schedules of SPICE data sets, owned with their data set, keyed by data set and schedule', async () => {
    const { base } = options();
    const schedules = new AwsQuickSightRefreshScheduleProvider(base);
    qs.on(ListDataSetsCommand).resolves({
      DataSetSummaries: [
        { DataSetId: DATA_SET, Arn: dataSetArn(DATA_SET), ImportMode: 'SPICE' },
        {
          DataSetId: 'org-compliance-live',
          Arn: dataSetArn('org-compliance-live'),
          ImportMode: 'DIRECT_QUERY',
        },
        { DataSetId: 'org-compliance-old', Arn: dataSetArn('org-compliance-old'), ImportMode: 'SPICE' },
      ],
    });
    qs.on(ListTagsForResourceCommand).resolves({ Tags: OWNED_TAGS });
    qs.on(ListTagsForResourceCommand, { ResourceArn: dataSetArn('org-compliance-old') }).resolves({
      Tags: [],
    });
    qs.on(ListRefreshSchedulesCommand, { DataSetId: DATA_SET }).resolves({
      RefreshSchedules: [
        {
          ScheduleId: 'daily',
          Arn: `${dataSetArn(DATA_SET)}/refresh-schedule/daily`,
          RefreshType: 'FULL_REFRESH',
          ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
          StartAfterDateTime: new Date('2025-06-01T09:13:00Z'),
        },
      ],
    });
    qs.on(ListRefreshSchedulesCommand, { DataSetId: 'org-compliance-old' }).resolves({
      RefreshSchedules: [
        { ScheduleId: 'hourly', RefreshType: 'FULL_REFRESH', ScheduleFrequency: { Interval: 'HOURLY' } },
      ],
    });

    const current = await schedules.read([desired('quicksight-refresh-schedule', schedule())]);

    expect(current).toEqual([
      {
        kind: 'quicksight-refresh-schedule',
        key: `quicksight-refresh-schedule/${REGION}/daily`,
        region: REGION,
        properties: schedule(),
        owned: true,
      },
      {
        kind: 'quicksight-refresh-schedule',
        key: `quicksight-refresh-schedule/${REGION}/org-compliance-old/hourly`,
        region: REGION,
        properties: {
          id: 'hourly',
          name: 'hourly',
          body: {
            DataSetId: 'org-compliance-old',
            RefreshType: 'FULL_REFRESH',
            ScheduleFrequency: { Interval: 'HOURLY' },
            ScheduleId: 'hourly',
          },
          permissions: [],
        },
        owned: false,
      },
    ]);
    expect(qs.commandCalls(ListRefreshSchedulesCommand).map((c) => c.args[0].input.DataSetId)).toEqual([
      DATA_SET,
      'org-compliance-old',
    ]);
  });

  it('creates a schedule on an owned data set, with its start time as a timestamp', async () => {
    const { base, writes } = options();
    const schedules = new AwsQuickSightRefreshScheduleProvider(base);
    qs.on(ListTagsForResourceCommand, { ResourceArn: dataSetArn(DATA_SET) }).resolves({ Tags: OWNED_TAGS });
    qs.on(CreateRefreshScheduleCommand).resolves({});

    await schedules.apply(
      change(
        'quicksight-refresh-schedule',
        'create',
        schedule('daily', DATA_SET, { StartAfterDateTime: '2025-07-01T00:00:00Z' }),
      ),
    );

    expect(qs.commandCalls(CreateRefreshScheduleCommand)[0]?.args[0].input).toEqual({
      AwsAccountId: ACCOUNT,
      DataSetId: DATA_SET,
      Schedule: {
        ScheduleId: 'daily',
        RefreshType: 'FULL_REFRESH',
        ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00', Timezone: 'UTC' },
        StartAfterDateTime: new Date('2025-07-01T00:00:00Z'),
      },
    });
    expect(writes.byOperation()).toEqual({ CreateRefreshSchedule: 1 });
  });

  it('leaves schedules of a data set it does not own alone', async () => {
    const { base } = options();
    const schedules = new AwsQuickSightRefreshScheduleProvider(base);
    qs.on(ListTagsForResourceCommand).resolves({ Tags: [] });

    await expect(
      schedules.apply(change('quicksight-refresh-schedule', 'create', schedule())),
    ).rejects.toThrow(
      `Refusing to create QuickSight refresh schedule ${DATA_SET}/daily (${REGION}): its data set ${DATA_SET} does not carry the ownership tag managed-by=org-compliance`,
    );
    await expect(
      schedules.apply(change('quicksight-refresh-schedule', 'delete', schedule())),
    ).rejects.toThrow(/Refusing to delete/);
    expect(qs.commandCalls(CreateRefreshScheduleCommand)).toHaveLength(0);
    expect(qs.commandCalls(DeleteRefreshScheduleCommand)).toHaveLength(0);
  });
});

describe('createQuickSightProviders', () => {
  it('builds one provider per kind, and refuses options that would make ownership meaningless', () => {
    const { base } = options();
    const providers = createQuickSightProviders(base);
    expect(Object.entries(providers).map(([kind, p]) => [kind, p.kind])).toEqual([
      ['quicksight-data-source', 'quicksight-data-source'],
      ['quicksight-data-set', 'quicksight-data-set'],
      ['quicksight-refresh-schedule', 'quicksight-refresh-schedule'],
      ['quicksight-analysis', 'quicksight-analysis'],
      ['quicksight-dashboard', 'quicksight-dashboard'],
    ]);
    expect(() => createQuickSightProviders({ ...base, ownership: { tagKey: '', tagValue: 'x' } })).toThrow(
      /must not be empty/,
    );
    expect(() => createQuickSightProviders({ ...base, accountId: '1234' })).toThrow(
      /12-digit AWS account id/,
    );
  });
});
