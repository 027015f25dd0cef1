import type { Repository } from '../model/config.js';
import type { Target } from '../model/provider.js';
import { atLeast, SEVERITIES, type Severity } from '../model/severity.js';
import type { Row } from '../report/compliance.js';
import { allFailingResourcesSql } from '../report/resources.js';

/** The severities `minSeverity` or more severe; none given, no filter. */
export function severitiesFrom(minSeverity: Severity | undefined): Severity[] | undefined {
  return minSeverity === undefined ? undefined : SEVERITIES.filter((s) => atLeast(s, minSeverity));
}

/**
 * Every row of failing_resources, oldest failure first, through a query session on the target
 * (closed afterwards): Athena's results are read page by page to the last, DuckDB's at once.
 */
export async function allFailingResourcesOn(
  target: Pick<Target, 'openQuerySession'>,
  repo: Repository,
  minSeverity?: Severity,
): Promise<Row[]> {
  const sql = allFailingResourcesSql(repo.org.glue.database, severitiesFrom(minSeverity));
  const session = await target.openQuerySession();
  try {
    return await session.query(sql, 'failing resources (all)');
  } finally {
    await session.close();
  }
}
