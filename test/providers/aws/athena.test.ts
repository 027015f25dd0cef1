import {
  GetQueryExecutionCommand,
  type GetQueryExecutionOutput,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type WorkGroup,
} from '@aws-sdk/client-athena';
import { GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeAws, NO_OUTPUT_LOCATION } from '../../../src/bench/fake-aws.js';
import type { OrgConfig } from '../../../src/model/config.js';
import {
  AthenaQueryError,
  AthenaQueryRunner,
  type AthenaQueryRunnerOptions,
  AthenaWorkGroupError,
  parseAthenaPosition,
  resultPlacement,
} from '../../../src/providers/aws/athena.js';
import { encodePrestoView } from '../../../src/providers/aws/athena-views.js';
import { createAwsClients } from '../../../src/providers/aws/clients.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { commandNames, fakeTime, metadata, ORG, regionalClients } from './fakes.js';

/** Every StartQueryExecution carries its own idempotency token (one for all its attempts). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const { clients, athena, glue } = regionalClients(['eu-west-1']);
const athenaMock = mockClient(athena.get('eu-west-1') as NonNullable<ReturnType<typeof athena.get>>);
const glueMock = mockClient(glue.get('eu-west-1') as NonNullable<ReturnType<typeof glue.get>>);

/** A workgroup as GetWorkGroup returns it. */
function workGroup(configuration: NonNullable<WorkGroup['Configuration']>, state = 'ENABLED'): WorkGroup {
  return { Name: 'org-compliance', State: state as WorkGroup['State'], Configuration: configuration };
}

/** The workgroup the runner tests below run in: its own result location, client settings not overridden. */
const WORKGROUP_WITH_LOCATION = workGroup({
  EnforceWorkGroupConfiguration: false,
  ResultConfiguration: { OutputLocation: 's3://workgroup-results/' },
});

beforeEach(() => {
  athenaMock.on(GetWorkGroupCommand).resolves({ WorkGroup: WORKGROUP_WITH_LOCATION });
});

afterEach(() => {
  athenaMock.reset();
  glueMock.reset();
});

const QUERY_ID = 'a1b2c3d4-5678-90ab-cdef-111111111111';

function runner(overrides: Partial<AthenaQueryRunnerOptions> = {}) {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const athenaRunner = new AthenaQueryRunner({
    clients,
    send,
    region: 'eu-west-1',
    workgroup: 'org-compliance',
    database: 'org_compliance',
    now: time.now,
    sleep: time.sleep,
    ...overrides,
  });
  return { athenaRunner, time, writes };
}

function execution(
  state: string,
  extra: Partial<NonNullable<GetQueryExecutionOutput['QueryExecution']>> = {},
  status: Record<string, unknown> = {},
): GetQueryExecutionOutput {
  return {
    QueryExecution: {
      QueryExecutionId: QUERY_ID,
      StatementType: 'DML',
      ...extra,
      Status: { State: state, ...status } as NonNullable<
        NonNullable<GetQueryExecutionOutput['QueryExecution']>['Status']
      >,
    },
  };
}

const row = (...values: (string | null)[]) => ({
  Data: values.map((value) => (value === null ? {} : { VarCharValue: value })),
});

const COLUMN_INFO = [
  { Name: 'account', Type: 'varchar', CatalogName: 'hive', SchemaName: '', TableName: '', Label: 'account' },
  {
    Name: 'noncompliant',
    Type: 'bigint',
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Label: 'noncompliant',
  },
];

describe('parseAthenaPosition', () => {
  it('reads the line and column Athena names, with or without an error code in front', () => {
    expect(parseAthenaPosition("line 3:8: Column 'x' cannot be resolved")).toEqual({ line: 3, column: 8 });
    expect(parseAthenaPosition("SYNTAX_ERROR: line 12:15: Table 'db.t' does not exist")).toEqual({
      line: 12,
      column: 15,
    });
    expect(
      parseAthenaPosition(
        "COLUMN_NOT_FOUND: line 1:1: Column 'y' cannot be resolved or requester is not authorized",
      ),
    ).toEqual({ line: 1, column: 1 });
  });

  it('says nothing when the message names no position', () => {
    expect(parseAthenaPosition('Query exhausted resources at this scale factor')).toBeUndefined();
    expect(parseAthenaPosition('the pipeline ran 3:08 minutes')).toBeUndefined();
    expect(parseAthenaPosition('')).toBeUndefined();
  });
});

describe('AthenaQueryRunner', () => {
  it('a start retried after a throttle sends the same idempotency token, so Athena runs the query once', async () => {
    athenaMock
      .on(StartQueryExecutionCommand)
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: metadata(400) }),
      )
      .resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves({
      ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMN_INFO }, Rows: [row('account', 'noncompliant')] },
    });
    const { athenaRunner } = runner();

    await athenaRunner.run('SELECT account, noncompliant FROM summary', 'the summary report');
    await athenaRunner.run('SELECT account, noncompliant FROM summary', 'the summary report again');

    const tokens = athenaMock
      .commandCalls(StartQueryExecutionCommand)
      .map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toMatch(UUID);
    // The retry repeats the first start's token; the next query has its own.
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('starts the query in the workgroup and database, polls until SUCCEEDED, and reads every result page', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: COLUMN_INFO },
          Rows: [row('account', 'noncompliant'), row('012345678901', '3'), row('111111111111', null)],
        },
        NextToken: 'page-2',
      })
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMN_INFO }, Rows: [row('210987654321', '0')] },
      });
    const { athenaRunner, time, writes } = runner();

    const result = await athenaRunner.run('SELECT account, noncompliant FROM summary', 'the summary report');

    expect(result).toEqual({
      queryExecutionId: QUERY_ID,
      columns: ['account', 'noncompliant'],
      rows: [
        ['012345678901', '3'],
        ['111111111111', null],
        ['210987654321', '0'],
      ],
    });
    expect(commandNames(athenaMock.calls())).toEqual([
      'GetWorkGroup',
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
      'GetQueryResults',
    ]);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: expect.stringMatching(UUID),
      QueryString: 'SELECT account, noncompliant FROM summary',
      WorkGroup: 'org-compliance',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'org_compliance' },
    });
    for (const call of athenaMock.commandCalls(GetQueryExecutionCommand)) {
      expect(call.args[0].input).toEqual({ QueryExecutionId: QUERY_ID });
    }
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: QUERY_ID, MaxResults: 1000 },
      { QueryExecutionId: QUERY_ID, MaxResults: 1000, NextToken: 'page-2' },
    ]);
    // Poll interval starts at 1 s and doubles.
    expect(time.sleeps).toEqual([1000, 2000]);
    // A report query is not a write.
    expect(writes.total).toBe(0);
  });

  it('refuses a SELECT result without columns (an emulator that ran nothing), but reads an empty one that names them', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } })
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMN_INFO }, Rows: [row('account', 'noncompliant')] },
      });
    const { athenaRunner } = runner();

    await expect(
      athenaRunner.run('SELECT account, noncompliant FROM summary', 'account summary'),
    ).rejects.toThrow(
      `Athena query ${QUERY_ID} (account summary) succeeded, but its result has no columns, which no SELECT returns: the service that answered did not run the query`,
    );
    expect(await athenaRunner.run('SELECT account, noncompliant FROM summary', 'account summary')).toEqual({
      queryExecutionId: QUERY_ID,
      columns: ['account', 'noncompliant'],
      rows: [],
    });
  });

  it('drops only the header row of the first page: a later row equal to the column names is data', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMN_INFO }, Rows: [row('account', 'noncompliant')] },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { Rows: [row('account', 'noncompliant')] } });
    const { athenaRunner, time } = runner();

    const result = await athenaRunner.run('SELECT * FROM t', 'a query');

    expect(result.rows).toEqual([['account', 'noncompliant']]);
    expect(time.sleeps).toEqual([]);
  });

  it('sends the result location only when one is configured', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const { athenaRunner } = runner({ outputLocation: 's3://acme-athena-results/org-compliance/' });

    const result = await athenaRunner.run('DROP VIEW IF EXISTS "org_compliance"."v"', 'drop of view v');

    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: expect.stringMatching(UUID),
      QueryString: 'DROP VIEW IF EXISTS "org_compliance"."v"',
      WorkGroup: 'org-compliance',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'org_compliance' },
      ResultConfiguration: { OutputLocation: 's3://acme-athena-results/org-compliance/' },
    });
    // DDL has no rows and no header.
    expect(result).toEqual({ queryExecutionId: QUERY_ID, columns: [], rows: [] });
  });

  it('counts StartQueryExecution as a write only when asked to', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    const { athenaRunner, writes } = runner();

    await athenaRunner.run('CREATE OR REPLACE VIEW "org_compliance"."v" AS\nSELECT 1 AS one', 'view v', {
      write: true,
    });

    expect(writes.byOperation()).toEqual({ StartQueryExecution: 1 });
  });

  it('turns a FAILED query into an AthenaQueryError with the reason, the AthenaError and the position', async () => {
    const reason = "SYNTAX_ERROR: line 3:8: Column 'x' cannot be resolved";
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('RUNNING'))
      .resolves(
        execution(
          'FAILED',
          {},
          {
            StateChangeReason: reason,
            AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: reason },
          },
        ),
      );
    const { athenaRunner } = runner();

    const error = await athenaRunner
      .run('SELECT\n  account,\n  x\nFROM t', 'view broken')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    const failure = error as AthenaQueryError;
    expect(failure.what).toBe('view broken');
    expect(failure.queryExecutionId).toBe(QUERY_ID);
    expect(failure.state).toBe('FAILED');
    expect(failure.reason).toBe(reason);
    expect(failure.athenaError).toEqual({
      ErrorCategory: 2,
      ErrorType: 1006,
      Retryable: false,
      ErrorMessage: reason,
    });
    expect(failure.position).toEqual({ line: 3, column: 8 });
    expect(failure.message).toBe(
      `Athena query ${QUERY_ID} (view broken) FAILED: SYNTAX_ERROR: line 3:8: Column 'x' cannot be resolved [category 2, type 1006]`,
    );
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('reports a CANCELLED query, using the AthenaError message when there is no StateChangeReason', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(execution('CANCELLED', {}, { AthenaError: { ErrorMessage: 'Query cancelled by user' } }));
    const { athenaRunner } = runner();

    await expect(athenaRunner.run('SELECT 1', 'a query')).rejects.toMatchObject({
      name: 'AthenaQueryError',
      state: 'CANCELLED',
      reason: 'Query cancelled by user',
      position: undefined,
    });
  });

  it('gives up on a query still RUNNING past the bound: stops it and says which query and how long it waited', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('RUNNING'));
    athenaMock.on(StopQueryExecutionCommand).resolves({});
    const { athenaRunner, time } = runner();

    await expect(athenaRunner.run('SELECT * FROM huge', 'the trend report')).rejects.toThrow(
      `Athena query ${QUERY_ID} (the trend report) was still RUNNING after waiting 5m 0s (limit 5m 0s); it has been stopped.`,
    );

    expect(athenaMock.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: QUERY_ID },
    ]);
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    // 1 s, 2 s, 4 s, then 5 s until exactly 5 minutes have passed.
    expect(time.sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(time.sleeps.every((ms) => ms <= 5000)).toBe(true);
    expect(time.elapsed()).toBe(5 * 60_000);
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(time.sleeps.length + 1);
  });

  it('still reports the timeout when stopping the query fails', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('QUEUED'));
    athenaMock
      .on(StopQueryExecutionCommand)
      .rejects(Object.assign(new Error('Query has already finished'), { name: 'InvalidRequestException' }));
    const { athenaRunner } = runner({ timeoutMs: 10_000 });

    await expect(athenaRunner.run('SELECT 1', 'a query')).rejects.toThrow(
      `Athena query ${QUERY_ID} (a query) was still QUEUED after waiting 0m 10s (limit 0m 10s); stopping it failed too: ` +
        `Could not stop Athena query ${QUERY_ID} (a query) (StopQueryExecution in eu-west-1): Query has already finished`,
    );
  });
});

describe('Athena wiring', () => {
  it('builds the Athena client with the data credentials, one attempt, and one client per region', async () => {
    const data = async () => ({ accessKeyId: 'ASIADATA00000000', secretAccessKey: 'data-secret' });
    const management = async () => ({
      accessKeyId: 'ASIAMGMT00000000',
      secretAccessKey: 'management-secret',
    });
    const built = createAwsClients({ credentials: { data, management }, version: '1.2.3' });

    const client = built.athena('eu-west-1');
    expect(built.athena('eu-west-1')).toBe(client);
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.maxAttempts()).toBe(1);
    expect(client.config.customUserAgent).toEqual([['org-compliance', '1.2.3']]);
    expect((await client.config.credentials()).accessKeyId).toBe('ASIADATA00000000');
    expect(() => built.athena('')).toThrow('An AWS client needs a region, got an empty string');
  });

  it('the aws target exposes the runner on org.athena / org.glue and wires the athena-view provider', async () => {
    const time = fakeTime();
    const target = createAwsTarget(
      { ...ORG, athena: { workgroup: 'org-compliance', outputLocation: 's3://acme-athena-results/' } },
      { clients, sleep: time.sleep, now: time.now, random: () => 0 },
    );
    expect(target.providers['athena-view'].kind).toBe('athena-view');
    expect(target.athena).toBeInstanceOf(AthenaQueryRunner);
    expect(target.athena.region).toBe('eu-west-1');

    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    glueMock.on(GetTableCommand).resolves({
      Table: {
        Name: 'evaluations',
        DatabaseName: 'org_compliance',
        TableType: 'VIRTUAL_VIEW',
        Parameters: { presto_view: 'true' },
        ViewOriginalText: encodePrestoView({
          originalSql: 'SELECT 1 AS one',
          catalog: 'awsdatacatalog',
          schema: 'org_compliance',
          columns: [{ name: 'one', type: 'integer' }],
        }),
      },
    });
    glueMock.on(UpdateTableCommand).resolves({});
    await target.providers['athena-view'].apply({
      action: 'create',
      kind: 'athena-view',
      key: 'athena-view/eu-west-1/org_compliance.evaluations',
      region: 'eu-west-1',
      name: 'org_compliance.evaluations',
      after: { database: 'org_compliance', name: 'evaluations', sql: 'SELECT 1 AS one' },
      diffs: [],
    });

    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: expect.stringMatching(UUID),
      QueryString: 'CREATE OR REPLACE VIEW "org_compliance"."evaluations" AS\nSELECT 1 AS one',
      WorkGroup: 'org-compliance',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'org_compliance' },
      ResultConfiguration: { OutputLocation: 's3://acme-athena-results/' },
    });
    expect(target.writeCount()).toBe(2);
    expect(target.writesByOperation()).toEqual({ StartQueryExecution: 1, UpdateTable: 1 });
  });
});

describe('resultPlacement: where results go, from the workgroup and athena.outputLocation', () => {
  const ORG_LOCATION = 's3://acme-athena-results/org-compliance/';
  const WORKGROUP_LOCATION = 's3://workgroup-results/';
  const place = (found: WorkGroup | undefined, outputLocation?: string) =>
    resultPlacement('org-compliance', 'eu-west-1', found, outputLocation);
  const failure = (found: WorkGroup | undefined, outputLocation?: string): AthenaWorkGroupError => {
    try {
      place(found, outputLocation);
    } catch (error) {
      expect(error).toBeInstanceOf(AthenaWorkGroupError);
      return error as AthenaWorkGroupError;
    }
    throw new Error('expected an AthenaWorkGroupError');
  };

  it('a workgroup that does not enforce its settings: athena.outputLocation is sent', () => {
    expect(place(workGroup({ EnforceWorkGroupConfiguration: false }), ORG_LOCATION)).toEqual({
      resultConfiguration: { OutputLocation: ORG_LOCATION },
      description: `${ORG_LOCATION} (athena.outputLocation)`,
    });
    expect(
      place(
        workGroup({ ResultConfiguration: { OutputLocation: WORKGROUP_LOCATION } }), // no Enforce: false
        ORG_LOCATION,
      ).resultConfiguration,
    ).toEqual({ OutputLocation: ORG_LOCATION });
  });

  it("without athena.outputLocation, a workgroup's own location applies and nothing is sent", () => {
    expect(
      place(
        workGroup({
          EnforceWorkGroupConfiguration: false,
          ResultConfiguration: { OutputLocation: WORKGROUP_LOCATION },
        }),
      ),
    ).toEqual({ description: `${WORKGROUP_LOCATION} (workgroup org-compliance)` });
  });

  it('a workgroup that enforces its location wins: athena.outputLocation is not sent', () => {
    expect(
      place(
        workGroup({
          EnforceWorkGroupConfiguration: true,
          ResultConfiguration: { OutputLocation: WORKGROUP_LOCATION },
        }),
        ORG_LOCATION,
      ),
    ).toEqual({ description: `${WORKGROUP_LOCATION} (workgroup org-compliance, enforced)` });
  });

  it('a workgroup with Athena managed query results needs no location, and is sent none', () => {
    expect(
      place(
        workGroup({
          EnforceWorkGroupConfiguration: false,
          ManagedQueryResultsConfiguration: { Enabled: true },
        }),
        ORG_LOCATION,
      ),
    ).toEqual({ description: 'Athena managed query results (workgroup org-compliance)' });
  });

  it('neither the workgroup nor org.yaml gives a location: says which setting to add', () => {
    const error = failure(workGroup({ EnforceWorkGroupConfiguration: false, ResultConfiguration: {} }));
    expect(error.message).toBe(
      "Athena workgroup 'org-compliance' in eu-west-1 has no query result location and config/org.yaml " +
        'sets no athena.outputLocation, so Athena would refuse every query ("No output location provided"): ' +
        'add athena.outputLocation to config/org.yaml (an S3 URI such as s3://<bucket>/org-compliance/), or ' +
        'give the workgroup a result location and turn on its "Override client-side settings" ' +
        '(EnforceWorkGroupConfiguration).',
    );
    expect(error).toMatchObject({ workgroup: 'org-compliance', region: 'eu-west-1' });
    // An empty location is no location.
    expect(() => place(workGroup({ ResultConfiguration: { OutputLocation: '' } }))).toThrow(
      'has no query result location',
    );
  });

  it('a workgroup that enforces its settings without a location of its own fails even with athena.outputLocation', () => {
    expect(failure(workGroup({ EnforceWorkGroupConfiguration: true }), ORG_LOCATION).message).toBe(
      "Athena workgroup 'org-compliance' in eu-west-1 overrides client-side settings " +
        '(EnforceWorkGroupConfiguration) but has no query result location of its own, so Athena ' +
        'ignores athena.outputLocation and refuses every query: give the workgroup a result location ' +
        '(ResultConfiguration.OutputLocation), or turn off its "Override client-side settings" and set ' +
        'athena.outputLocation in config/org.yaml.',
    );
  });

  it('a DISABLED workgroup, and one that does not exist, are named with what to do', () => {
    expect(
      failure(
        workGroup(
          {
            EnforceWorkGroupConfiguration: true,
            ResultConfiguration: { OutputLocation: WORKGROUP_LOCATION },
          },
          'DISABLED',
        ),
        ORG_LOCATION,
      ).message,
    ).toBe(
      "Athena workgroup 'org-compliance' in eu-west-1 is DISABLED and runs no queries: enable it " +
        '(aws athena update-work-group --work-group org-compliance --state ENABLED --region eu-west-1) ' +
        'or set athena.workgroup in config/org.yaml to an enabled workgroup.',
    );
    expect(failure(undefined, ORG_LOCATION).message).toBe(
      "Athena workgroup 'org-compliance' does not exist in eu-west-1: set athena.workgroup in " +
        "config/org.yaml to an existing workgroup (the default is 'primary'), or create 'org-compliance' in eu-west-1.",
    );
  });
});

describe('AthenaQueryRunner: the workgroup check before the first query', () => {
  function succeeds() {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED', { StatementType: 'DDL' }));
    athenaMock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
  }

  it('reads the workgroup once, before the first query, for every query the runner runs', async () => {
    succeeds();
    const { athenaRunner } = runner();

    await Promise.all([athenaRunner.run('SELECT 1', 'one'), athenaRunner.run('SELECT 2', 'two')]);
    await athenaRunner.run('SELECT 3', 'three');

    expect(athenaMock.commandCalls(GetWorkGroupCommand).map((c) => c.args[0].input)).toEqual([
      { WorkGroup: 'org-compliance' },
    ]);
    expect(commandNames(athenaMock.calls())[0]).toBe('GetWorkGroup');
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
  });

  it('sends no ResultConfiguration to a workgroup that enforces its own location', async () => {
    athenaMock.on(GetWorkGroupCommand).resolves({
      WorkGroup: workGroup({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { OutputLocation: 's3://workgroup-results/' },
      }),
    });
    succeeds();
    const { athenaRunner } = runner({ outputLocation: 's3://acme-athena-results/org-compliance/' });

    await athenaRunner.run('SELECT 1', 'a query');

    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: expect.stringMatching(UUID),
      QueryString: 'SELECT 1',
      WorkGroup: 'org-compliance',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'org_compliance' },
    });
    expect(await athenaRunner.resultPlacement()).toEqual({
      description: 's3://workgroup-results/ (workgroup org-compliance, enforced)',
    });
  });

  it('without any result location no query is started; the next run looks at the workgroup again', async () => {
    athenaMock
      .on(GetWorkGroupCommand)
      .resolves({ WorkGroup: workGroup({ EnforceWorkGroupConfiguration: false }) });
    succeeds();
    const { athenaRunner } = runner();

    const error = await athenaRunner.run('SELECT 1', 'the summary report').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaWorkGroupError);
    expect((error as Error).message).toContain('add athena.outputLocation to config/org.yaml');
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);

    // Someone gave the workgroup a location meanwhile: a failed look is not remembered.
    athenaMock.on(GetWorkGroupCommand).resolves({ WorkGroup: WORKGROUP_WITH_LOCATION });
    await athenaRunner.run('SELECT 1', 'the summary report');
    expect(athenaMock.commandCalls(GetWorkGroupCommand)).toHaveLength(2);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it("Athena's 'WorkGroup is not found.' becomes the message naming athena.workgroup", async () => {
    athenaMock.on(GetWorkGroupCommand).rejects(
      Object.assign(new Error('WorkGroup is not found.'), {
        name: 'InvalidRequestException',
        AthenaErrorCode: 'INVALID_INPUT',
        $metadata: metadata(),
      }),
    );
    const { athenaRunner } = runner({ workgroup: 'no-such-workgroup' });

    await expect(athenaRunner.run('SELECT 1', 'a query')).rejects.toThrow(
      "Athena workgroup 'no-such-workgroup' does not exist in eu-west-1: set athena.workgroup in " +
        "config/org.yaml to an existing workgroup (the default is 'primary'), or create 'no-such-workgroup' in eu-west-1.",
    );
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('a GetWorkGroup denied by IAM names the permission the data role lacks', async () => {
    athenaMock.on(GetWorkGroupCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:sts::222222222222:assumed-role/x/y is not authorized to perform: athena:GetWorkGroup',
        ),
        {
          name: 'AccessDeniedException',
          $metadata: metadata(),
        },
      ),
    );
    const { athenaRunner } = runner();

    await expect(athenaRunner.run('SELECT 1', 'a query')).rejects.toThrow(
      "Could not read Athena workgroup 'org-compliance' (GetWorkGroup in eu-west-1): User: arn:aws:sts::222222222222:assumed-role/x/y " +
        "is not authorized to perform: athena:GetWorkGroup. The data role needs athena:GetWorkGroup on workgroup 'org-compliance' " +
        '(docs/setup.md lists the read permissions).',
    );
  });

  it('checkWorkGroup: false sends athena.outputLocation unchecked and reads no workgroup', async () => {
    succeeds();
    const { athenaRunner } = runner({ checkWorkGroup: false, outputLocation: 's3://acme-athena-results/' });

    await athenaRunner.run('SELECT 1', 'a query');

    expect(athenaMock.commandCalls(GetWorkGroupCommand)).toHaveLength(0);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ResultConfiguration).toEqual(
      {
        OutputLocation: 's3://acme-athena-results/',
      },
    );
  });
});

describe('the aws target against the in-process fake Athena: result locations as AWS decides them', () => {
  const REGION = 'eu-west-1';
  const fakeOrg = (athenaSettings: OrgConfig['athena']): OrgConfig => ({ ...ORG, athena: athenaSettings });
  const target = (fake: FakeAws, athenaSettings: OrgConfig['athena']) =>
    createAwsTarget(fakeOrg(athenaSettings), {
      clients: fake.clients(),
      sleep: async () => {},
      maxAttempts: 1,
    });
  const athenaCalls = (fake: FakeAws) =>
    fake.calls.filter((c) => c.service === 'athena').map((c) => c.operation);

  it('the fake refuses a query with no location from the request or the workgroup, as Athena does', async () => {
    const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });
    const error = await fake
      .clients()
      .athena(REGION)
      .send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidRequestException', message: NO_OUTPUT_LOCATION });
    expect(fake.queries).toEqual([]);
  });

  it("a new account's primary workgroup and no athena.outputLocation: stopped before any query, naming the setting", async () => {
    const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });

    await expect(target(fake, { workgroup: 'primary' }).athena.run('SELECT 1', 'a query')).rejects.toThrow(
      "Athena workgroup 'primary' in eu-west-1 has no query result location and config/org.yaml sets no athena.outputLocation",
    );
    expect(athenaCalls(fake)).toEqual(['GetWorkGroup']);
    expect(fake.queries).toEqual([]);
  });

  it('with athena.outputLocation, the results land there', async () => {
    const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });
    const aws = target(fake, {
      workgroup: 'primary',
      outputLocation: 's3://acme-athena-results/org-compliance/',
    });

    const result = await aws.athena.run(
      'CREATE OR REPLACE VIEW "org_compliance"."v" AS\nSELECT 1 AS one',
      'view v',
      {
        write: true,
      },
    );

    expect(fake.resultLocations.get(result.queryExecutionId)).toBe(
      `s3://acme-athena-results/org-compliance/${result.queryExecutionId}.csv`,
    );
    expect(athenaCalls(fake)).toEqual([
      'GetWorkGroup',
      'StartQueryExecution',
      'GetQueryExecution',
      'GetQueryResults',
    ]);
  });

  it('a workgroup that enforces its location gets no ResultConfiguration, and its own location is used', async () => {
    const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });
    fake.workGroup(REGION, 'reports', {
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: { OutputLocation: 's3://central-athena-results/reports/' },
    });
    const aws = target(fake, {
      workgroup: 'reports',
      outputLocation: 's3://acme-athena-results/org-compliance/',
    });

    const result = await aws.athena.run('DROP VIEW IF EXISTS "org_compliance"."v"', 'drop of view v');

    const start = fake.calls.find((c) => c.operation === 'StartQueryExecution');
    expect(start?.input).not.toHaveProperty('ResultConfiguration');
    expect(fake.resultLocations.get(result.queryExecutionId)).toBe(
      `s3://central-athena-results/reports/${result.queryExecutionId}.csv`,
    );
  });

  it('a DISABLED workgroup and a missing one stop the target before any query', async () => {
    const fake = new FakeAws({ organizationId: ORG.organizationId, accounts: [] });
    fake.workGroup(
      REGION,
      'paused',
      { ResultConfiguration: { OutputLocation: 's3://x-results/' } },
      'DISABLED',
    );

    await expect(target(fake, { workgroup: 'paused' }).athena.run('SELECT 1', 'a query')).rejects.toThrow(
      "Athena workgroup 'paused' in eu-west-1 is DISABLED and runs no queries",
    );
    await expect(
      target(fake, { workgroup: 'gone', outputLocation: 's3://x-results/' }).athena.run(
        'SELECT 1',
        'a query',
      ),
    ).rejects.toThrow(
      "Athena workgroup 'gone' does not exist in eu-west-1: set athena.workgroup in config/org.yaml",
    );
    expect(fake.queries).toEqual([]);
  });
});
