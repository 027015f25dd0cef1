import { describe, expect, it } from 'vitest';
import { permissionsFor } from '../../src/quicksight/permissions.js';

const ACCOUNT = '222222222222';
const ADMINS = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/org-compliance-admins`;
const SRE = `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/sre`;
const principals = { owners: [ADMINS], viewers: [SRE] };

const DASHBOARD_OWNER = [
  'quicksight:DeleteDashboard',
  'quicksight:DescribeDashboard',
  'quicksight:DescribeDashboardPermissions',
  'quicksight:ListDashboardVersions',
  'quicksight:QueryDashboard',
  'quicksight:UpdateDashboard',
  'quicksight:UpdateDashboardPermissions',
  'quicksight:UpdateDashboardPublishedVersion',
];
const DASHBOARD_VIEWER = [
  'quicksight:DescribeDashboard',
  'quicksight:ListDashboardVersions',
  'quicksight:QueryDashboard',
];
const DATA_SET_OWNER = [
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
];
const DATA_SOURCE_OWNER = [
  'quicksight:DeleteDataSource',
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
  'quicksight:UpdateDataSource',
  'quicksight:UpdateDataSourcePermissions',
];

describe('QuickSight permissions for owners and viewers', () => {
  it('by default viewers get the dashboard and nothing on the data set, the data source or the analysis', () => {
    expect(permissionsFor('quicksight-dashboard', principals)).toEqual([
      { principal: ADMINS, actions: DASHBOARD_OWNER },
      { principal: SRE, actions: DASHBOARD_VIEWER },
    ]);
    expect(permissionsFor('quicksight-data-set', principals)).toEqual([
      { principal: ADMINS, actions: DATA_SET_OWNER },
    ]);
    expect(permissionsFor('quicksight-data-source', principals)).toEqual([
      { principal: ADMINS, actions: DATA_SOURCE_OWNER },
    ]);
    expect(permissionsFor('quicksight-analysis', principals).map((p) => p.principal)).toEqual([ADMINS]);
    expect(permissionsFor('quicksight-refresh-schedule', principals)).toEqual([]);
    // Said explicitly, the same.
    expect(permissionsFor('quicksight-data-set', { ...principals, viewersCanAuthor: false })).toEqual(
      permissionsFor('quicksight-data-set', principals),
    );
  });

  it('with viewersCanAuthor viewers may also use the data source and data sets (PassDataSource, PassDataSet)', () => {
    const authoring = { ...principals, viewersCanAuthor: true };
    expect(permissionsFor('quicksight-data-set', authoring)).toEqual([
      { principal: ADMINS, actions: DATA_SET_OWNER },
      {
        principal: SRE,
        actions: [
          'quicksight:DescribeDataSet',
          'quicksight:DescribeDataSetPermissions',
          'quicksight:DescribeIngestion',
          'quicksight:ListIngestions',
          'quicksight:PassDataSet',
        ],
      },
    ]);
    expect(permissionsFor('quicksight-data-source', authoring)).toEqual([
      { principal: ADMINS, actions: DATA_SOURCE_OWNER },
      {
        principal: SRE,
        actions: [
          'quicksight:DescribeDataSource',
          'quicksight:DescribeDataSourcePermissions',
          'quicksight:PassDataSource',
        ],
      },
    ]);
    // The dashboard and the analysis are the same either way.
    expect(permissionsFor('quicksight-dashboard', authoring)).toEqual(
      permissionsFor('quicksight-dashboard', principals),
    );
    expect(permissionsFor('quicksight-analysis', authoring)).toEqual(
      permissionsFor('quicksight-analysis', principals),
    );
  });

  it('a principal that is both owner and viewer gets the owner set only', () => {
    expect(
      permissionsFor('quicksight-data-set', { owners: [ADMINS], viewers: [ADMINS], viewersCanAuthor: true }),
    ).toEqual([{ principal: ADMINS, actions: DATA_SET_OWNER }]);
  });
});
