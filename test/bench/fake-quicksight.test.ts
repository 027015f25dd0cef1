import {
  CreateAnalysisCommand,
  CreateDataSetCommand,
  CreateDataSourceCommand,
  CreateRefreshScheduleCommand,
  DeleteAnalysisCommand,
  DescribeAnalysisCommand,
  DescribeDataSetCommand,
  DescribeDataSetPermissionsCommand,
  ListAnalysesCommand,
  ListDataSetsCommand,
  ListRefreshSchedulesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAnalysisCommand,
  UpdateDataSetPermissionsCommand,
} from '@aws-sdk/client-quicksight';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { FakeAws } from '../../src/bench/fake-aws.js';
import { syntheticOrganization } from '../../src/demo/synthetic-org.js';

const ACCOUNT = '222233334444';
const REGION = 'eu-west-1';
const ARN = (type: string, id: string) => `arn:aws:quicksight:${REGION}:${ACCOUNT}:${type}/${id}`;

function fake() {
  const aws = new FakeAws(
    syntheticOrganization({
      organizationId: 'o-a1b2c3d4e5',
      accounts: 3,
      ous: 1,
      seed: 1,
      until: '2026-10-31',
    }),
    { accountId: ACCOUNT },
  );
  const clients = aws.clients();
  return { aws, qs: clients.quicksight(REGION), sts: clients.sts(REGION) };
}

async function withSource(qs: ReturnType<typeof fake>['qs']) {
  await qs.send(
    new CreateDataSourceCommand({
      AwsAccountId: ACCOUNT,
      DataSourceId: 'athena',
      Name: 'Athena',
      Type: 'ATHENA',
      DataSourceParameters: { AthenaParameters: { WorkGroup: 'primary' } },
    }),
  );
}

function dataSet(id: string) {
  return new CreateDataSetCommand({
    AwsAccountId: ACCOUNT,
    DataSetId: id,
    Name: id,
    ImportMode: 'SPICE',
    PhysicalTableMap: {
      t: {
        RelationalTable: {
          DataSourceArn: ARN('datasource', 'athena'),
          Schema: 'db',
          Name: id,
          InputColumns: [{ Name: 'a', Type: 'STRING' }],
        },
      },
    },
    Tags: [{ Key: 'managed-by', Value: 'org-compliance' }],
  });
}

/** What an SDK call threw: its name, fault and HTTP status. */
async function failure(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; $fault: string; $metadata: { httpStatusCode: number } };
  return { name: error?.name, fault: error?.$fault, status: error?.$metadata.httpStatusCode };
}

describe('the fake QuickSight', () => {
  it('answers STS GetCallerIdentity with its account', async () => {
    const { sts } = fake();
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
  });

  it('pages ListDataSets with NextToken and refuses a page larger than 100', async () => {
    const { qs } = fake();
    await withSource(qs);
    for (let i = 0; i < 5; i++) await qs.send(dataSet(`ds-${i}`));
    const first = await qs.send(new ListDataSetsCommand({ AwsAccountId: ACCOUNT, MaxResults: 2 }));
    expect(first.DataSetSummaries?.map((d) => d.DataSetId)).toEqual(['ds-0', 'ds-1']);
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await qs.send(
        new ListDataSetsCommand({
          AwsAccountId: ACCOUNT,
          MaxResults: 2,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      ids.push(...(page.DataSetSummaries ?? []).map((d) => d.DataSetId ?? ''));
      token = page.NextToken;
    } while (token);
    expect(ids).toEqual(['ds-0', 'ds-1', 'ds-2', 'ds-3', 'ds-4']);
    expect(
      await failure(qs.send(new ListDataSetsCommand({ AwsAccountId: ACCOUNT, MaxResults: 101 }))),
    ).toEqual({
      name: 'InvalidParameterValueException',
      fault: 'client',
      status: 400,
    });
  });

  it('refuses what the service refuses, with the SDK error names and statuses', async () => {
    const { qs } = fake();
    await withSource(qs);
    await qs.send(dataSet('ds'));
    expect(await failure(qs.send(dataSet('ds')))).toEqual({
      name: 'ResourceExistsException',
      fault: 'client',
      status: 409,
    });
    expect(
      await failure(qs.send(new DescribeDataSetCommand({ AwsAccountId: ACCOUNT, DataSetId: 'nope' }))),
    ).toEqual({ name: 'ResourceNotFoundException', fault: 'client', status: 404 });
    expect(
      await failure(qs.send(new ListTagsForResourceCommand({ ResourceArn: ARN('dashboard', 'nope') }))),
    ).toEqual({ name: 'ResourceNotFoundException', fault: 'client', status: 404 });
    expect(
      await failure(qs.send(new DescribeDataSetCommand({ AwsAccountId: '999999999999', DataSetId: 'ds' }))),
    ).toEqual({ name: 'AccessDeniedException', fault: 'client', status: 401 });
    // At most five schedules a data set.
    const schedule = (id: string) =>
      new CreateRefreshScheduleCommand({
        AwsAccountId: ACCOUNT,
        DataSetId: 'ds',
        Schedule: {
          ScheduleId: id,
          RefreshType: 'FULL_REFRESH',
          ScheduleFrequency: { Interval: 'DAILY', TimeOfTheDay: '06:00' },
        },
      });
    for (let i = 0; i < 5; i++) await qs.send(schedule(`s${i}`));
    expect((await failure(qs.send(schedule('s5')))).name).toBe('LimitExceededException');
    const listed = await qs.send(new ListRefreshSchedulesCommand({ AwsAccountId: ACCOUNT, DataSetId: 'ds' }));
    expect(listed.RefreshSchedules).toHaveLength(5);
    // QuickSight puts the creation time where the request left StartAfterDateTime out.
    expect(listed.RefreshSchedules?.[0]?.StartAfterDateTime).toBeInstanceOf(Date);
  });

  it('keeps an analysis in progress for one status look, refuses updates meanwhile, and fails a Definition naming an undeclared data set', async () => {
    const { qs } = fake();
    await withSource(qs);
    await qs.send(dataSet('ds'));
    const definition = (identifier: string) => ({
      DataSetIdentifierDeclarations: [{ Identifier: 'ds', DataSetArn: ARN('dataset', 'ds') }],
      Sheets: [
        {
          SheetId: 's1',
          Name: 'One',
          Visuals: [
            {
              TableVisual: {
                VisualId: 'v1',
                ChartConfiguration: {
                  FieldWells: {
                    TableUnaggregatedFieldWells: {
                      Values: [{ FieldId: 'f', Column: { DataSetIdentifier: identifier, ColumnName: 'a' } }],
                    },
                  },
                },
              },
            },
          ],
        },
      ],
    });
    const created = await qs.send(
      new CreateAnalysisCommand({
        AwsAccountId: ACCOUNT,
        AnalysisId: 'a',
        Name: 'A',
        Definition: definition('ds'),
      }),
    );
    expect(created.CreationStatus).toBe('CREATION_IN_PROGRESS');
    const update = () =>
      qs.send(
        new UpdateAnalysisCommand({
          AwsAccountId: ACCOUNT,
          AnalysisId: 'a',
          Name: 'A',
          Definition: definition('gone'),
        }),
      );
    expect((await failure(update())).name).toBe('ConflictException');
    const status = async () =>
      (await qs.send(new DescribeAnalysisCommand({ AwsAccountId: ACCOUNT, AnalysisId: 'a' }))).Analysis;
    expect((await status())?.Status).toBe('CREATION_IN_PROGRESS');
    expect((await status())?.Status).toBe('CREATION_SUCCESSFUL');

    expect((await update()).UpdateStatus).toBe('UPDATE_IN_PROGRESS');
    await status();
    const failed = await status();
    expect(failed?.Status).toBe('UPDATE_FAILED');
    expect(failed?.Errors).toEqual([
      {
        Type: 'DATA_SET_NOT_FOUND',
        Message: 'Data set identifier gone is not declared',
        ViolatedEntities: [
          {
            Path: '/Sheets/0/Visuals/0/TableVisual/ChartConfiguration/FieldWells/TableUnaggregatedFieldWells/Values/0/Column',
          },
        ],
      },
    ]);

    // Deleted analyses stay listed as DELETED during their recovery window, and keep their id.
    await qs.send(new DeleteAnalysisCommand({ AwsAccountId: ACCOUNT, AnalysisId: 'a' }));
    const list = await qs.send(new ListAnalysesCommand({ AwsAccountId: ACCOUNT }));
    expect(list.AnalysisSummaryList?.map((a) => [a.AnalysisId, a.Status])).toEqual([['a', 'DELETED']]);
    expect(
      (
        await failure(
          qs.send(
            new CreateAnalysisCommand({
              AwsAccountId: ACCOUNT,
              AnalysisId: 'a',
              Name: 'A',
              Definition: definition('ds'),
            }),
          ),
        )
      ).name,
    ).toBe('ResourceExistsException');
  });

  it('keeps tags and permissions per principal, as granted, revoked and tagged', async () => {
    const { aws, qs } = fake();
    await withSource(qs);
    await qs.send(dataSet('ds'));
    const arn = ARN('dataset', 'ds');
    await qs.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'sre' }] }));
    await qs.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['managed-by'] }));
    expect((await qs.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([
      { Key: 'team', Value: 'sre' },
    ]);

    const alice = `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/alice`;
    const bob = `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/bob`;
    await qs.send(
      new UpdateDataSetPermissionsCommand({
        AwsAccountId: ACCOUNT,
        DataSetId: 'ds',
        GrantPermissions: [
          { Principal: alice, Actions: ['quicksight:DescribeDataSet', 'quicksight:PassDataSet'] },
          { Principal: bob, Actions: ['quicksight:DescribeDataSet'] },
        ],
      }),
    );
    await qs.send(
      new UpdateDataSetPermissionsCommand({
        AwsAccountId: ACCOUNT,
        DataSetId: 'ds',
        RevokePermissions: [
          { Principal: alice, Actions: ['quicksight:PassDataSet'] },
          { Principal: bob, Actions: ['quicksight:DescribeDataSet'] },
        ],
      }),
    );
    const permissions = await qs.send(
      new DescribeDataSetPermissionsCommand({ AwsAccountId: ACCOUNT, DataSetId: 'ds' }),
    );
    expect(permissions.Permissions).toEqual([{ Principal: alice, Actions: ['quicksight:DescribeDataSet'] }]);
    // Both permission changes count as writes, the tag changes too.
    expect(aws.writeCalls().map((c) => c.operation)).toEqual([
      'CreateDataSource',
      'CreateDataSet',
      'TagResource',
      'UntagResource',
      'UpdateDataSetPermissions',
      'UpdateDataSetPermissions',
    ]);
  });
});
