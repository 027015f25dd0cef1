import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  EntityNotFoundException,
  GetDatabaseCommand,
  GetTableCommand,
  GetTablesCommand,
  type Table,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadViewCanonicalizer } from '../../../src/load/view-canonical.js';
import type { Change } from '../../../src/model/plan.js';
import type { AthenaViewProperties, DesiredResource } from '../../../src/model/resources.js';
import { AthenaQueryRunner } from '../../../src/providers/aws/athena.js';
import {
  AwsAthenaViewProvider,
  athenaViewKey,
  DEPLOYED_SQL_PARAMETER,
  decodePrestoView,
  encodePrestoView,
  type PrestoView,
  STORED_SQL_DIGEST_PARAMETER,
  sha256,
  viewErrorDetail,
} from '../../../src/providers/aws/athena-views.js';
import { createSend } from '../../../src/providers/aws/retry.js';
import { WriteCounter } from '../../../src/providers/aws/write-counter.js';
import { commandNames, fakeTime, metadata, ORG, regionalClients } from './fakes.js';

const TRINO_STORED = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../load/fixtures/trino-stored-views.json'), 'utf8'),
) as { views: Record<string, { sent: string; stored: string }> };

const { clients, glue, athena } = regionalClients(['eu-west-1', 'eu-central-1']);
const glueMock = mockClient(glue.get('eu-west-1') as NonNullable<ReturnType<typeof glue.get>>);
const athenaMock = mockClient(athena.get('eu-west-1') as NonNullable<ReturnType<typeof athena.get>>);

afterEach(() => {
  glueMock.reset();
  athenaMock.reset();
});

/**
 * ViewOriginalText of a view Athena created, encoded independently of the code under test
 * (Python's base64 of the JSON): originalSql, catalog, schema, columns, plus owner, runAsInvoker
 * and properties as newer engines add them.
 */
const ATHENA_VIEW_TEXT =
  '/* Presto View: eyJvcmlnaW5hbFNxbCI6IlNFTEVDVCBhY2NvdW50LCByZWdpb25cbkZST00gXCJvcmdfY29tcGxpYW5jZVwiLlwiY29uZmlnX3NuYXBzaG90c1wiIiwiY2F0YWxvZyI6ImF3c2RhdGFjYXRhbG9nIiwic2NoZW1hIjoib3JnX2NvbXBsaWFuY2UiLCJjb2x1bW5zIjpbeyJuYW1lIjoiYWNjb3VudCIsInR5cGUiOiJ2YXJjaGFyIn0seyJuYW1lIjoicmVnaW9uIiwidHlwZSI6InZhcmNoYXIifV0sIm93bmVyIjoiYXJuOmF3czppYW06OjExMTExMTExMTExMTpyb2xlL29yZy1jb21wbGlhbmNlLWFwcGx5IiwicnVuQXNJbnZva2VyIjpmYWxzZSwicHJvcGVydGllcyI6e319 */';

const QUERY_ID = 'a1b2c3d4-5678-90ab-cdef-222222222222';

/** A view table as Glue's GetTables lists one Athena made. */
function viewTable(name: string, originalSql: string): Table {
  return {
    Name: name,
    DatabaseName: 'org_compliance',
    TableType: 'VIRTUAL_VIEW',
    Owner: 'hadoop',
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    ViewOriginalText: encodePrestoView({
      // Athena stores the text after AS as written, surrounding whitespace included.
      originalSql: `\n${originalSql}\n`,
      catalog: 'awsdatacatalog',
      schema: 'org_compliance',
      columns: [{ name: 'account', type: 'varchar' }],
    }),
    ViewExpandedText: '/* Presto View */',
    StorageDescriptor: { Columns: [{ Name: 'account', Type: 'string' }], SerdeInfo: {} },
    CreateTime: new Date('2025-05-01T10:00:00Z'),
  };
}

const SNAPSHOT_TABLE: Table = {
  Name: 'config_snapshots',
  DatabaseName: 'org_compliance',
  TableType: 'EXTERNAL_TABLE',
  Parameters: { 'managed-by': 'org-compliance', 'projection.enabled': 'true' },
};

/**
 * GetTable answers with the view as Athena stores it after CREATE: the text formatted anew (here
 * a one-line form of the SQL) and only the engine's own parameters, VersionId 7.
 */
function glueReadsBack(): void {
  glueMock.on(GetTableCommand).callsFake((input: { Name: string }) => {
    const sql = (athenaMock.commandCalls(StartQueryExecutionCommand).at(-1)?.args[0].input.QueryString ?? '')
      .split('\n')
      .slice(1)
      .join(' ');
    return { Table: { ...viewTable(input.Name, sql), VersionId: '7' } };
  });
  glueMock.on(UpdateTableCommand).resolves({});
}

function setup() {
  const time = fakeTime();
  const writes = new WriteCounter();
  const send = createSend({ retry: { sleep: time.sleep, random: () => 0 }, writes });
  const runner = new AthenaQueryRunner({
    clients,
    send,
    region: 'eu-west-1',
    workgroup: 'primary',
    database: 'org_compliance',
    // The workgroup check before the first query is athena.test.ts's subject.
    checkWorkGroup: false,
    now: time.now,
    sleep: time.sleep,
  });
  const views = new AwsAthenaViewProvider({
    clients,
    send,
    org: ORG,
    runner,
    now: time.now,
    sleep: time.sleep,
  });
  return { views, writes, time };
}

/** Athena accepts every statement and reports it SUCCEEDED at the first look. */
function athenaSucceeds() {
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
  athenaMock.on(GetQueryExecutionCommand).resolves({
    QueryExecution: { QueryExecutionId: QUERY_ID, StatementType: 'DDL', Status: { State: 'SUCCEEDED' } },
  });
  athenaMock
    .on(GetQueryResultsCommand)
    .resolves({ ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
}

function view(name: string, sql: string, database = 'org_compliance'): AthenaViewProperties {
  return { database, name, sql };
}

function change(
  action: Change['action'],
  properties: AthenaViewProperties,
  rank?: number,
  region = 'eu-west-1',
): Change<'athena-view'> {
  return {
    action,
    kind: 'athena-view',
    key: athenaViewKey(region, properties.database, properties.name),
    region,
    name: `${properties.database}.${properties.name}`,
    ...(action === 'delete' ? { before: properties } : { after: properties }),
    diffs: [],
    ...(rank !== undefined ? { rank } : {}),
  };
}

const queryStrings = () =>
  athenaMock.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input.QueryString);

describe('decodePrestoView and encodePrestoView', () => {
  it('decodes the ViewOriginalText Athena writes', () => {
    expect(decodePrestoView(ATHENA_VIEW_TEXT)).toEqual({
      originalSql: 'SELECT account, region\nFROM "org_compliance"."config_snapshots"',
      catalog: 'awsdatacatalog',
      schema: 'org_compliance',
      columns: [
        { name: 'account', type: 'varchar' },
        { name: 'region', type: 'varchar' },
      ],
      owner: 'arn:aws:iam::111111111111:role/org-compliance-apply',
      runAsInvoker: false,
    });
  });

  it('round-trips, non-ASCII text included', () => {
    const prestoView: PrestoView = {
      originalSql: "SELECT 'Zürich — 東京' AS city",
      catalog: 'awsdatacatalog',
      schema: 'org_compliance',
      columns: [{ name: 'city', type: 'varchar' }],
    };
    const text = encodePrestoView(prestoView);
    expect(text).toMatch(/^\/\* Presto View: [A-Za-z0-9+/]+=*\s\*\/$/);
    expect(decodePrestoView(text)).toEqual(prestoView);
  });

  it('refuses text that is not a Presto view, saying why', () => {
    expect(() => decodePrestoView('SELECT 1')).toThrow(/not a Presto view/);
    expect(() => decodePrestoView('/* Presto View: not base64! */')).toThrow(/not base64/);
    expect(() => decodePrestoView(`/* Presto View: ${Buffer.from('[1]').toString('base64')} */`)).toThrow(
      /not a JSON object/,
    );
    expect(() =>
      decodePrestoView(`/* Presto View: ${Buffer.from('{"catalog":"x"}').toString('base64')} */`),
    ).toThrow(/no originalSql/);
  });
});

describe('viewErrorDetail', () => {
  it('moves the line back over the CREATE line and the error code to the end', () => {
    expect(viewErrorDetail("SYNTAX_ERROR: line 12:8: Column 'x' cannot be resolved", 1)).toBe(
      "line 11:8: Column 'x' cannot be resolved (SYNTAX_ERROR)",
    );
    expect(viewErrorDetail("line 2:1: mismatched input 'FORM'", 1)).toBe("line 1:1: mismatched input 'FORM'");
  });

  it('says when the position is in the CREATE line itself, and leaves messages without one alone', () => {
    expect(viewErrorDetail('SYNTAX_ERROR: line 1:24: Schema org_x does not exist', 1)).toBe(
      'line 1:24 of the CREATE VIEW statement: Schema org_x does not exist (SYNTAX_ERROR)',
    );
    expect(viewErrorDetail('Insufficient permissions to execute the query.', 1)).toBe(
      'Insufficient permissions to execute the query.',
    );
  });
});

describe('AwsAthenaViewProvider.read', () => {
  it('decodes every view of the database across GetTables pages, ignores other tables, and keeps rank off; in our database an unmarked view is ours only when the repository names it', async () => {
    glueMock.on(GetDatabaseCommand).resolves({
      Database: { Name: 'org_compliance', Parameters: { 'managed-by': 'org-compliance' } },
    });
    glueMock
      .on(GetTablesCommand)
      .resolvesOnce({
        TableList: [
          viewTable('evaluations', 'SELECT account\nFROM "org_compliance"."config_snapshots"'),
          SNAPSHOT_TABLE,
        ],
        NextToken: 'tables-2',
      })
      .resolvesOnce({ TableList: [viewTable('compliance_summary', 'SELECT account FROM evaluations')] });
    const { views } = setup();
    const desired: DesiredResource<'athena-view'> = {
      kind: 'athena-view',
      key: athenaViewKey('eu-west-1', 'org_compliance', 'evaluations'),
      region: 'eu-west-1',
      properties: view('evaluations', 'SELECT account\nFROM "org_compliance"."config_snapshots"'),
      rank: 0,
    };

    expect(await views.read([desired])).toStrictEqual([
      {
        kind: 'athena-view',
        key: 'athena-view/eu-west-1/org_compliance.evaluations',
        region: 'eu-west-1',
        properties: view('evaluations', 'SELECT account\nFROM "org_compliance"."config_snapshots"'),
        owned: true,
      },
      {
        kind: 'athena-view',
        key: 'athena-view/eu-west-1/org_compliance.compliance_summary',
        region: 'eu-west-1',
        properties: view('compliance_summary', 'SELECT account FROM evaluations'),
        // Made by hand beside ours: no mark, not named by the repository.
        owned: false,
      },
    ]);
    expect(commandNames(glueMock.calls())).toEqual(['GetDatabase', 'GetTables', 'GetTables']);
    expect(glueMock.commandCalls(GetDatabaseCommand)[0]?.args[0].input).toEqual({ Name: 'org_compliance' });
    expect(glueMock.commandCalls(GetTablesCommand).map((c) => c.args[0].input)).toEqual([
      { DatabaseName: 'org_compliance', MaxResults: 100 },
      { DatabaseName: 'org_compliance', MaxResults: 100, NextToken: 'tables-2' },
    ]);
    expect(athenaMock.calls()).toHaveLength(0);
  });

  it('gives the SQL it deployed for a marked view the engine has not changed, and the stored text once it has', async () => {
    glueMock.on(GetDatabaseCommand).resolves({ Database: { Name: 'org_compliance' } });
    // What Trino stored for "-- scores\nSELECT account\nFROM evaluations": formatted, comment gone.
    const stored = 'SELECT account\nFROM\n  evaluations';
    const marked = (name: string, storedSql: string): Table => {
      const table = viewTable(name, storedSql);
      return {
        ...table,
        Parameters: {
          ...table.Parameters,
          'managed-by': 'org-compliance',
          [DEPLOYED_SQL_PARAMETER]: '-- scores\nSELECT account\nFROM evaluations',
          // The digest of the text as the engine stored it, surrounding whitespace included.
          [STORED_SQL_DIGEST_PARAMETER]: sha256(stored),
        },
      };
    };
    glueMock.on(GetTablesCommand).resolves({
      TableList: [
        marked('scores', stored),
        // Changed behind our back through Glue, keeping the parameters: the digest no longer holds.
        marked('scores_edited', 'SELECT account, region\nFROM\n  evaluations'),
      ],
    });
    const { views } = setup();

    expect((await views.read([])).map((r) => [r.properties.name, r.properties.sql, r.owned])).toEqual([
      ['scores', '-- scores\nSELECT account\nFROM evaluations', true],
      ['scores_edited', 'SELECT account, region\nFROM\n  evaluations', true],
    ]);
  });

  it('an unmarked view that is the same query as its file (as Trino stored it) reads as the file; without the parser, as stored', async () => {
    // What Trino 476 stored for the generated accounts view (test/load/fixtures, recorded from the Trino suite).
    const { sent, stored } = TRINO_STORED.views.accounts as { sent: string; stored: string };
    glueMock.on(GetDatabaseCommand).resolves({
      Database: { Name: 'org_compliance', Parameters: { 'managed-by': 'org-compliance' } },
    });
    glueMock.on(GetTablesCommand).resolves({ TableList: [viewTable('accounts', stored)] });
    const desired: DesiredResource<'athena-view'> = {
      kind: 'athena-view',
      key: athenaViewKey('eu-west-1', 'org_compliance', 'accounts'),
      region: 'eu-west-1',
      properties: view('accounts', sent),
    };
    const time = fakeTime();
    const send = createSend({ retry: { sleep: time.sleep, random: () => 0 } });
    const runner = { region: 'eu-west-1', run: async () => undefined };
    const withParser = new AwsAthenaViewProvider({
      clients,
      send,
      org: ORG,
      runner,
      canonical: () => loadViewCanonicalizer(),
    });
    expect((await withParser.read([desired])).map((r) => [r.properties.sql, r.owned])).toEqual([
      [sent, true],
    ]);
    const withoutParser = new AwsAthenaViewProvider({
      clients,
      send,
      org: ORG,
      runner,
      canonical: async () => undefined,
    });
    expect((await withoutParser.read([desired])).map((r) => [r.properties.sql, r.owned])).toEqual([
      [stored.trim(), true],
    ]);
    // Another query under the same name is what it is.
    const other = { ...desired, properties: view('accounts', sent.replace('"owner"', '"ou" AS "owner"')) };
    expect((await withParser.read([other])).map((r) => r.properties.sql)).toEqual([stored.trim()]);
  });

  it('a view the repository names, unmarked, in a database this tool did not create, is not ours', async () => {
    glueMock.on(GetDatabaseCommand).resolves({ Database: { Name: 'org_compliance', Parameters: {} } });
    glueMock.on(GetTablesCommand).resolves({ TableList: [viewTable('evaluations', 'SELECT 1 AS one')] });
    const { views } = setup();
    const desired: DesiredResource<'athena-view'> = {
      kind: 'athena-view',
      key: athenaViewKey('eu-west-1', 'org_compliance', 'evaluations'),
      region: 'eu-west-1',
      properties: view('evaluations', 'SELECT 2 AS two'),
    };

    expect((await views.read([desired])).map((r) => [r.key, r.owned])).toEqual([
      ['athena-view/eu-west-1/org_compliance.evaluations', false],
    ]);
  });

  it('reads views in a database without the ownership parameter as not owned', async () => {
    glueMock.on(GetDatabaseCommand).resolves({
      Database: { Name: 'org_compliance', Parameters: { 'managed-by': 'someone-else' } },
    });
    glueMock.on(GetTablesCommand).resolves({ TableList: [viewTable('evaluations', 'SELECT 1 AS one')] });
    const { views } = setup();

    const current = await views.read([]);

    expect(current.map((resource) => [resource.key, resource.owned])).toEqual([
      ['athena-view/eu-west-1/org_compliance.evaluations', false],
    ]);
  });

  it('reads a view another engine made as its plain text, so a plan replaces it', async () => {
    glueMock.on(GetDatabaseCommand).resolves({ Database: { Name: 'org_compliance' } });
    glueMock.on(GetTablesCommand).resolves({
      TableList: [
        { Name: 'spark_view', TableType: 'VIRTUAL_VIEW', ViewOriginalText: '  SELECT 1 AS one\n' },
        { Name: 'broken', TableType: 'EXTERNAL_TABLE', ViewOriginalText: '/* Presto View: !!! */' },
      ],
    });
    const { views } = setup();

    expect((await views.read([])).map((r) => [r.properties, r.owned])).toEqual([
      [view('spark_view', 'SELECT 1 AS one'), false],
    ]);
  });

  it('reads nothing, and lists no tables, when the database does not exist', async () => {
    glueMock.on(GetDatabaseCommand).rejects(
      new EntityNotFoundException({
        message: 'Database org_compliance not found.',
        $metadata: metadata(400),
      }),
    );
    const { views } = setup();

    expect(await views.read([])).toEqual([]);
    expect(commandNames(glueMock.calls())).toEqual(['GetDatabase']);
  });
});

describe('AwsAthenaViewProvider.apply', () => {
  it('creates a view with CREATE OR REPLACE VIEW, then marks its Glue table: two writes', async () => {
    athenaSucceeds();
    glueReadsBack();
    const { views, writes } = setup();

    await views.apply(
      change(
        'create',
        view('evaluations', 'SELECT account, region\nFROM "org_compliance"."config_snapshots"'),
      ),
    );

    expect(queryStrings()).toEqual([
      'CREATE OR REPLACE VIEW "org_compliance"."evaluations" AS\nSELECT account, region\nFROM "org_compliance"."config_snapshots"',
    ]);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      QueryString:
        'CREATE OR REPLACE VIEW "org_compliance"."evaluations" AS\nSELECT account, region\nFROM "org_compliance"."config_snapshots"',
      WorkGroup: 'primary',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'org_compliance' },
    });
    // The mark keeps everything the engine wrote, adds ours, and names the version it read.
    const stored = '\nSELECT account, region FROM "org_compliance"."config_snapshots"\n';
    const update = glueMock.commandCalls(UpdateTableCommand)[0]?.args[0].input;
    expect(update?.DatabaseName).toBe('org_compliance');
    expect(update?.VersionId).toBe('7');
    expect(update?.TableInput).toMatchObject({
      Name: 'evaluations',
      TableType: 'VIRTUAL_VIEW',
      Owner: 'hadoop',
      ViewExpandedText: '/* Presto View */',
      StorageDescriptor: { Columns: [{ Name: 'account', Type: 'string' }], SerdeInfo: {} },
    });
    expect(update?.TableInput?.Parameters).toEqual({
      presto_view: 'true',
      comment: 'Presto View',
      'managed-by': 'org-compliance',
      [DEPLOYED_SQL_PARAMETER]: 'SELECT account, region\nFROM "org_compliance"."config_snapshots"',
      [STORED_SQL_DIGEST_PARAMETER]: sha256(stored.trim()),
    });
    expect(decodePrestoView(update?.TableInput?.ViewOriginalText ?? '').originalSql).toBe(stored);
    expect(writes.byOperation()).toEqual({ StartQueryExecution: 1, UpdateTable: 1 });
  });

  it('updates with the same statement', async () => {
    athenaSucceeds();
    glueReadsBack();
    const { views, writes } = setup();

    await views.apply(change('update', view('evaluations', 'SELECT 2 AS two')));

    expect(queryStrings()).toEqual([
      'CREATE OR REPLACE VIEW "org_compliance"."evaluations" AS\nSELECT 2 AS two',
    ]);
    expect(writes.total).toBe(2);
  });

  it('refuses to mark a view that is not in the catalog after CREATE succeeded', async () => {
    athenaSucceeds();
    glueMock.on(GetTableCommand).resolves({ Table: { ...SNAPSHOT_TABLE, Name: 'evaluations' } });
    const { views } = setup();

    await expect(views.apply(change('create', view('evaluations', 'SELECT 2 AS two')))).rejects.toThrow(
      'Athena view org_compliance.evaluations is not in the Glue Data Catalog after CREATE VIEW succeeded',
    );
    expect(glueMock.commandCalls(UpdateTableCommand)).toHaveLength(0);
  });

  it('runs views applied in rank order one after the other, in that order', async () => {
    athenaSucceeds();
    glueReadsBack();
    const { views, writes } = setup();
    const plan = [
      change('create', view('evaluations', 'SELECT account FROM "org_compliance"."config_snapshots"'), 0),
      change('create', view('account_scores', 'SELECT account FROM "org_compliance"."evaluations"'), 1),
      change('update', view('org_score', 'SELECT count(*) AS n FROM "org_compliance"."account_scores"'), 2),
    ];

    for (const step of plan) await views.apply(step);

    expect(queryStrings()).toEqual([
      'CREATE OR REPLACE VIEW "org_compliance"."evaluations" AS\nSELECT account FROM "org_compliance"."config_snapshots"',
      'CREATE OR REPLACE VIEW "org_compliance"."account_scores" AS\nSELECT account FROM "org_compliance"."evaluations"',
      'CREATE OR REPLACE VIEW "org_compliance"."org_score" AS\nSELECT count(*) AS n FROM "org_compliance"."account_scores"',
    ]);
    // Each statement settled before the next one started.
    expect(commandNames(athenaMock.calls())).toEqual(
      Array.from({ length: 3 }, () => ['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults']).flat(),
    );
    expect(writes.total).toBe(6);
  });

  it("names the view and maps Athena's line back to the view's own SQL when the view fails", async () => {
    const reason = "SYNTAX_ERROR: line 12:8: Column 'x' cannot be resolved";
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        QueryExecutionId: QUERY_ID,
        StatementType: 'DDL',
        Status: {
          State: 'FAILED',
          StateChangeReason: reason,
          AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: reason },
        },
      },
    });
    const { views } = setup();
    const sql = Array.from({ length: 12 }, (_, i) => (i === 10 ? '       x,' : `-- line ${i + 1}`)).join(
      '\n',
    );

    const error = await views.apply(change('create', view('evaluations', sql))).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      "View evaluations failed in Athena: line 11:8: Column 'x' cannot be resolved (SYNTAX_ERROR)",
    );
    expect(sql.split('\n')[10]?.slice(7)).toBe('x,');
    expect((error as Error).cause).toMatchObject({ name: 'AthenaQueryError', queryExecutionId: QUERY_ID });
    expect(athenaMock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('deletes with DROP VIEW IF EXISTS', async () => {
    athenaSucceeds();
    const { views, writes } = setup();

    await views.apply(change('delete', view('old_view', 'SELECT 1 AS one')));

    expect(queryStrings()).toEqual(['DROP VIEW IF EXISTS "org_compliance"."old_view"']);
    expect(writes.byOperation()).toEqual({ StartQueryExecution: 1 });
  });

  it('deletes by key when the change carries no properties', async () => {
    athenaSucceeds();
    const { views } = setup();

    await views.apply({
      action: 'delete',
      kind: 'athena-view',
      key: 'athena-view/eu-west-1/org_compliance.old_view',
      region: 'eu-west-1',
      name: 'org_compliance.old_view',
      diffs: [],
    });

    expect(queryStrings()).toEqual(['DROP VIEW IF EXISTS "org_compliance"."old_view"']);
  });

  it.each([
    ['create', view('Evaluations', 'SELECT 1 AS one'), "the view name 'Evaluations'"],
    ['update', view('my-view', 'SELECT 1 AS one'), "the view name 'my-view'"],
    ['create', view('v"; DROP TABLE x; --', 'SELECT 1 AS one'), "the view name 'v\"; DROP TABLE x; --'"],
    [
      'create',
      view('evaluations', 'SELECT 1 AS one', 'org-compliance'),
      "the database name 'org-compliance'",
    ],
    ['delete', view('9lives', 'SELECT 1 AS one'), "the view name '9lives'"],
    ['create', view('a'.repeat(256), 'SELECT 1 AS one'), 'is not a valid Athena name'],
  ] as const)('refuses a bad name before any call (%s %j)', async (action, properties, message) => {
    const { views, writes } = setup();

    await expect(views.apply(change(action, properties))).rejects.toThrow(message);

    expect(athenaMock.calls()).toHaveLength(0);
    expect(glueMock.calls()).toHaveLength(0);
    expect(writes.total).toBe(0);
  });

  it('refuses a view in a region other than the one Athena queries run in', async () => {
    const { views } = setup();

    await expect(
      views.apply(change('create', view('evaluations', 'SELECT 1 AS one'), 0, 'eu-central-1')),
    ).rejects.toThrow(
      'Athena view athena-view/eu-central-1/org_compliance.evaluations is in eu-central-1, but Athena queries run in eu-west-1 (glue.region)',
    );
    expect(athenaMock.calls()).toHaveLength(0);
  });

  it('does nothing for a no-op and refuses another kind', async () => {
    const { views } = setup();

    await views.apply(change('no-op', view('evaluations', 'SELECT 1 AS one')));
    await expect(
      // A change the types would refuse, as a dispatch bug would hand it over at run time.
      views.apply({
        ...change('create', view('evaluations', 'SELECT 1')),
        kind: 'glue-table',
      } as unknown as Change<'athena-view'>),
    ).rejects.toThrow('The Athena view provider cannot apply a glue-table change');
    expect(athenaMock.calls()).toHaveLength(0);
  });
});
