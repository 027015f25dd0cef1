/**
 * QuickSight as code: the files of quicksight/ and the resources they become.
 *
 * Layout (each file is JSON in the shape of the QuickSight API's Create* request, without
 * AwsAccountId, Permissions and Tags, which the tool adds):
 *   quicksight/data-sources/<id>.json     CreateDataSource   (DataSourceId, Name, Type, DataSourceParameters)
 *   quicksight/data-sets/<id>.json        CreateDataSet      (DataSetId, Name, ImportMode, PhysicalTableMap, LogicalTableMap?)
 *   quicksight/refresh-schedules/<id>.json CreateRefreshSchedule's Schedule, plus "DataSetId"
 *   quicksight/analyses/<id>.json         CreateAnalysis     (AnalysisId, Name, Definition)
 *   quicksight/dashboards/<id>.json       CreateDashboard    (DashboardId, Name, Definition | "${analysis:<AnalysisId>}")
 *
 * Placeholders, resolved at plan time from config/org.yaml (never left in what is sent):
 *   ${aws:accountId} ${aws:region} ${athena:workgroup} ${glue:database}
 *   ${dataSource:<DataSourceId>}  → the data source ARN
 *   ${dataSet:<DataSetId>}        → the data set ARN
 *   ${analysis:<AnalysisId>}      → (dashboards only, as the whole Definition) that analysis's Definition
 */

export const QUICKSIGHT_KINDS = [
  'quicksight-data-source',
  'quicksight-data-set',
  'quicksight-refresh-schedule',
  'quicksight-analysis',
  'quicksight-dashboard',
] as const;
export type QuickSightKind = (typeof QUICKSIGHT_KINDS)[number];

/** quicksight/<dir>/ for each kind. */
export const QUICKSIGHT_DIRS: Record<QuickSightKind, string> = {
  'quicksight-data-source': 'data-sources',
  'quicksight-data-set': 'data-sets',
  'quicksight-refresh-schedule': 'refresh-schedules',
  'quicksight-analysis': 'analyses',
  'quicksight-dashboard': 'dashboards',
};

/** A file of quicksight/, parsed but not resolved. */
export interface QuickSightSource {
  kind: QuickSightKind;
  /** Repository-relative path. */
  file: string;
  text: string;
  /** The parsed JSON object. */
  json: Record<string, unknown>;
  /** DataSourceId / DataSetId / ScheduleId / AnalysisId / DashboardId. */
  id: string;
}

export interface QuickSightPermission {
  /** A QuickSight user or group ARN. */
  principal: string;
  actions: string[];
}

/** Comparable properties of every QuickSight resource. */
export interface QuickSightProperties {
  id: string;
  name: string;
  /** The request body with placeholders resolved, normalised (sorted keys, no empty arrays/objects, no AWS defaults). */
  body: Record<string, unknown>;
  /** Sorted by principal; actions sorted. */
  permissions: QuickSightPermission[];
}
