/**
 * QuickSight resource permissions: the action sets owners and viewers get on each kind, and the
 * grants and revokes that take a resource from the permissions it has to the ones it should have.
 *
 * Action sets as the QuickSight console grants them and the API documentation's examples list them
 * (UpdateDataSetPermissions CLI example; the usual owner sets in public CreateDashboard /
 * CreateAnalysis / CreateDataSource calls). Analyses have no read-only role in QuickSight (sharing
 * an analysis makes a co-owner), so viewers get nothing on analyses: they see the dashboard.
 * Refresh schedules have no permissions of their own.
 */

import type { QuickSightKind, QuickSightPermission } from '../model/quicksight.js';
import { normalizePermissions } from './normalize.js';

/** The API's ResourcePermission (structurally the SDK's type; the core does not import the SDK). */
export interface ResourcePermission {
  Principal: string;
  Actions: string[];
}

export type QuickSightRole = 'owner' | 'viewer';

export const QUICKSIGHT_ACTIONS: Record<QuickSightKind, Record<QuickSightRole, readonly string[]>> = {
  'quicksight-data-source': {
    owner: [
      'quicksight:DeleteDataSource',
      'quicksight:DescribeDataSource',
      'quicksight:DescribeDataSourcePermissions',
      'quicksight:PassDataSource',
      'quicksight:UpdateDataSource',
      'quicksight:UpdateDataSourcePermissions',
    ],
    viewer: [
      'quicksight:DescribeDataSource',
      'quicksight:DescribeDataSourcePermissions',
      'quicksight:PassDataSource',
    ],
  },
  'quicksight-data-set': {
    owner: [
      'quicksight:CancelIngestion',
      'quicksight:CreateIngestion',
      'quicksight:DeleteDataSet',
      'quicksight:DescribeDataSet',
      'quicksight:DescribeDataSetPermissions',
      'quicksight:DescribeIngestion',
      'quicksight:ListIngestions',
      'quicksight:PassDataSet',
      'quicksight:UpdateDataSet',
      'quicksight:UpdateDataSetPermissions',
    ],
    viewer: [
      'quicksight:DescribeDataSet',
      'quicksight:DescribeDataSetPermissions',
      'quicksight:DescribeIngestion',
      'quicksight:ListIngestions',
      'quicksight:PassDataSet',
    ],
  },
  'quicksight-refresh-schedule': { owner: [], viewer: [] },
  'quicksight-analysis': {
    owner: [
      'quicksight:DeleteAnalysis',
      'quicksight:DescribeAnalysis',
      'quicksight:DescribeAnalysisPermissions',
      'quicksight:QueryAnalysis',
      'quicksight:RestoreAnalysis',
      'quicksight:UpdateAnalysis',
      'quicksight:UpdateAnalysisPermissions',
    ],
    viewer: [],
  },
  'quicksight-dashboard': {
    owner: [
      'quicksight:DeleteDashboard',
      'quicksight:DescribeDashboard',
      'quicksight:DescribeDashboardPermissions',
      'quicksight:ListDashboardVersions',
      'quicksight:QueryDashboard',
      'quicksight:UpdateDashboard',
      'quicksight:UpdateDashboardPermissions',
      'quicksight:UpdateDashboardPublishedVersion',
    ],
    viewer: ['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:QueryDashboard'],
  },
};

/**
 * The permissions a resource of `kind` should carry for these owners and viewers (QuickSight user
 * or group ARNs); a principal that is both gets the owner set. Normalised (sorted, merged).
 */
export function permissionsFor(
  kind: QuickSightKind,
  principals: { owners: readonly string[]; viewers: readonly string[] },
): QuickSightPermission[] {
  const owners = new Set(principals.owners);
  const actions = QUICKSIGHT_ACTIONS[kind];
  return normalizePermissions([
    ...principals.owners.map((principal) => ({ principal, actions: actions.owner })),
    ...principals.viewers
      .filter((principal) => !owners.has(principal))
      .map((principal) => ({ principal, actions: actions.viewer })),
  ]);
}

export interface PermissionChanges {
  grant: ResourcePermission[];
  revoke: ResourcePermission[];
}

/** What to grant and revoke so that `current` becomes `desired` (per principal, per action). */
export function permissionChanges(
  current: readonly QuickSightPermission[],
  desired: readonly QuickSightPermission[],
): PermissionChanges {
  const have = new Map(normalizePermissions(current).map((p) => [p.principal, new Set(p.actions)]));
  const want = new Map(normalizePermissions(desired).map((p) => [p.principal, new Set(p.actions)]));
  const grant: ResourcePermission[] = [];
  const revoke: ResourcePermission[] = [];
  for (const [principal, actions] of want) {
    const missing = [...actions].filter((action) => !have.get(principal)?.has(action));
    if (missing.length > 0) grant.push({ Principal: principal, Actions: missing });
  }
  for (const [principal, actions] of have) {
    const extra = [...actions].filter((action) => !want.get(principal)?.has(action));
    if (extra.length > 0) revoke.push({ Principal: principal, Actions: extra });
  }
  return { grant, revoke };
}

/** The API's form of permissions. */
export function resourcePermissions(permissions: readonly QuickSightPermission[]): ResourcePermission[] {
  return permissions.map((p) => ({ Principal: p.principal, Actions: [...p.actions] }));
}
