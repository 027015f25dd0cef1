import {
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetTableCommand,
  type Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { desiredGlueTable } from '../../../src/desired/glue-table.js';
import type { Account } from '../../../src/model/config.js';
import type { Change } from '../../../src/model/plan.js';
import type { DesiredResource, GlueTableProperties } from '../../../src/model/resources.js';
import {
  AwsGlueTableProvider,
  glueTableKey,
  propertiesFromTable,
  tableInputFromProperties,
} from '../../../src/providers/aws/glue-table.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { commandNames, fakeTime, metadata, ORG, regionalClients } from './fakes.js';

const { clients, glue } = regionalClients(['eu-west-1']);
const glueMock = mockClient(glue.get('eu-west-1') as NonNullable<ReturnType<typeof glue.get>>);

afterEach(() => {
  glueMock.reset();
});

const ACCOUNTS: Account[] = [
  {
    id: '111111111111',
    name: 'management',
    state: 'ACTIVE',
    ouPath: '/Root',
    joined: '2019-11-20',
    extra: {},
  },
  {
    id: '012345678901',
    name: 'prod-payments',
    state: 'ACTIVE',
    ouPath: '/Root/Workloads/Prod',
    joined: '2022-06-15',
    extra: {},
  },
  {
    id: '210987654321',
    name: 'dev-payments',
    state: 'ACTIVE',
    ouPath: '/Root/Workloads/Dev',
    joined: '2022-06-15',
    extra: {},
  },
];

const desiredTable: GlueTableProperties = desiredGlueTable(ORG, ACCOUNTS, '2025-06-02');
const KEY = glueTableKey('eu-west-1', 'org_compliance', 'config_snapshots');
const desired: DesiredResource<'glue-table'> = {
  kind: 'glue-table',
  key: KEY,
  region: 'eu-west-1',
  properties: desiredTable,
};

/** What GetTable answers for a table created from `p`, service-set fields included. */
function storedTable(p: GlueTableProperties, versionId = '7'): Table {
  const input = tableInputFromProperties(p);
  return {
    ...input,
    Name: p.name,
    DatabaseName: p.database,
    CatalogId: '111111111111',
    CreateTime: new Date('2025-01-02T10:00:00Z'),
    UpdateTime: new Date('2025-05-30T10:00:00Z'),
    CreatedBy: 'arn:aws:sts::111111111111:assumed-role/org-compliance-apply/GitHubActions',
    IsRegisteredWithLakeFormation: false,
    VersionId: versionId,
    Retention: 0,
    Parameters: { ...input.Parameters, transient_lastDdlTime: '1735812000' },
    StorageDescriptor: {
      ...input.StorageDescriptor,
      Compressed: false,
      NumberOfBuckets: -1,
      BucketColumns: [],
      SortColumns: [],
      StoredAsSubDirectories: false,
    },
  };
}

const notFound = (message: string) => new EntityNotFoundException({ message, $metadata: metadata(400) });

function provider() {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  return { glueTables: new AwsGlueTableProvider({ clients, send, org: ORG }), writes };
}

function change(action: Change['action'], after?: GlueTableProperties): Change<'glue-table'> {
  return {
    action,
    kind: 'glue-table',
    key: KEY,
    region: 'eu-west-1',
    name: 'org_compliance.config_snapshots',
    ...(after ? { after } : {}),
    diffs: [],
  };
}

describe('tableInputFromProperties and propertiesFromTable', () => {
  it('round-trip: what GetTable returns for a created table reads back equal to the desired properties', () => {
    const read = propertiesFromTable(storedTable(desiredTable), ORG.ownership);
    expect(read.properties).toStrictEqual(desiredTable);
    expect(read.owned).toBe(true);
    expect(read.versionId).toBe('7');
  });

  it('a table changed by hand reads back different', () => {
    const table = storedTable(desiredTable);
    const parameters = { ...table.Parameters };
    parameters['projection.account.values'] = '012345678901,111111111111';
    const read = propertiesFromTable({ ...table, Parameters: parameters }, ORG.ownership);
    expect(read.properties).not.toEqual(desiredTable);
    expect(read.properties.parameters['projection.account.values']).toBe('012345678901,111111111111');
    expect(desiredTable.parameters['projection.account.values']).toBe(
      '012345678901,111111111111,210987654321',
    );
  });

  it('a table without the ownership parameter is not owned', () => {
    const table = storedTable(desiredTable);
    const { 'managed-by': _, ...parameters } = table.Parameters ?? {};
    expect(propertiesFromTable({ ...table, Parameters: parameters }, ORG.ownership).owned).toBe(false);
  });
});

describe('AwsGlueTableProvider', () => {
  it('reads nothing when the table does not exist', async () => {
    glueMock.on(GetTableCommand).rejects(notFound('Table config_snapshots not found.'));
    const { glueTables } = provider();

    expect(await glueTables.read([desired])).toEqual([]);
    expect(glueMock.commandCalls(GetTableCommand).map((c) => c.args[0].input)).toEqual([
      { DatabaseName: 'org_compliance', Name: 'config_snapshots' },
    ]);
  });

  it('reads an unchanged table as exactly the desired resource, owned (a no-op for plan)', async () => {
    glueMock.on(GetTableCommand).resolves({ Table: storedTable(desiredTable) });
    const { glueTables } = provider();

    expect(await glueTables.read([desired])).toStrictEqual([{ ...desired, owned: true }]);
  });

  it('creates the database when it is missing, then the table', async () => {
    glueMock.on(GetDatabaseCommand).rejects(notFound('Database org_compliance not found.'));
    glueMock.on(CreateDatabaseCommand).resolves({});
    glueMock.on(CreateTableCommand).resolves({});
    const { glueTables, writes } = provider();

    await glueTables.apply(change('create', desiredTable));

    expect(commandNames(glueMock.calls())).toEqual(['GetDatabase', 'CreateDatabase', 'CreateTable']);
    expect(glueMock.commandCalls(CreateDatabaseCommand)[0]?.args[0].input).toEqual({
      DatabaseInput: {
        Name: 'org_compliance',
        Description: 'AWS Config snapshots across the organization, managed by org-compliance',
        Parameters: { 'managed-by': 'org-compliance' },
      },
    });
    expect(glueMock.commandCalls(CreateTableCommand)[0]?.args[0].input).toEqual({
      DatabaseName: 'org_compliance',
      TableInput: tableInputFromProperties(desiredTable),
    });
    expect(writes.total).toBe(2);
  });

  it('creates only the table when the database exists', async () => {
    glueMock.on(GetDatabaseCommand).resolves({ Database: { Name: 'org_compliance' } });
    glueMock.on(CreateTableCommand).resolves({});
    const { glueTables, writes } = provider();

    await glueTables.apply(change('create', desiredTable));

    expect(commandNames(glueMock.calls())).toEqual(['GetDatabase', 'CreateTable']);
    expect(writes.total).toBe(1);
  });

  it('updates with the full TableInput and the VersionId it read', async () => {
    const drifted = storedTable(desiredTable, '12');
    drifted.Parameters = { ...drifted.Parameters, 'projection.account.values': '111111111111' };
    glueMock.on(GetTableCommand).resolves({ Table: drifted });
    glueMock.on(UpdateTableCommand).resolves({});
    const { glueTables, writes } = provider();

    const [current] = await glueTables.read([desired]);
    expect(current?.properties.parameters['projection.account.values']).toBe('111111111111');
    await glueTables.apply(change('update', desiredTable));

    const input = glueMock.commandCalls(UpdateTableCommand)[0]?.args[0].input;
    expect(input).toEqual({
      DatabaseName: 'org_compliance',
      TableInput: tableInputFromProperties(desiredTable),
      VersionId: '12',
    });
    // Everything is sent: columns, partition keys, SerDe, every parameter.
    expect(input?.TableInput?.StorageDescriptor?.Columns).toHaveLength(3);
    expect(input?.TableInput?.PartitionKeys?.map((k) => k.Name)).toEqual([
      'account',
      'region',
      'dt',
      'itemtype',
    ]);
    expect(input?.TableInput?.Parameters?.['projection.account.values']).toBe(
      '012345678901,111111111111,210987654321',
    );
    expect(writes.total).toBe(1);
  });

  it('explains a ConcurrentModificationException and does not retry it', async () => {
    glueMock.on(GetTableCommand).resolves({ Table: storedTable(desiredTable, '12') });
    glueMock.on(UpdateTableCommand).rejects(
      new ConcurrentModificationException({
        message: 'Update table failed due to concurrent modifications.',
        $metadata: metadata(400),
      }),
    );
    const { glueTables } = provider();
    await glueTables.read([desired]);

    await expect(glueTables.apply(change('update', desiredTable))).rejects.toThrow(
      'Glue table org_compliance.config_snapshots in eu-west-1 changed since the plan was made (the plan read version 12); run plan again.',
    );
    expect(glueMock.commandCalls(UpdateTableCommand)).toHaveLength(1);
  });

  it('never deletes a table', async () => {
    const { glueTables, writes } = provider();
    await expect(glueTables.apply(change('delete'))).rejects.toThrow(/never deletes tables/);
    expect(glueMock.calls()).toHaveLength(0);
    expect(writes.total).toBe(0);
  });
});
