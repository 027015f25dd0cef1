/**
 * Athena's control plane on moto through the real AWS SDK: the AthenaQueryRunner starts a query in
 * the configured workgroup and database, polls GetQueryExecution until it settles (moto's state
 * manager keeps it QUEUED, then RUNNING, for a few polls) and pages GetQueryResults.
 *
 * moto does not run SQL: GetQueryResults answers with an empty result, or with rows queued
 * beforehand through moto's own `/moto-api/static/athena/query-results`; a query never FAILS for
 * its SQL. So this proves the lifecycle and the request shapes, not the SQL; the SQL is proven on
 * Trino (test/integration/trino). moto's Athena also does not create the Glue table entry
 * (`VIRTUAL_VIEW`, `/* Presto View: … *\/`) that a CREATE VIEW makes in AWS, so the athena-view
 * provider's read-back stays covered by the in-process fake (src/bench/fake-aws.ts).
 *
 * moto serves GetWorkGroup (State, Configuration as created; `WorkGroup: null` for a name it does
 * not know, where Athena answers InvalidRequestException), so the check the runner makes before
 * its first query runs here too. moto does not apply a workgroup's settings to a query (nor refuse
 * one without a location): what these tests prove is what the runner sends.
 */
import {
  AthenaClient,
  CreateWorkGroupCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
} from '@aws-sdk/client-athena';
import { CreateDatabaseCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgConfig } from '../../../src/model/config.js';
import { createAwsTarget } from '../../../src/providers/aws/target.js';
import { MOTO_CREDENTIALS } from '../harness/moto.js';
import { type MotoSession, motoSession, repository } from './support.js';

const WORKGROUP = 'org-compliance';
const OUTPUT = 's3://acme-athena-results/org-compliance/';
/** A workgroup that overrides client-side settings with a location of its own. */
const ENFORCED = 'org-compliance-enforced';
const ENFORCED_OUTPUT = 's3://central-athena-results/reports/';
/** The account moto puts requests signed with the dummy `testing` key in. */
const MOTO_ACCOUNT = '123456789012';

let session: MotoSession;
let org: OrgConfig;
let athena: AthenaClient;

async function motoApi(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${session.moto.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`moto ${path}: HTTP ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  session = await motoSession();
  const repo = await repository();
  org = { ...repo.org, athena: { workgroup: WORKGROUP, outputLocation: OUTPUT } };
  athena = new AthenaClient({
    endpoint: session.moto.endpoint,
    region: org.glue.region,
    credentials: MOTO_CREDENTIALS,
  });
  await athena.send(
    new CreateWorkGroupCommand({
      Name: WORKGROUP,
      // moto's default for a new workgroup is to enforce its settings; Athena's console leaves it off.
      Configuration: { EnforceWorkGroupConfiguration: false, ResultConfiguration: {} },
    }),
  );
  await athena.send(
    new CreateWorkGroupCommand({
      Name: ENFORCED,
      Configuration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { OutputLocation: ENFORCED_OUTPUT },
      },
    }),
  );
});

afterAll(async () => {
  athena?.destroy();
  await session?.close();
});

describe('Athena control plane on moto', () => {
  it('runs a query in the workgroup and database, polls until it settles, and reads the rows', async () => {
    // Each execution stays QUEUED, then RUNNING, for two polls each.
    await motoApi('/moto-api/state-manager/set-transition', {
      model_name: 'athena::execution',
      transition: { progression: 'manual', times: 2 },
    });
    const columns = [
      { Name: 'account', Type: 'varchar' },
      { Name: 'noncompliant', Type: 'bigint' },
    ];
    await motoApi('/moto-api/static/athena/query-results', {
      account_id: MOTO_ACCOUNT,
      region: org.glue.region,
      results: [
        {
          column_info: columns,
          rows: [
            { Data: [{ VarCharValue: 'account' }, { VarCharValue: 'noncompliant' }] },
            { Data: [{ VarCharValue: '012345678901' }, { VarCharValue: '3' }] },
            { Data: [{ VarCharValue: '210987654321' }, {}] },
          ],
        },
      ],
    });
    const sleeps: number[] = [];
    const target = createAwsTarget(org, {
      endpoint: session.moto.endpoint,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    try {
      const sql = 'SELECT account, count(*) AS noncompliant FROM evaluations GROUP BY 1';
      const result = await target.athena.run(sql, 'test query');
      expect(result.columns).toEqual(['account', 'noncompliant']);
      // The header row is dropped; a missing VarCharValue is SQL NULL.
      expect(result.rows).toEqual([
        ['012345678901', '3'],
        ['210987654321', null],
      ]);
      // QUEUED, QUEUED→RUNNING, RUNNING, SUCCEEDED: three waits, growing from 1 s.
      expect(sleeps).toEqual([1000, 2000, 4000]);
      // A read: no write counted.
      expect(target.writeCount()).toBe(0);

      const execution = (
        await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: result.queryExecutionId }))
      ).QueryExecution;
      expect(execution?.Query).toBe(sql);
      expect(execution?.WorkGroup).toBe(WORKGROUP);
      expect(execution?.QueryExecutionContext).toEqual({
        Catalog: 'AwsDataCatalog',
        Database: org.glue.database,
      });
      expect(execution?.ResultConfiguration?.OutputLocation).toBe(`${OUTPUT}${result.queryExecutionId}.csv`);
      expect(execution?.Status?.State).toBe('SUCCEEDED');
      const listed = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }));
      expect(listed.QueryExecutionIds).toContain(result.queryExecutionId);
    } finally {
      await motoApi('/moto-api/state-manager/unset-transition', { model_name: 'athena::execution' });
    }
  });

  it('a DDL statement counts as a write and has no result rows; moto makes no Glue view of it', async () => {
    const glue = new GlueClient({
      endpoint: session.moto.endpoint,
      region: org.glue.region,
      credentials: MOTO_CREDENTIALS,
    });
    try {
      await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: org.glue.database } }));
      const target = createAwsTarget(org, { endpoint: session.moto.endpoint, sleep: async () => {} });
      const result = await target.athena.run(
        `CREATE OR REPLACE VIEW ${org.glue.database}.probe AS SELECT 1 AS one`,
        'view probe',
        { write: true },
      );
      expect(result).toMatchObject({ columns: [], rows: [] });
      expect(target.writesByOperation()).toEqual({ StartQueryExecution: 1 });
      const execution = (
        await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: result.queryExecutionId }))
      ).QueryExecution;
      expect(execution?.StatementType).toBe('DDL');
      // In AWS the view would now be a VIRTUAL_VIEW table in Glue; moto's Athena does not do that.
      const tables = await glue.send(new GetTablesCommand({ DatabaseName: org.glue.database }));
      expect(tables.TableList ?? []).toEqual([]);
    } finally {
      glue.destroy();
    }
  });

  it('a workgroup that enforces its own location gets no ResultConfiguration from us', async () => {
    const target = createAwsTarget(
      { ...org, athena: { workgroup: ENFORCED, outputLocation: OUTPUT } },
      { endpoint: session.moto.endpoint, sleep: async () => {} },
    );
    // A DDL statement: moto answers a SELECT with no columns unless results were queued.
    const result = await target.athena.run(`DROP VIEW IF EXISTS ${org.glue.database}.probe`, 'probe');
    expect(await target.athena.resultPlacement()).toEqual({
      description: `${ENFORCED_OUTPUT} (workgroup ${ENFORCED}, enforced)`,
    });
    const execution = (
      await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: result.queryExecutionId }))
    ).QueryExecution;
    expect(execution?.WorkGroup).toBe(ENFORCED);
    // In AWS the results would be under ENFORCED_OUTPUT; moto records only what was sent: nothing.
    expect(execution?.ResultConfiguration?.OutputLocation).toBeUndefined();
  });

  it('the primary workgroup has no location: without athena.outputLocation nothing is started, and the message says what to add', async () => {
    const before = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }));
    const target = createAwsTarget(
      { ...org, athena: { workgroup: 'primary' } },
      { endpoint: session.moto.endpoint, sleep: async () => {}, maxAttempts: 1 },
    );
    await expect(target.athena.run('SELECT 1', 'probe')).rejects.toThrow(
      `Athena workgroup 'primary' in ${org.glue.region} has no query result location and config/org.yaml sets no ` +
        'athena.outputLocation, so Athena would refuse every query ("No output location provided"): ' +
        'add athena.outputLocation to config/org.yaml',
    );
    const after = await athena.send(new ListQueryExecutionsCommand({ WorkGroup: 'primary' }));
    expect(after.QueryExecutionIds ?? []).toEqual(before.QueryExecutionIds ?? []);
  });

  it('a workgroup that does not exist is named, with the setting to change, before any query', async () => {
    const target = createAwsTarget(
      { ...org, athena: { workgroup: 'no-such-workgroup', outputLocation: OUTPUT } },
      { endpoint: session.moto.endpoint, sleep: async () => {}, maxAttempts: 1 },
    );
    await expect(target.athena.run('SELECT 1', 'probe')).rejects.toThrow(
      `Athena workgroup 'no-such-workgroup' does not exist in ${org.glue.region}: set athena.workgroup in ` +
        "config/org.yaml to an existing workgroup (the default is 'primary'), or create 'no-such-workgroup' in " +
        `${org.glue.region}.`,
    );
  });
});
