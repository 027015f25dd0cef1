import type { Repository } from '../model/config.js';
import { type DesiredResource, resourceKey } from '../model/resources.js';
import { desiredConfigRules } from './config-rules.js';
import { desiredGlueTable } from './glue-table.js';
import { desiredViews } from './views.js';

/** Everything the repository says should exist, for one day (`today` decides the account retention window). */
export function desiredResources(repo: Repository, today: string): DesiredResource[] {
  const table = desiredGlueTable(repo.org, repo.accounts, today);
  return [
    {
      kind: 'glue-table',
      key: resourceKey('glue-table', repo.org.glue.region, `${table.database}.${table.name}`),
      region: repo.org.glue.region,
      properties: table,
    },
    ...desiredViews(repo, { today }),
    ...desiredConfigRules(repo.org, repo.rules),
  ];
}
