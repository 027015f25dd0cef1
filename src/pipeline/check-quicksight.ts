/**
 * The part of `validate` that needs an engine: every view of sql/ is built in DuckDB over an empty
 * copy of the Glue table the repository deploys, and every data set of quicksight/ is checked
 * against the columns its view really has (names, and a QuickSight type that can hold the SQL
 * type). No snapshot data is read and nothing is written outside a temporary directory.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactedGlueTables } from '../desired/compacted-tables.js';
import { desiredGlueTable } from '../desired/glue-table.js';
import { referenceGlueTable, referenceTables } from '../desired/reference-data.js';
import { desiredViews } from '../desired/views.js';
import { loadLocalEngine } from '../engines/local-engine.js';
import type { Repository } from '../model/config.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { checkDataSetColumns, describeViews, viewsReadBy } from '../quicksight/columns.js';

export interface ViewCheck {
  diagnostics: Diagnostic[];
  /** Views built in DuckDB. */
  views: number;
  /** Data sets whose columns were compared with their view. */
  dataSets: number;
}

export async function checkViewsAndDataSets(repo: Repository, today: string): Promise<ViewCheck> {
  const dataSets = repo.quicksight.filter((q) => q.kind === 'quicksight-data-set');
  const views = desiredViews(repo, { today }).map((v) => v.properties);
  const files = new Map(repo.views.map((v) => [v.name, v.file]));
  const diagnostics: Diagnostic[] = [];
  const failed = new Set<string>();
  const empty = await mkdtemp(join(tmpdir(), 'org-compliance-validate-'));
  // Loaded on demand: DuckDB is a native module.
  const { DuckDbEngine, createViewsInOrder } = await loadLocalEngine(
    'Checking the views and data sets',
    () => import('../engines/duckdb/engine.js'),
  );
  const engine = await DuckDbEngine.open({
    s3Root: empty,
    table: desiredGlueTable(repo.org, repo.accounts, today),
    // The reference tables, empty here: only their columns matter to the views' columns.
    tables: [
      ...referenceTables(repo, today).map((t) => referenceGlueTable(repo.org, t)),
      ...compactedGlueTables(repo.org),
    ],
    today,
  });
  try {
    await createViewsInOrder(engine, views, (view, error) => {
      // DuckDB runs a translation of Athena's SQL: a failure here is worth a look, but Athena
      // (and the Trino suite) have the last word, so it does not fail validation.
      failed.add(view.name);
      diagnostics.push({
        severity: 'warning',
        file: files.get(view.name) ?? `(generated view ${view.name})`,
        line: 1,
        column: 1,
        field: '',
        message: `view ${view.name} does not build in DuckDB (the local target's engine), so the data sets reading it are not checked: ${error.message.split('\n')[0]}`,
      });
    });
    const built = views.length - failed.size;
    if (dataSets.length === 0) return { diagnostics, views: built, dataSets: 0 };
    const columns = await describeViews(
      { query: (sql) => engine.queryDuckDb(sql), close: async () => {} },
      repo.org.glue.database,
      viewsReadBy(repo.quicksight),
    );
    // A view that did not build was warned about above, with its data sets left unchecked.
    diagnostics.push(...checkDataSetColumns(repo.quicksight, columns, failed));
    return { diagnostics, views: built, dataSets: dataSets.length };
  } finally {
    engine.close();
    await rm(empty, { recursive: true, force: true });
  }
}
