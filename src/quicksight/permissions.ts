/**
 * QuickSight resource permissions: the action sets owners and viewers get on each kind, and the
 * grants and revokes that take a resource from the permissions it has to the ones it should have.
 *
 * Action sets as the QuickSight console grants them and the API documentation's examples list them
 * (UpdateDataSetPermissions CLI example; the usual owner sets in public CreateDashboard /
 * CreateAnalysis / CreateDataSource calls). Analyses have no read-only role in QuickSight (sharing
 * an analysis makes a co-owner), so viewers get nothing on analyses: they see the dashboard.
 * Refresh schedules have no permissions of their own.
 *
 * A dashboard's viewers need nothing but the dashboard: QuickSight's user guide ("Sharing and
 * subscribing to data") says dashboard viewers can view and filter the dashboard's data, and that
 * access to the data set is set up separately; granting everyone a dashboard takes only
 * DescribeDashboard, QueryDashboard and ListDashboardVersions. The data source and data set sets
 * below under `author` (Describe…, PassDataSource / PassDataSet, the ingestion reads) let a
 * principal build analyses of their own on our data: viewers get them only with
 * `quicksight.viewersCanAuthor: true`.
 */

import type { QuickSightKind, QuickSightPermission } from '../model/quicksight.js';
import { normalizePermissions } from './normalize.js';

/** The API's ResourcePermission (structurally the SDK's type; the core does not import the SDK). */
export interface ResourcePermission {
  Principal: string;
  Actions: string[];
}

/**
 * owner: full control. viewer: what a dashboard viewer gets. author: what a viewer gets instead
 * when quicksight.viewersCanAuthor is true (the viewer set plus use of the data in analyses).
 */
export type QuickSightRole = 'owner' | 'viewer' | 'author';

const DATA_SOURCE_USE = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
] as const;

const DATA_SET_USE = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
  'quicksight:PassDataSet',
] as const;

const DASHBOARD_VIEW = [
  'quicksight:DescribeDashboard',
  'quicksight:ListDashboardVersions',
  'quicksight:QueryDashboard',
] as const;

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
    viewer: [],
    author: DATA_SOURCE_USE,
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
    viewer: [],
    author: DATA_SET_USE,
  },
  'quicksight-refresh-schedule': { owner: [], viewer: [], author: [] },
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
    author: [],
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
    viewer: DASHBOARD_VIEW,
    author: DASHBOARD_VIEW,
  },
};

/** Who gets what: owners and viewers (QuickSight user or group ARNs), and what viewers may do. */
export interface QuickSightPrincipals {
  owners: readonly string[];
  viewers: readonly string[];
  /** quicksight.viewersCanAuthor: viewers may also use the data source and data sets. Default false. */
  viewersCanAuthor?: boolean;
}

/**
 * The permissions a resource of `kind` should carry for these owners and viewers; a principal that
 * is both gets the owner set, and a principal with no action on the kind is left out. Normalised
 * (sorted, merged).
 */
export function permissionsFor(
  kind: QuickSightKind,
  principals: QuickSightPrincipals,
): QuickSightPermission[] {
  const owners = new Set(principals.owners);
  const actions = QUICKSIGHT_ACTIONS[kind];
  const viewerActions = principals.viewersCanAuthor === true ? actions.author : actions.viewer;
  return normalizePermissions([
    ...principals.owners.map((principal) => ({ principal, actions: actions.owner })),
    ...principals.viewers
      .filter((principal) => !owners.has(principal))
      .map((principal) => ({ principal, actions: viewerActions })),
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
