/**
 * quicksight/ as desired resources for one QuickSight account: the files resolved for the account
 * and region of config/org.yaml's `quicksight` section, each carrying the permissions its owners
 * and viewers should have. Pure.
 */
import type { QuickSightSettings, Repository } from '../model/config.js';
import { partitionOf } from '../model/partition.js';
import type { QuickSightKind } from '../model/quicksight.js';
import type { DesiredResource } from '../model/resources.js';
import { permissionsFor } from '../quicksight/permissions.js';
import { resolveQuickSight } from '../quicksight/resolve.js';

/**
 * A principal of org.yaml as a QuickSight ARN: `group/<name>` and `user/<name>` become that group
 * or user in the settings' namespace, in the identity region of `accountId`; ARNs stay as written.
 */
export function principalArn(principal: string, settings: QuickSightSettings, accountId: string): string {
  if (principal.startsWith('arn:')) return principal;
  const slash = principal.indexOf('/');
  const type = principal.slice(0, slash);
  const name = principal.slice(slash + 1);
  const region = settings.identityRegion;
  return `arn:${partitionOf(region)}:quicksight:${region}:${accountId}:${type}/${settings.namespace}/${name}`;
}

/** Every QuickSight resource of the repository, for `accountId`, in dependency order. */
export function desiredQuickSight(repo: Repository, accountId: string): DesiredResource[] {
  if (repo.quicksight.length === 0) return [];
  const settings = repo.org.quicksight;
  const principals = {
    owners: settings.owners.map((p) => principalArn(p, settings, accountId)),
    viewers: settings.viewers.map((p) => principalArn(p, settings, accountId)),
    viewersCanAuthor: settings.viewersCanAuthor,
  };
  return resolveQuickSight(repo.quicksight, repo.org, accountId, settings.region).map((r) => {
    const kind: QuickSightKind = r.kind;
    return {
      kind,
      key: r.key,
      region: r.region,
      properties: { ...r.properties, permissions: permissionsFor(kind, principals) },
    } as DesiredResource;
  });
}
