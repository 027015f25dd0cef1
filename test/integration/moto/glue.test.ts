/**
 * The Glue table on moto through the real AWS SDK: plan and apply (glue-table changes only)
 * create the database and the table, GetTable reads back exactly what desired state says, a second
 * plan is a no-op and a second apply writes nothing; a hand-made UpdateTable is seen as drift and
 * put back.
 *
 * moto differences from AWS seen here:
 * - moto stores the TableInput verbatim and adds no service-managed parameters
 *   (transient_lastDdlTime and the like), so the read-back equals the input exactly.
 * - UpdateTable ignores VersionId: moto never answers ConcurrentModificationException, so the
 *   optimistic-concurrency path (a table changed between plan and apply) stays covered by the
 *   unit tests only. GetTable does return a VersionId that grows with each update.
 */
import {
  GetDatabaseCommand,
  GetTableCommand,
  GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../../src/apply/apply.js';
import { desiredResources } from '../../../src/desired/index.js';
import type { Repository } from '../../../src/model/config.js';
import type { Plan } from '../../../src/model/plan.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { plan } from '../../../src/plan/plan.js';
import { propertiesFromTable, tableInputFromProperties } from '../../../src/providers/aws/glue-table.js';
import { type AwsTarget, createAwsTarget } from '../../../src/providers/aws/target.js';
import { MOTO_CREDENTIALS } from '../harness/moto.js';
import { type MotoSession, motoSession, repository, TODAY } from './support.js';

let session: MotoSession;
let repo: Repository;
let glue: GlueClient;

beforeAll(async () => {
  session = await motoSession();
  repo = await repository();
  glue = new GlueClient({
    endpoint: session.moto.endpoint,
    region: repo.org.glue.region,
    credentials: MOTO_CREDENTIALS,
  });
});

afterAll(async () => {
  glue?.destroy();
  await session?.close();
});

function desiredTable(): DesiredResource<'glue-table'> {
  // The snapshot table (the reference tables beside it are Glue tables too).
  const table = desiredResources(repo, TODAY, { quickSightAccountId: '123456789012' }).filter(
    (d): d is DesiredResource<'glue-table'> =>
      d.kind === 'glue-table' && d.properties.name === repo.org.glue.table,
  );
  expect(table).toHaveLength(1);
  return table[0] as DesiredResource<'glue-table'>;
}

/** desired → current → plan for the glue table alone, through the target's provider. */
async function planTable(target: AwsTarget): Promise<Plan> {
  const desired = [desiredTable()];
  const current = await target.providers['glue-table'].read(desired);
  return plan(desired, current);
}

function target(mode: 'read' | 'write' = 'read'): AwsTarget {
  return createAwsTarget(repo.org, { endpoint: session.moto.endpoint, mode });
}

async function getTable(): Promise<Table> {
  const answer = await glue.send(
    new GetTableCommand({ DatabaseName: repo.org.glue.database, Name: repo.org.glue.table }),
  );
  if (!answer.Table) throw new Error('GetTable returned no table');
  return answer.Table;
}

describe('Glue table on moto', () => {
  it('is created with its database, reads back equal to desired, and a second run is a no-op', async () => {
    const first = await planTable(target());
    expect(first.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      `create glue-table ${repo.org.glue.database}.${repo.org.glue.table}`,
    ]);
    const t = target('write');
    const result = await apply(first, t);
    expect(result.results.map((r) => [r.outcome, r.error])).toEqual([['done', undefined]]);
    expect(result.ok).toBe(true);
    expect(t.writesByOperation()).toEqual({ CreateDatabase: 1, CreateTable: 1 });
    expect(result.writes).toBe(2);

    // The database carries the ownership parameter; the table is exactly what desired state says.
    const db = await glue.send(new GetDatabaseCommand({ Name: repo.org.glue.database }));
    expect(db.Database?.Parameters).toEqual({ [repo.org.ownership.tagKey]: repo.org.ownership.tagValue });
    const table = await getTable();
    const desired = desiredTable();
    const read = propertiesFromTable(table, repo.org.ownership);
    expect(read.owned).toBe(true);
    expect(read.properties).toEqual(desired.properties);
    // The raw TableInput fields too, as Glue holds them.
    const input = tableInputFromProperties(desired.properties);
    expect(table.TableType).toBe(input.TableType);
    expect(table.Parameters).toEqual(input.Parameters);
    expect(table.PartitionKeys).toEqual(input.PartitionKeys);
    expect(table.StorageDescriptor).toMatchObject(input.StorageDescriptor as object);
    // Every active account of accounts.yaml is in the projection enum.
    const enumValues = new Set(table.Parameters?.['projection.account.values']?.split(','));
    for (const a of repo.accounts.filter((x) => x.state === 'ACTIVE')) expect(enumValues).toContain(a.id);

    const second = await planTable(target());
    expect(second.hasChanges).toBe(false);
    expect(second.summary).toEqual({ create: 0, update: 0, delete: 0, noop: 1 });
    const t2 = target('write');
    const again = await apply(second, t2);
    expect(again.writes).toBe(0);
    expect(t2.writeCount()).toBe(0);
  });

  it('drift made by hand with UpdateTable is planned as an update of that field and put back', async () => {
    const before = await getTable();
    const values = before.Parameters?.['projection.account.values']?.split(',') ?? [];
    expect(values.length).toBeGreaterThan(3);
    const removed = values[2] as string;
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: repo.org.glue.database,
        TableInput: {
          ...tableInputOf(before),
          Parameters: {
            ...before.Parameters,
            'projection.account.values': values.filter((v) => v !== removed).join(','),
          },
        },
      }),
    );
    const drifted = await getTable();
    expect(drifted.Parameters?.['projection.account.values']).not.toContain(removed);
    expect(Number(drifted.VersionId)).toBeGreaterThan(Number(before.VersionId));

    const drift = await planTable(target());
    const changed = drift.changes.filter((c) => c.action !== 'no-op');
    expect(changed.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      `update glue-table ${repo.org.glue.database}.${repo.org.glue.table}`,
    ]);
    expect(changed[0]?.diffs.map((d) => d.path)).toEqual(['parameters.projection.account.values']);
    expect(String(changed[0]?.diffs[0]?.after).split(',')).toContain(removed);

    const t = target('write');
    const result = await apply(drift, t);
    expect(result.ok).toBe(true);
    expect(t.writesByOperation()).toEqual({ UpdateTable: 1 });
    const repaired = await getTable();
    expect(repaired.Parameters?.['projection.account.values']).toBe(
      before.Parameters?.['projection.account.values'],
    );
    expect(propertiesFromTable(repaired, repo.org.ownership).properties).toEqual(desiredTable().properties);

    const clean = await planTable(target());
    expect(clean.hasChanges).toBe(false);
  });
});

/** A Table as GetTable returns it, back into the TableInput that UpdateTable takes. */
function tableInputOf(table: Table): TableInput {
  return {
    Name: table.Name,
    TableType: table.TableType,
    Parameters: table.Parameters,
    PartitionKeys: table.PartitionKeys,
    StorageDescriptor: table.StorageDescriptor,
  };
}
