import type { Repository } from '../model/config.js';
import { type DesiredResource, resourceKey } from '../model/resources.js';
import { compactedGlueTables } from './compacted-tables.js';
import { desiredConfigRules } from './config-rules.js';
import { desiredGlueTable } from './glue-table.js';
import { desiredQuickSight } from './quicksight.js';
import { desiredReferenceData } from './reference-data.js';
import { desiredViews } from './views.js';

export interface DesiredOptions {
  /**
   * The account QuickSight runs in (its ARNs name it). Needed when quicksight/ holds anything:
   * config/org.yaml's quicksight.accountId, or the target's own account.
   */
  quickSightAccountId?: string;
}

/**
 * Everything the repository says should exist, for one day (`today` decides the account retention
 * window). Throws when quicksight/ holds definitions and no QuickSight account id is given.
 */
export function desiredResources(
  repo: Repository,
  today: string,
  options: DesiredOptions = {},
): DesiredResource[] {
  const accountId = options.quickSightAccountId ?? repo.org.quicksight.accountId;
  if (repo.quicksight.length > 0 && accountId === undefined) {
    throw new Error(
      'quicksight/ holds definitions but no QuickSight account id is known: set quicksight.accountId in config/org.yaml, or let the target find its account',
    );
  }
  const table = desiredGlueTable(repo.org, repo.accounts, today);
  return [
    {
      kind: 'glue-table',
      key: resourceKey('glue-table', repo.org.glue.region, `${table.database}.${table.name}`),
      region: repo.org.glue.region,
      properties: table,
    },
    ...compactedGlueTables(repo.org).map(
      (properties): DesiredResource<'glue-table'> => ({
        kind: 'glue-table',
        key: resourceKey('glue-table', repo.org.glue.region, `${properties.database}.${properties.name}`),
        region: repo.org.glue.region,
        properties,
      }),
    ),
    ...desiredReferenceData(repo, today),
    ...desiredViews(repo, { today }),
    ...desiredConfigRules(repo.org, repo.rules),
    ...(accountId !== undefined ? desiredQuickSight(repo, accountId) : []),
  ];
}
