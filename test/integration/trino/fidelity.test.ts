/**
 * Fidelity on the engine behind Athena: Trino 476 reads the Glue table that our own apply wrote
 * into moto's Glue, over the generated snapshot files in moto's S3, through Athena's partition
 * projection and the OpenX JSON reader; every view is created in it; and Trino and DuckDB (the
 * local target) give the same answer for every view and for the report. The mutation tests show
 * that the suite notices a view that is not valid Trino and a wrong projection property.
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetTablesCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVALUATIONS_TABLE } from '../../../src/desired/compacted-tables.js';
import { desiredViews } from '../../../src/desired/views.js';
import { loadRepository } from '../../../src/load/index.js';
import type { ImpactChanges } from '../../../src/model/impact.js';
import type { DesiredResource } from '../../../src/model/resources.js';
import { runReport } from '../../../src/pipeline/report.js';
import { interpretImpact } from '../../../src/plan/impact.js';
import { impactSql } from '../../../src/plan/impact-sql.js';
import { plan } from '../../../src/plan/plan.js';
import { decodePrestoView } from '../../../src/providers/aws/athena-views.js';
import { REPO_ROOT } from '../../helpers/repo.js';
import { progress } from '../harness/trino.js';
import { assertSameRows, compareJson, ordersRows } from './compare.js';
import {
  applyGlueTable,
  buildWorld,
  createViewsOnTrino,
  deployViews,
  desiredTable,
  queryView,
  updateTableBehindOurBack,
  type ViewResult,
  type World,
} from './world.js';

/** Every view apply deploys: the generated ones, then one per file of sql/views/. */
const GENERATED = ['accounts', 'catalog_rules', 'exceptions', 'rule_controls', 'projection'];
const VIEW_NAMES = [
  ...GENERATED,
  ...readdirSync(join(REPO_ROOT, 'sql', 'views'))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort(),
];

let world: World;
const started = Date.now();

beforeAll(async () => {
  world = await buildWorld();
}, 900_000);

afterAll(async () => {
  if (world) {
    const lines = world.timings.map(
      ([phase, ms]) => `  ${phase.padEnd(52)} ${(ms / 1000).toFixed(1).padStart(7)} s`,
    );
    progress(
      `phases (download/unpack and Trino start overlap generation, upload and DuckDB):\n${lines.join('\n')}\n  ${'total'.padEnd(52)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`,
    );
  }
  await world?.stop();
});

function view(name: string) {
  const found = world.views.find((v) => v.properties.name === name);
  if (!found) throw new Error(`no view ${name} in desired state`);
  return found;
}

/** Both engines' rows for a view, compared; throws a DivergenceError naming the view and the first differing row. */
async function compareView(name: string): Promise<ViewResult> {
  const result = await world.time(`query ${name} on both engines`, () =>
    queryView(world, view(name).properties),
  );
  assertSameRows(
    `view ${name}`,
    result.columns,
    { engine: 'Trino', rows: result.trino },
    { engine: 'DuckDB', rows: result.duckdb },
    { ordered: false },
  );
  return result;
}

/** Any SQL on both engines, compared in order when it has a top-level ORDER BY, else as a multiset. */
async function compareQuery(what: string, sql: string): Promise<number> {
  const [trino, duckdb] = await world.time(`query ${what} on both engines`, () =>
    Promise.all([world.client.query(sql), world.duckdb.query(sql, what)]),
  );
  assertSameRows(
    what,
    trino.columns,
    { engine: 'Trino', rows: trino.rows },
    { engine: 'DuckDB', rows: duckdb },
    { ordered: ordersRows(sql) },
  );
  return trino.rows.length;
}

describe('Trino over the Glue table our apply wrote into moto', () => {
  it('deploys every view there is', () => {
    expect(world.views.map((v) => v.properties.name).sort()).toEqual([...VIEW_NAMES].sort());
  });

  it('reads the same snapshot files as DuckDB through the projection (keys, partitions, "$path")', async () => {
    const { database, table } = world.repo.org.glue;
    const sql = `SELECT account, region, dt, itemtype, "$path" AS path, fileversion, configsnapshotid, cardinality(configurationitems) AS items FROM "${database}"."${table}" WHERE CAST(date_parse(dt, '%Y/%c/%e') AS date) >= current_date - INTERVAL '${world.repo.org.compliance.trendDays}' DAY`;
    expect(await compareQuery('the snapshot files', sql)).toBeGreaterThan(world.days * 8);
  });

  it('reads every configuration item alike: SerDe mappings, case-sensitive tag keys, nested JSON kept as text', async () => {
    const { database, table } = world.repo.org.glue;
    const sql = `SELECT "$path" AS path, ci.configurationitemversion, ci.configurationitemcapturetime, ci.configurationstateid, ci.awsaccountid, ci.configurationitemstatus, ci.resourcetype, ci.resourceid, ci.resourcename, ci.arn, ci.awsregion, ci.availabilityzone, ci.configurationstatemd5hash, ci.configuration, ci.supplementaryconfiguration, ci.tags, ci.relationships, ci.resourcecreationtime
FROM "${database}"."${table}"
CROSS JOIN UNNEST(configurationitems) AS ci(configurationitemversion, configurationitemcapturetime, configurationstateid, awsaccountid, configurationitemstatus, resourcetype, resourceid, resourcename, arn, awsregion, availabilityzone, configurationstatemd5hash, configuration, supplementaryconfiguration, tags, relationships, resourcecreationtime)
WHERE itemtype = 'ConfigSnapshot' AND CAST(date_parse(dt, '%Y/%c/%e') AS date) >= current_date - INTERVAL '1' DAY`;
    expect(await compareQuery('configuration items', sql)).toBeGreaterThan(100);
  });
});

describe('the shipped projection range', () => {
  it("projection.dt.range from config/org.yaml as shipped ('2025/1/1,NOW', ~700 days): Trino takes it and reads today's files alike", async () => {
    // The suite's own config starts the range a month before the data (see world.ts); this puts
    // the shipped start back for one query that names one day, so Trino projects that day only.
    const shipped = await loadRepository(REPO_ROOT, { today: world.today });
    if (!shipped.repository) throw new Error('the shipped repository does not load');
    const range = desiredTable(shipped.repository, world.today).properties.parameters['projection.dt.range'];
    expect(range).toBe('2025/1/1,NOW');
    await updateTableBehindOurBack(world, (p) => {
      p.parameters['projection.dt.range'] = String(range);
    });
    try {
      const [y, m, d] = world.today.split('-').map(Number);
      const { database, table } = world.repo.org.glue;
      const sql = `SELECT account, region, itemtype, "$path" AS path FROM "${database}"."${table}" WHERE dt = '${y}/${m}/${d}'`;
      expect(await compareQuery('today under the shipped range', sql)).toBeGreaterThan(0);
    } finally {
      const { plan } = await applyGlueTable(world.aws, world.repo, world.today);
      expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    }
  });
});

describe('two engines, one answer: every view on Trino and on DuckDB', () => {
  it.each(VIEW_NAMES)('view %s', async (name) => {
    // `SELECT * FROM view` has no order (neither engine keeps one from inside a view): the rows
    // are compared as a multiset.
    const result = await compareView(name);
    // A view that returns nothing proves little: the generated organization fills every view.
    expect(result.trino.length).toBeGreaterThan(0);
  });

  it('exceptions by tags: the one with both tags covers evaluations on both engines, the one with a tag off none', async () => {
    const db = world.repo.org.glue.database;
    const rows = await compareQuery(
      'exceptions covering evaluations',
      `SELECT exception_id, count(*) AS n FROM "${db}".judged_evaluations WHERE exception_id IS NOT NULL GROUP BY exception_id ORDER BY exception_id`,
    );
    expect(rows).toBeGreaterThan(0);
    const { rows: counts } = await world.client.query(
      `SELECT exception_id FROM "${db}".judged_evaluations WHERE exception_id IN ('a-tags-one-off', 'b-tags-both') GROUP BY exception_id`,
    );
    expect(counts).toEqual([['b-tags-both']]);
  });

  it('the plan’s impact query: the same rows, and the same impact read from them', async () => {
    const repo = structuredClone(world.repo);
    const accounts = repo.accounts.map((a) => a.id).sort();
    repo.exceptions.push({
      id: 'legacy-volumes',
      rules: ['security-*', 'backup-*'],
      accounts: accounts.slice(0, 4),
      resourceType: 'AWS::*',
      tags: {},
      reason: 'Legacy volumes and buckets, moved off by the storage migration.',
      owner: 'team-storage',
      expires: '2099-12-31',
    });
    repo.org.compliance.excludeTag = { key: 'Environment', value: 'dev' };
    const changes: ImpactChanges = {
      exceptions: [
        { id: 'legacy-volumes', change: 'new' },
        ...world.repo.exceptions.slice(0, 1).map((e) => ({ id: e.id, change: 'removed' as const })),
      ],
      tag: repo.org.compliance.excludeTag,
      removedRules: ['backup-db-instance-backup-enabled'],
      newRules: [],
      excludedAccounts: [
        { rule: 'security-s3-bucket-ssl-requests-only', added: accounts.slice(0, 2), removed: [] },
      ],
    };
    repo.exceptions = repo.exceptions.filter((e) => e.id !== changes.exceptions[1]?.id);
    const sql = impactSql(repo, changes);
    expect(await compareQuery('the plan impact query', sql)).toBeGreaterThan(10);
    const [trino, duckdb] = await Promise.all([world.client.objects(sql), world.duckdb.query(sql, 'impact')]);
    const onTrino = interpretImpact(trino, changes, repo);
    expect(onTrino.subjects.find((s) => s.name === 'legacy-volumes')?.after.evaluations).toBeGreaterThan(0);
    expect(onTrino).toEqual(interpretImpact(duckdb, changes, repo));
  }, 600_000);

  it('report --format json', async () => {
    const [trino, duckdb] = await world.time('report on both engines', () =>
      Promise.all([
        runReport(world.repo, (sql) => world.client.objects(sql), world.today),
        runReport(world.repo, (sql, what) => world.duckdb.query(sql, what), world.today),
      ]),
    );
    const asJson = (x: unknown) => JSON.parse(JSON.stringify(x));
    expect(trino.report.accounts.length).toBeGreaterThan(0);
    expect(
      compareJson('report (Trino vs DuckDB)', asJson(trino.report), asJson(duckdb.report)),
    ).toBeUndefined();
    expect(trino.context.scoreWeekAgo).toEqual(duckdb.context.scoreWeekAgo);
  }, 600_000);
});

describe('mutations the suite must notice', () => {
  it('a Trino-only syntax error in a view fails its creation, naming the view', async () => {
    const coverage = view('coverage');
    const sql = coverage.properties.sql.replace('count(*) AS evaluations', 'count(*)::bigint AS evaluations');
    expect(sql).not.toBe(coverage.properties.sql);
    const planted = { ...coverage, properties: { ...coverage.properties, sql } };
    // DuckDB alone would not notice: it takes the cast and gives the same rows.
    const original = await world.duckdb.query(`SELECT * FROM (${coverage.properties.sql}) AS v`, 'coverage');
    const plantedRows = await world.duckdb.query(`SELECT * FROM (${sql}) AS v`, 'planted coverage');
    const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted(plantedRows)).toEqual(sorted(original));
    const files = new Map(world.repo.views.map((v) => [v.name, v.file]));
    await expect(createViewsOnTrino(world.client, [planted], files)).rejects.toThrow(
      /^view coverage \(.*coverage\.sql\) is not valid on Trino at line \d+:\d+: SYNTAX_ERROR/,
    );
    // The view deployed before is untouched.
    const [[definition]] = (
      await world.client.query(`SHOW CREATE VIEW "${coverage.properties.database}"."coverage"`)
    ).rows as [[string]];
    expect(definition).toMatch(/count\(\*\)\s+(AS\s+)?evaluations/i);
    expect(definition).not.toContain('::');
  });

  it("a region missing from the snapshot table's projection.region.values (UpdateTable on moto): its files go missing, the comparison fails", async () => {
    const [kept, dropped] = world.repo.org.regions;
    expect(dropped).toBeDefined();
    await updateTableBehindOurBack(world, (p) => {
      p.parameters['projection.region.values'] = String(kept);
    });
    const { database, table } = world.repo.org.glue;
    const sql = `SELECT account, region, dt, "$path" AS path FROM "${database}"."${table}" WHERE itemtype = 'ConfigSnapshot'`;
    try {
      await expect(compareQuery('the snapshot files', sql)).rejects.toThrow(
        /^the snapshot files: Trino returned \d+ row\(s\), DuckDB \d+; 0 row\(s\) only in Trino, \d+ only in DuckDB/,
      );
      // The views read the compacted tables: the raw table's projection is no longer theirs.
      await compareView('daily_evaluations');
      await compareView('freshness');
    } finally {
      // Our own plan sees the drift and apply puts the table back.
      const { plan } = await applyGlueTable(world.aws, world.repo, world.today);
      expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    }
    await compareQuery('the snapshot files', sql);
  });

  it("the compacted table's projection.dt.format 'yyyy/MM/dd' (UpdateTable on moto): its days go missing, the views' comparison fails", async () => {
    await updateTableBehindOurBack(
      world,
      (p) => {
        p.parameters['projection.dt.format'] = 'yyyy/MM/dd';
        // The range in the new format, so that Trino takes the table and looks for dt=yyyy/MM/dd.
        p.parameters['projection.dt.range'] = String(p.parameters['projection.dt.range']).replace(/-/g, '/');
      },
      EVALUATIONS_TABLE,
    );
    try {
      await expect(compareView('daily_evaluations')).rejects.toThrow(
        /^view daily_evaluations: Trino returned 0 row\(s\), DuckDB \d+; 0 row\(s\) only in Trino, \d+ only in DuckDB/,
      );
    } finally {
      const { plan } = await applyGlueTable(world.aws, world.repo, world.today, EVALUATIONS_TABLE);
      expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    }
    await compareView('daily_evaluations');
  });

  it("the compacted table's projection.dt.range starting today (UpdateTable on moto): the earlier days go missing, the trend's comparison fails", async () => {
    await updateTableBehindOurBack(
      world,
      (p) => {
        p.parameters['projection.dt.range'] = `${world.today},NOW`;
      },
      EVALUATIONS_TABLE,
    );
    try {
      await expect(compareView('trend')).rejects.toThrow(/^view trend: .*only in DuckDB/s);
    } finally {
      const { plan } = await applyGlueTable(world.aws, world.repo, world.today, EVALUATIONS_TABLE);
      expect(plan.changes.map((c) => c.action)).toEqual(['update']);
    }
    await compareView('trend');
  });
});

describe('views as Athena stores them: planned from what our provider reads back', () => {
  /** The desired views of the world's repository with `edit` applied to its view files. */
  function desiredWith(edit: (text: string, name: string) => string): DesiredResource<'athena-view'>[] {
    const repo = {
      ...world.repo,
      views: world.repo.views.map((v) => ({ ...v, text: edit(v.text, v.name) })),
    };
    return desiredViews(repo, { today: world.today });
  }

  /** The text Trino stored for each view (originalSql of the Presto view in Glue on moto). */
  async function storedTexts(): Promise<Map<string, string>> {
    const { database } = world.repo.org.glue;
    const tables = await world.glue.send(new GetTablesCommand({ DatabaseName: database }));
    return new Map(
      (tables.TableList ?? [])
        .filter((t) => t.TableType === 'VIRTUAL_VIEW')
        .map((t) => [t.Name ?? '', decodePrestoView(t.ViewOriginalText ?? '').originalSql]),
    );
  }

  it('Trino stores every view formatted anew, yet the plan of the views it stored is empty', async () => {
    const stored = await storedTexts();
    // The drift that comparing texts showed: no stored text is the file's text.
    const differing = world.views.filter((v) => stored.get(v.properties.name)?.trim() !== v.properties.sql);
    expect(differing.map((v) => v.properties.name).sort()).toEqual([...VIEW_NAMES].sort());
    const planned = plan(world.views, await world.viewProvider.read(world.views));
    expect(planned.changes.map((c) => c.action)).toEqual(world.views.map(() => 'no-op'));
    expect(planned.notices).toEqual([]);
    expect(planned.conflicts).toEqual([]);
  });

  it('CRLF line ends and a byte-order mark in the view files are no change', async () => {
    const desired = desiredWith((text) => `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    expect(desired.some((d) => d.properties.sql.includes('\r'))).toBe(false);
    const planned = plan(desired, await world.viewProvider.read(desired));
    expect(planned.hasChanges).toBe(false);
  });

  it('one edited view file plans exactly that view as an update, and after apply nothing is left', async () => {
    const desired = desiredWith((text, name) =>
      name === 'rule_summary' ? text.replace(/\n*$/, '\n-- reviewed by the platform team\n') : text,
    );
    const planned = await deployViews(world.viewProvider, desired);
    expect(planned.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.name}`)).toEqual([
      `update ${world.repo.org.glue.database}.rule_summary`,
    ]);
    const again = plan(desired, await world.viewProvider.read(desired));
    expect(again.hasChanges).toBe(false);
    // Back to the files as they are, for the tests after this one.
    await deployViews(world.viewProvider, world.views);
    expect(plan(world.views, await world.viewProvider.read(world.views)).hasChanges).toBe(false);
  });

  it('a view made by hand beside ours is never planned for deletion, named as not managed, and survives apply', async () => {
    const { database } = world.repo.org.glue;
    await world.client.query(
      `CREATE VIEW "${database}"."team_adhoc" AS SELECT account_id FROM "${database}"."accounts"`,
    );
    try {
      const planned = await deployViews(world.viewProvider, world.views);
      expect(planned.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
      expect(planned.notices.map((n) => n.message)).toEqual([
        `1 Athena view not managed by org-compliance (no ownership mark), left alone: ${database}.team_adhoc`,
      ]);
      const rows = await world.client.query(`SELECT count(*) FROM "${database}"."team_adhoc"`);
      expect(Number(rows.rows[0]?.[0])).toBe(world.repo.accounts.length);
    } finally {
      await world.client.query(`DROP VIEW IF EXISTS "${database}"."team_adhoc"`);
    }
  });

  it('every view created on the engine directly from its file (no mark) reads back as the same query: no change', async () => {
    const files = new Map(world.repo.views.map((v) => [v.name, v.file]));
    await createViewsOnTrino(world.client, world.views, files);
    const current = await world.viewProvider.read(world.views);
    // Not marked: the engine made them, not our provider.
    const { tagKey, tagValue } = world.repo.org.ownership;
    const tables = await world.glue.send(
      new GetTablesCommand({ DatabaseName: world.repo.org.glue.database }),
    );
    expect(
      (tables.TableList ?? []).filter(
        (t) => t.TableType === 'VIRTUAL_VIEW' && t.Parameters?.[tagKey] === tagValue,
      ),
    ).toEqual([]);
    const planned = plan(world.views, current);
    expect(planned.changes.map((c) => c.action)).toEqual(world.views.map(() => 'no-op'));
    expect(planned.conflicts).toEqual([]);
  });

  it('a view of ours replaced by hand with another query (the mark gone) is taken over by the next apply', async () => {
    const summary = view('category_summary').properties;
    await world.client.query(
      `CREATE OR REPLACE VIEW "${summary.database}"."${summary.name}" AS SELECT * FROM (${summary.sql}) AS s WHERE s.category <> 'cost'`,
    );
    const planned = await deployViews(world.viewProvider, world.views);
    expect(planned.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.name}`)).toEqual([
      `update ${summary.database}.${summary.name}`,
    ]);
    expect(plan(world.views, await world.viewProvider.read(world.views)).hasChanges).toBe(false);
    await compareView('category_summary');
  });
});
