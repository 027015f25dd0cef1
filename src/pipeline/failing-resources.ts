import type { Repository } from '../model/config.js';
import type { Target } from '../model/provider.js';
import type { Row } from '../report/compliance.js';
import { allFailingResourcesSql } from '../report/resources.js';

/**
 * Every row of failing_resources, oldest failure first, through a query session on the target
 * (closed afterwards): Athena's results are read page by page to the last, DuckDB's at once.
 */
export async function allFailingResourcesOn(
  target: Pick<Target, 'openQuerySession'>,
  repo: Repository,
): Promise<Row[]> {
  const session = await target.openQuerySession();
  try {
    return await session.query(allFailingResourcesSql(repo.org.glue.database), 'failing resources (all)');
  } finally {
    await session.close();
  }
}
