/**
 * QuickSight for the in-process fake AWS (fake-aws.ts): data sources, data sets with their refresh
 * schedules, analyses, and dashboards with their versions, each with permissions and tags, in one
 * store per account and region. It answers the way the QuickSight API reference describes, where
 * the providers could tell the difference:
 *
 * - CreateDataSource/UpdateDataSource, CreateAnalysis/UpdateAnalysis and CreateDashboard/
 *   UpdateDashboard answer `*_IN_PROGRESS`. The next status look (DescribeDataSource,
 *   DescribeAnalysis, DescribeDashboard of that version) still says so; the one after that settles
 *   on `*_SUCCESSFUL`, or `*_FAILED` with `Errors[]`. CreateDataSet and the refresh schedule calls
 *   take effect at once. Updating or publishing something still in progress is a ConflictException.
 * - A Definition is checked the way STRICT validation checks its data sets: every declared data set
 *   must exist, and every `DataSetIdentifier` used must be declared. Each violation is an error
 *   (DATA_SET_NOT_FOUND) whose ViolatedEntities path points into the Definition as it was sent.
 * - What QuickSight keeps is not what was sent, in the ways src/quicksight/normalize.ts expects
 *   (listed here on their own, so that the fake does not take its facts from the code it tests):
 *   defaults filled in (analysis defaults, week start, sheet content type, title and subtitle
 *   visibility, filter group status, parameter ValueWhenUnset, dashboard publish options, SSL,
 *   data set usage), the arrays AWS treats as sets handed back in another order
 *   (DataSetIdentifierDeclarations, CalculatedFields, ParameterDeclarations), a LogicalTableMap
 *   generated for a data set sent without one, the creation time as a refresh schedule's
 *   StartAfterDateTime, the default theme as ThemeArn. Timestamps are Dates.
 * - UpdateDashboard makes a new version; viewers keep the published one until
 *   UpdateDashboardPublishedVersion publishes another, which must have succeeded. The first version
 *   is published at creation. Describe*Definition without a version number describes the published
 *   version.
 * - DeleteAnalysis keeps the analysis, listed as DELETED, for its recovery window (the id stays
 *   taken); ForceDeleteWithoutRecovery removes it at once. Deleting a data set deletes its schedules.
 * - Permissions are kept per principal, as granted and revoked; tags per resource, from Create*'s
 *   Tags, TagResource and UntagResource. A QuickSight ARN that names nothing is a
 *   ResourceNotFoundException, as is any id that names nothing.
 * - ListDataSources, ListDataSets, ListAnalyses, ListDashboards and ListDashboardVersions page at
 *   MaxResults (at most 100) with NextToken; ListRefreshSchedules does not page (five at most).
 * - Calls that name another account than the caller's are refused (AccessDeniedException).
 *
 * Not modelled: SPICE ingestions (no data is ever loaded), column and type checks of a Definition,
 * users and groups (any principal ARN is accepted), templates and SourceEntity, themes, folders,
 * asset bundles, VPC connections, deleting single dashboard versions, and RestoreAnalysis.
 */

import { createHash } from 'node:crypto';
import { isRecord } from '../model/values.js';
import { awsError, type Json, pageOf } from './fake-service.js';

/** The theme an analysis or dashboard gets when its request names none. */
export const DEFAULT_THEME_ARN = 'arn:aws:quicksight::aws:theme/CLASSIC';
/** The largest page the List* calls return. */
export const QUICKSIGHT_MAX_RESULTS = 100;
/** CreateRefreshSchedule: at most five schedules a data set. */
export const MAX_SCHEDULES_PER_DATA_SET = 5;
/** DeleteAnalysis keeps an analysis restorable this long unless told otherwise. */
export const DEFAULT_RECOVERY_WINDOW_DAYS = 30;

const PAGE = {
  limitKey: 'MaxResults',
  max: QUICKSIGHT_MAX_RESULTS,
  errorName: 'InvalidParameterValueException',
} as const;

/**
 * Work QuickSight finishes after it has answered: `status` is `*_IN_PROGRESS` while `settlesTo` is
 * set, for `looksLeft` more status looks.
 */
export interface FakeWork {
  status: string;
  settlesTo?: string;
  looksLeft: number;
}

interface FakeResource {
  id: string;
  arn: string;
  createdTime: Date;
  lastUpdatedTime: Date;
  /** Principal → actions, in the order they were granted. */
  permissions: Map<string, Set<string>>;
  tags: Map<string, string>;
}

export interface FakeDataSource extends FakeResource {
  /** Name, Type, DataSourceParameters, SslProperties, VpcConnectionProperties as QuickSight keeps them. */
  body: Json;
  work: FakeWork;
}

export interface FakeDataSet extends FakeResource {
  /** The CreateDataSet/UpdateDataSet members as QuickSight keeps them (Name, ImportMode, PhysicalTableMap, …). */
  body: Json;
  /** ScheduleId → the RefreshSchedule as ListRefreshSchedules returns it. */
  schedules: Map<string, Json>;
}

export interface FakeAnalysis extends FakeResource {
  name: string;
  /** The Definition as QuickSight keeps it (defaults filled in, sets reordered). */
  definition: Json;
  themeArn: string;
  work: FakeWork;
  errors: Json[];
  /** Set once DeleteAnalysis has run: the analysis is DELETED until then. */
  deletionTime?: Date;
}

export interface FakeDashboardVersion {
  versionNumber: number;
  name: string;
  /** The Definition as QuickSight keeps it (defaults filled in, sets reordered). */
  definition: Json;
  themeArn: string;
  publishOptions: Json;
  work: FakeWork;
  errors: Json[];
  createdTime: Date;
}

export interface FakeDashboard extends FakeResource {
  /** Version n is at index n - 1. */
  versions: FakeDashboardVersion[];
  publishedVersionNumber: number;
  lastPublishedTime: Date;
}

/** One account's QuickSight in one region. */
export interface QuickSightStore {
  dataSources: Map<string, FakeDataSource>;
  dataSets: Map<string, FakeDataSet>;
  analyses: Map<string, FakeAnalysis>;
  dashboards: Map<string, FakeDashboard>;
}

type ArnType = 'datasource' | 'dataset' | 'analysis' | 'dashboard';

export interface FakeQuickSightOptions {
  /** Status looks that still see `*_IN_PROGRESS` after a create or update. Default 1. */
  inProgressLooks?: number;
}

export class FakeQuickSight {
  /** `<account>/<region>` → that account's QuickSight in that region. */
  readonly stores = new Map<string, QuickSightStore>();
  private requests = 0;
  private readonly inProgressLooks: number;

  constructor(
    /** The account of the credentials calling it: every request must name it. */
    readonly accountId: string,
    options: FakeQuickSightOptions = {},
  ) {
    this.inProgressLooks = options.inProgressLooks ?? 1;
  }

  /** The store of `region` (and an account, the caller's by default), made empty on first use. */
  store(region: string, accountId = this.accountId): QuickSightStore {
    const key = `${accountId}/${region}`;
    let store = this.stores.get(key);
    if (!store) {
      store = { dataSources: new Map(), dataSets: new Map(), analyses: new Map(), dashboards: new Map() };
      this.stores.set(key, store);
    }
    return store;
  }

  /** Answers one QuickSight operation; throws like the service for a request it would refuse. */
  handle(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'ListTagsForResource': {
        const resource = this.byArn(region, input.ResourceArn);
        return this.ok({ Tags: [...resource.tags].map(([Key, Value]) => ({ Key, Value })) });
      }
      case 'TagResource': {
        const resource = this.byArn(region, input.ResourceArn);
        for (const tag of records(input.Tags)) resource.tags.set(text(tag.Key), text(tag.Value));
        return this.ok({});
      }
      case 'UntagResource': {
        const resource = this.byArn(region, input.ResourceArn);
        for (const key of Array.isArray(input.TagKeys) ? input.TagKeys : []) resource.tags.delete(text(key));
        return this.ok({});
      }
      default:
        return (
          this.dataSources(operation, region, input) ??
          this.dataSets(operation, region, input) ??
          this.refreshSchedules(operation, region, input) ??
          this.analyses(operation, region, input) ??
          this.dashboards(operation, region, input) ??
          unknownOperation(operation)
        );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Data sources

  private dataSources(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'CreateDataSource': {
        const store = this.storeFor(region, input);
        const id = requiredId(input, 'DataSourceId');
        if (store.dataSources.has(id)) throw exists('DATA_SOURCE', `Data source ${id} already exists`);
        if (typeof input.Type !== 'string') throw invalid('Type is required');
        const source: FakeDataSource = {
          ...this.newResource(region, 'datasource', id, input),
          body: dataSourceKept(input, input.Type),
          work: this.startWork('CREATION', false),
        };
        store.dataSources.set(id, source);
        return this.ok({ Arn: source.arn, DataSourceId: id, CreationStatus: source.work.status }, 202);
      }
      case 'UpdateDataSource': {
        const source = this.dataSource(region, input);
        assertSettled(source.work, `Data source ${source.id}`);
        source.body = dataSourceKept(input, source.body.Type);
        source.work = this.startWork('UPDATE', false);
        source.lastUpdatedTime = new Date();
        return this.ok({ Arn: source.arn, DataSourceId: source.id, UpdateStatus: source.work.status }, 202);
      }
      case 'DescribeDataSource': {
        const source = this.dataSource(region, input);
        look(source.work);
        return this.ok({ DataSource: dataSourceView(source) });
      }
      case 'ListDataSources': {
        const all = [...this.storeFor(region, input).dataSources.values()];
        const { items, next } = pageOf(all, input, PAGE);
        return this.ok({ DataSources: items.map(dataSourceView), ...(next ? { NextToken: next } : {}) });
      }
      case 'DeleteDataSource': {
        const source = this.dataSource(region, input);
        this.storeFor(region, input).dataSources.delete(source.id);
        return this.ok({ Arn: source.arn, DataSourceId: source.id });
      }
      case 'DescribeDataSourcePermissions': {
        const source = this.dataSource(region, input);
        return this.ok({
          DataSourceArn: source.arn,
          DataSourceId: source.id,
          Permissions: permissionsView(source),
        });
      }
      case 'UpdateDataSourcePermissions': {
        const source = this.dataSource(region, input);
        changePermissions(source, input);
        return this.ok({
          DataSourceArn: source.arn,
          DataSourceId: source.id,
          Permissions: permissionsView(source),
        });
      }
      default:
        return undefined;
    }
  }

  private dataSource(region: string, input: Json): FakeDataSource {
    const id = requiredId(input, 'DataSourceId');
    const source = this.storeFor(region, input).dataSources.get(id);
    if (!source) throw notFound('DATA_SOURCE', `Data source ${id} does not exist`);
    return source;
  }

  // -------------------------------------------------------------------------------------------
  // Data sets

  private dataSets(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'CreateDataSet': {
        const store = this.storeFor(region, input);
        const id = requiredId(input, 'DataSetId');
        if (store.dataSets.has(id)) throw exists('DATA_SET', `Data set ${id} already exists`);
        const body = dataSetKept(id, input, store);
        const dataSet: FakeDataSet = {
          ...this.newResource(region, 'dataset', id, input),
          body,
          schedules: new Map(),
        };
        store.dataSets.set(id, dataSet);
        return this.ok({ Arn: dataSet.arn, DataSetId: id, ...this.ingestion(dataSet) }, 201);
      }
      case 'UpdateDataSet': {
        const store = this.storeFor(region, input);
        const dataSet = this.dataSet(region, input);
        dataSet.body = dataSetKept(dataSet.id, input, store);
        dataSet.lastUpdatedTime = new Date();
        return this.ok({ Arn: dataSet.arn, DataSetId: dataSet.id, ...this.ingestion(dataSet) });
      }
      case 'DescribeDataSet': {
        const dataSet = this.dataSet(region, input);
        return this.ok({
          DataSet: {
            ...structuredClone(dataSet.body),
            Arn: dataSet.arn,
            DataSetId: dataSet.id,
            CreatedTime: new Date(dataSet.createdTime),
            LastUpdatedTime: new Date(dataSet.lastUpdatedTime),
            OutputColumns: outputColumns(dataSet.body),
            ConsumedSpiceCapacityInBytes: 0,
          },
        });
      }
      case 'ListDataSets': {
        const all = [...this.storeFor(region, input).dataSets.values()];
        const { items, next } = pageOf(all, input, PAGE);
        return this.ok({
          DataSetSummaries: items.map((d) => ({
            Arn: d.arn,
            DataSetId: d.id,
            Name: d.body.Name,
            CreatedTime: new Date(d.createdTime),
            LastUpdatedTime: new Date(d.lastUpdatedTime),
            ImportMode: d.body.ImportMode,
            RowLevelPermissionTagConfigurationApplied: false,
            ColumnLevelPermissionRulesApplied: false,
          })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case 'DeleteDataSet': {
        const dataSet = this.dataSet(region, input);
        this.storeFor(region, input).dataSets.delete(dataSet.id);
        return this.ok({ Arn: dataSet.arn, DataSetId: dataSet.id });
      }
      case 'DescribeDataSetPermissions': {
        const dataSet = this.dataSet(region, input);
        return this.ok({
          DataSetArn: dataSet.arn,
          DataSetId: dataSet.id,
          Permissions: permissionsView(dataSet),
        });
      }
      case 'UpdateDataSetPermissions': {
        const dataSet = this.dataSet(region, input);
        changePermissions(dataSet, input);
        return this.ok({ DataSetArn: dataSet.arn, DataSetId: dataSet.id });
      }
      default:
        return undefined;
    }
  }

  private dataSet(region: string, input: Json): FakeDataSet {
    const id = requiredId(input, 'DataSetId');
    const dataSet = this.storeFor(region, input).dataSets.get(id);
    if (!dataSet) throw notFound('DATA_SET', `Data set ${id} does not exist`);
    return dataSet;
  }

  /** A SPICE data set starts an ingestion on create and update (never run here). */
  private ingestion(dataSet: FakeDataSet): Json {
    if (dataSet.body.ImportMode !== 'SPICE') return {};
    const ingestionId = this.requestId();
    return { IngestionArn: `${dataSet.arn}/ingestion/${ingestionId}`, IngestionId: ingestionId };
  }

  // -------------------------------------------------------------------------------------------
  // Refresh schedules

  private refreshSchedules(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'CreateRefreshSchedule': {
        const dataSet = this.dataSet(region, input);
        const schedule = scheduleOf(input);
        const id = text(schedule.ScheduleId);
        if (dataSet.body.ImportMode !== 'SPICE') {
          throw invalid(`Data set ${dataSet.id} is not SPICE: only SPICE data sets are refreshed`);
        }
        if (dataSet.schedules.has(id)) {
          throw exists(undefined, `Refresh schedule ${id} of data set ${dataSet.id} already exists`);
        }
        if (dataSet.schedules.size >= MAX_SCHEDULES_PER_DATA_SET) {
          throw awsError(
            'LimitExceededException',
            `Data set ${dataSet.id} already has ${MAX_SCHEDULES_PER_DATA_SET} refresh schedules`,
            { status: 409, members: { Message: 'limit exceeded', ResourceType: 'DATA_SET' } },
          );
        }
        const arn = `${dataSet.arn}/refresh-schedule/${id}`;
        dataSet.schedules.set(id, {
          ...schedule,
          StartAfterDateTime: schedule.StartAfterDateTime ?? new Date(),
          Arn: arn,
        });
        return this.ok({ ScheduleId: id, Arn: arn });
      }
      case 'UpdateRefreshSchedule': {
        const dataSet = this.dataSet(region, input);
        const schedule = scheduleOf(input);
        const id = text(schedule.ScheduleId);
        const old = dataSet.schedules.get(id);
        if (!old)
          throw notFound(undefined, `Refresh schedule ${id} of data set ${dataSet.id} does not exist`);
        dataSet.schedules.set(id, {
          ...schedule,
          StartAfterDateTime: schedule.StartAfterDateTime ?? old.StartAfterDateTime,
          Arn: old.Arn,
        });
        return this.ok({ ScheduleId: id, Arn: old.Arn });
      }
      case 'DeleteRefreshSchedule': {
        const dataSet = this.dataSet(region, input);
        const id = requiredId(input, 'ScheduleId');
        const old = dataSet.schedules.get(id);
        if (!old)
          throw notFound(undefined, `Refresh schedule ${id} of data set ${dataSet.id} does not exist`);
        dataSet.schedules.delete(id);
        return this.ok({ ScheduleId: id, Arn: old.Arn });
      }
      case 'DescribeRefreshSchedule': {
        const dataSet = this.dataSet(region, input);
        const id = requiredId(input, 'ScheduleId');
        const schedule = dataSet.schedules.get(id);
        if (!schedule)
          throw notFound(undefined, `Refresh schedule ${id} of data set ${dataSet.id} does not exist`);
        return this.ok({ RefreshSchedule: structuredClone(schedule), Arn: schedule.Arn });
      }
      case 'ListRefreshSchedules': {
        const dataSet = this.dataSet(region, input);
        return this.ok({ RefreshSchedules: [...dataSet.schedules.values()].map((s) => structuredClone(s)) });
      }
      default:
        return undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Analyses

  private analyses(operation: string, region: string, input: Json): unknown {
    return this.analysesWrites(operation, region, input) ?? this.analysesReads(operation, region, input);
  }

  /** Creates, updates, deletes and permission changes of analyses. */
  private analysesWrites(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'CreateAnalysis': {
        const store = this.storeFor(region, input);
        const id = requiredId(input, 'AnalysisId');
        if (store.analyses.has(id)) throw exists(undefined, `Analysis ${id} already exists`);
        const definition = requiredDefinition(input);
        const errors = definitionErrors(definition, store);
        const analysis: FakeAnalysis = {
          ...this.newResource(region, 'analysis', id, input),
          name: text(input.Name),
          definition: asQuickSightKeepsIt(definition),
          themeArn: typeof input.ThemeArn === 'string' ? input.ThemeArn : DEFAULT_THEME_ARN,
          work: this.startWork('CREATION', errors.length > 0),
          errors,
        };
        store.analyses.set(id, analysis);
        return this.ok({ Arn: analysis.arn, AnalysisId: id, CreationStatus: analysis.work.status }, 202);
      }
      case 'UpdateAnalysis': {
        const store = this.storeFor(region, input);
        const analysis = this.analysis(region, input);
        assertSettled(analysis.work, `Analysis ${analysis.id}`);
        const definition = requiredDefinition(input);
        const errors = definitionErrors(definition, store);
        analysis.name = text(input.Name);
        analysis.definition = asQuickSightKeepsIt(definition);
        analysis.themeArn = typeof input.ThemeArn === 'string' ? input.ThemeArn : DEFAULT_THEME_ARN;
        analysis.work = this.startWork('UPDATE', errors.length > 0);
        analysis.errors = errors;
        analysis.lastUpdatedTime = new Date();
        return this.ok(
          { Arn: analysis.arn, AnalysisId: analysis.id, UpdateStatus: analysis.work.status },
          202,
        );
      }
      case 'DeleteAnalysis': {
        const store = this.storeFor(region, input);
        const analysis = this.analysis(region, input);
        if (input.ForceDeleteWithoutRecovery === true) {
          store.analyses.delete(analysis.id);
          return this.ok({ Arn: analysis.arn, AnalysisId: analysis.id, DeletionTime: new Date() });
        }
        const days = Number(input.RecoveryWindowInDays ?? DEFAULT_RECOVERY_WINDOW_DAYS);
        if (!Number.isInteger(days) || days < 7 || days > 30) {
          throw invalid(
            `RecoveryWindowInDays must be between 7 and 30, got ${String(input.RecoveryWindowInDays)}`,
          );
        }
        analysis.deletionTime = new Date(Date.now() + days * 86_400_000);
        return this.ok({
          Arn: analysis.arn,
          AnalysisId: analysis.id,
          DeletionTime: new Date(analysis.deletionTime),
        });
      }
      case 'UpdateAnalysisPermissions': {
        const analysis = this.analysis(region, input);
        changePermissions(analysis, input);
        return this.ok({
          AnalysisArn: analysis.arn,
          AnalysisId: analysis.id,
          Permissions: permissionsView(analysis),
        });
      }
      default:
        return undefined;
    }
  }

  /** Describe*, List* and permissions reads of analyses. */
  private analysesReads(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'DescribeAnalysis': {
        const analysis = this.analysis(region, input, { deleted: true });
        if (!analysis.deletionTime) look(analysis.work);
        return this.ok({
          Analysis: {
            AnalysisId: analysis.id,
            Arn: analysis.arn,
            Name: analysis.name,
            Status: analysisStatus(analysis),
            Errors: structuredClone(analysis.errors),
            DataSetArns: declaredDataSetArns(analysis.definition),
            ThemeArn: analysis.themeArn,
            CreatedTime: new Date(analysis.createdTime),
            LastUpdatedTime: new Date(analysis.lastUpdatedTime),
            Sheets: sheetSummaries(analysis.definition),
          },
        });
      }
      case 'DescribeAnalysisDefinition': {
        const analysis = this.analysis(region, input, { deleted: true });
        return this.ok({
          AnalysisId: analysis.id,
          Name: analysis.name,
          Errors: structuredClone(analysis.errors),
          ResourceStatus: analysisStatus(analysis),
          ThemeArn: analysis.themeArn,
          Definition: structuredClone(analysis.definition),
        });
      }
      case 'ListAnalyses': {
        const all = [...this.storeFor(region, input).analyses.values()];
        const { items, next } = pageOf(all, input, PAGE);
        return this.ok({
          AnalysisSummaryList: items.map((a) => ({
            Arn: a.arn,
            AnalysisId: a.id,
            Name: a.name,
            Status: analysisStatus(a),
            CreatedTime: new Date(a.createdTime),
            LastUpdatedTime: new Date(a.lastUpdatedTime),
          })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case 'DescribeAnalysisPermissions': {
        const analysis = this.analysis(region, input);
        return this.ok({
          AnalysisArn: analysis.arn,
          AnalysisId: analysis.id,
          Permissions: permissionsView(analysis),
        });
      }
      default:
        return undefined;
    }
  }

  /** The analysis the request names; a DELETED one only when `deleted` allows it. */
  private analysis(region: string, input: Json, options: { deleted?: boolean } = {}): FakeAnalysis {
    const id = requiredId(input, 'AnalysisId');
    const analysis = this.storeFor(region, input).analyses.get(id);
    if (!analysis || (analysis.deletionTime && !options.deleted)) {
      throw notFound(undefined, `Analysis ${id} does not exist${analysis ? ' (it is DELETED)' : ''}`);
    }
    return analysis;
  }

  // -------------------------------------------------------------------------------------------
  // Dashboards

  private dashboards(operation: string, region: string, input: Json): unknown {
    return this.dashboardsWrites(operation, region, input) ?? this.dashboardsReads(operation, region, input);
  }

  /** Creates, updates, publishing, deletes and permission changes of dashboards. */
  private dashboardsWrites(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'CreateDashboard': {
        const store = this.storeFor(region, input);
        const id = requiredId(input, 'DashboardId');
        if (store.dashboards.has(id)) throw exists(undefined, `Dashboard ${id} already exists`);
        const resource = this.newResource(region, 'dashboard', id, input);
        const version = this.newVersion(1, input, store, 'CREATION');
        const dashboard: FakeDashboard = {
          ...resource,
          versions: [version],
          publishedVersionNumber: 1,
          lastPublishedTime: new Date(),
        };
        store.dashboards.set(id, dashboard);
        return this.ok(
          {
            Arn: dashboard.arn,
            VersionArn: `${dashboard.arn}/version/1`,
            DashboardId: id,
            CreationStatus: version.work.status,
          },
          202,
        );
      }
      case 'UpdateDashboard': {
        const store = this.storeFor(region, input);
        const dashboard = this.dashboard(region, input);
        const latest = dashboard.versions[dashboard.versions.length - 1];
        if (latest) assertSettled(latest.work, `Dashboard ${dashboard.id} version ${latest.versionNumber}`);
        const version = this.newVersion(dashboard.versions.length + 1, input, store, 'UPDATE');
        dashboard.versions.push(version);
        dashboard.lastUpdatedTime = new Date();
        return this.ok(
          {
            Arn: dashboard.arn,
            VersionArn: `${dashboard.arn}/version/${version.versionNumber}`,
            DashboardId: dashboard.id,
            CreationStatus: version.work.status,
          },
          202,
        );
      }
      case 'UpdateDashboardPublishedVersion': {
        const dashboard = this.dashboard(region, input);
        const version = this.version(dashboard, input.VersionNumber);
        if (!version.work.status.endsWith('_SUCCESSFUL')) {
          throw awsError(
            'ConflictException',
            `Version ${version.versionNumber} of dashboard ${dashboard.id} is ${version.work.status}: only a successful version can be published`,
            { status: 409, members: { Message: 'conflict' } },
          );
        }
        dashboard.publishedVersionNumber = version.versionNumber;
        dashboard.lastPublishedTime = new Date();
        return this.ok({ DashboardId: dashboard.id, DashboardArn: dashboard.arn });
      }
      case 'DeleteDashboard': {
        const dashboard = this.dashboard(region, input);
        this.storeFor(region, input).dashboards.delete(dashboard.id);
        return this.ok({ Arn: dashboard.arn, DashboardId: dashboard.id });
      }
      case 'UpdateDashboardPermissions': {
        const dashboard = this.dashboard(region, input);
        changePermissions(dashboard, input);
        return this.ok({
          DashboardArn: dashboard.arn,
          DashboardId: dashboard.id,
          Permissions: permissionsView(dashboard),
        });
      }
      default:
        return undefined;
    }
  }

  /** Describe*, List* and permissions reads of dashboards. */
  private dashboardsReads(operation: string, region: string, input: Json): unknown {
    switch (operation) {
      case 'DescribeDashboard': {
        const dashboard = this.dashboard(region, input);
        const version = this.version(dashboard, input.VersionNumber);
        look(version.work);
        return this.ok({
          Dashboard: {
            DashboardId: dashboard.id,
            Arn: dashboard.arn,
            Name: version.name,
            Version: {
              CreatedTime: new Date(version.createdTime),
              Errors: structuredClone(version.errors),
              VersionNumber: version.versionNumber,
              Status: version.work.status,
              Arn: `${dashboard.arn}/version/${version.versionNumber}`,
              DataSetArns: declaredDataSetArns(version.definition),
              ThemeArn: version.themeArn,
              Sheets: sheetSummaries(version.definition),
            },
            CreatedTime: new Date(dashboard.createdTime),
            LastPublishedTime: new Date(dashboard.lastPublishedTime),
            LastUpdatedTime: new Date(dashboard.lastUpdatedTime),
          },
        });
      }
      case 'DescribeDashboardDefinition': {
        const dashboard = this.dashboard(region, input);
        const version = this.version(dashboard, input.VersionNumber);
        return this.ok({
          DashboardId: dashboard.id,
          Name: version.name,
          Errors: structuredClone(version.errors),
          ResourceStatus: version.work.status,
          ThemeArn: version.themeArn,
          Definition: structuredClone(version.definition),
          DashboardPublishOptions: structuredClone(version.publishOptions),
        });
      }
      case 'ListDashboards': {
        const all = [...this.storeFor(region, input).dashboards.values()];
        const { items, next } = pageOf(all, input, PAGE);
        return this.ok({
          DashboardSummaryList: items.map((d) => ({
            Arn: d.arn,
            DashboardId: d.id,
            Name: d.versions[d.publishedVersionNumber - 1]?.name,
            CreatedTime: new Date(d.createdTime),
            LastUpdatedTime: new Date(d.lastUpdatedTime),
            PublishedVersionNumber: d.publishedVersionNumber,
            LastPublishedTime: new Date(d.lastPublishedTime),
          })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case 'ListDashboardVersions': {
        const dashboard = this.dashboard(region, input);
        const { items, next } = pageOf(dashboard.versions, input, PAGE);
        return this.ok({
          DashboardVersionSummaryList: items.map((v) => ({
            Arn: `${dashboard.arn}/version/${v.versionNumber}`,
            CreatedTime: new Date(v.createdTime),
            VersionNumber: v.versionNumber,
            Status: v.work.status,
          })),
          ...(next ? { NextToken: next } : {}),
        });
      }
      case 'DescribeDashboardPermissions': {
        const dashboard = this.dashboard(region, input);
        return this.ok({
          DashboardArn: dashboard.arn,
          DashboardId: dashboard.id,
          Permissions: permissionsView(dashboard),
        });
      }
      default:
        return undefined;
    }
  }

  private dashboard(region: string, input: Json): FakeDashboard {
    const id = requiredId(input, 'DashboardId');
    const dashboard = this.storeFor(region, input).dashboards.get(id);
    if (!dashboard) throw notFound(undefined, `Dashboard ${id} does not exist`);
    return dashboard;
  }

  /** The version `number` names; the published one when it is absent. */
  private version(dashboard: FakeDashboard, number: unknown): FakeDashboardVersion {
    const wanted = number === undefined ? dashboard.publishedVersionNumber : Number(number);
    const version = dashboard.versions[wanted - 1];
    if (!version) throw notFound(undefined, `Dashboard ${dashboard.id} has no version ${String(number)}`);
    return version;
  }

  private newVersion(
    versionNumber: number,
    input: Json,
    store: QuickSightStore,
    action: 'CREATION' | 'UPDATE',
  ): FakeDashboardVersion {
    const definition = requiredDefinition(input);
    const errors = definitionErrors(definition, store);
    return {
      versionNumber,
      name: text(input.Name),
      definition: asQuickSightKeepsIt(definition),
      themeArn: typeof input.ThemeArn === 'string' ? input.ThemeArn : DEFAULT_THEME_ARN,
      publishOptions: publishOptionsKept(input.DashboardPublishOptions),
      work: this.startWork(action, errors.length > 0),
      errors,
      createdTime: new Date(),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Shared

  /** The store a request's AwsAccountId names, which must be the caller's account. */
  private storeFor(region: string, input: Json): QuickSightStore {
    const account = input.AwsAccountId;
    if (typeof account !== 'string' || !/^\d{12}$/.test(account)) {
      throw invalid(`AwsAccountId must be 12 digits, got ${JSON.stringify(account)}`);
    }
    this.assertCaller(account);
    return this.store(region, account);
  }

  private assertCaller(account: string): void {
    if (account !== this.accountId) {
      throw awsError(
        'AccessDeniedException',
        `The caller (account ${this.accountId}) has no access to QuickSight in account ${account}`,
        { status: 401, members: { Message: 'access denied' } },
      );
    }
  }

  /** The resource a QuickSight ARN of this region names (tags). */
  private byArn(region: string, arnValue: unknown): FakeResource {
    const arn = text(arnValue);
    const match =
      /^arn:[^:]+:quicksight:([^:]*):(\d{12}):(datasource|dataset|analysis|dashboard)\/([^/]+)$/.exec(arn);
    if (!match || match[1] !== region)
      throw notFound(undefined, `No QuickSight resource ${arn} in ${region}`);
    const [, , account = '', type, id = ''] = match;
    this.assertCaller(account);
    const store = this.store(region, account);
    const resource =
      type === 'datasource'
        ? store.dataSources.get(id)
        : type === 'dataset'
          ? store.dataSets.get(id)
          : type === 'analysis'
            ? store.analyses.get(id)
            : store.dashboards.get(id);
    if (!resource) throw notFound(undefined, `No QuickSight resource ${arn}`);
    return resource;
  }

  private newResource(region: string, type: ArnType, id: string, input: Json): FakeResource {
    const now = new Date();
    const resource: FakeResource = {
      id,
      arn: `arn:${partition(region)}:quicksight:${region}:${text(input.AwsAccountId)}:${type}/${id}`,
      createdTime: now,
      lastUpdatedTime: now,
      permissions: new Map(),
      tags: new Map(records(input.Tags).map((tag) => [text(tag.Key), text(tag.Value)])),
    };
    changePermissions(resource, { GrantPermissions: input.Permissions ?? [] });
    return resource;
  }

  private startWork(action: 'CREATION' | 'UPDATE', fails: boolean): FakeWork {
    return {
      status: `${action}_IN_PROGRESS`,
      settlesTo: `${action}_${fails ? 'FAILED' : 'SUCCESSFUL'}`,
      looksLeft: this.inProgressLooks,
    };
  }

  private requestId(): string {
    this.requests += 1;
    return `5c1d0e2f-0000-4000-8000-${String(this.requests).padStart(12, '0')}`;
  }

  /** An answer with the members every QuickSight answer carries. */
  private ok(members: Json, status = 200): Json {
    return { ...members, Status: status, RequestId: this.requestId() };
  }
}

// ---------------------------------------------------------------------------------------------
// Status and errors

/** One status look at work in progress: it settles once the looks it had left are used up. */
function look(work: FakeWork): string {
  if (work.settlesTo !== undefined) {
    if (work.looksLeft > 0) {
      work.looksLeft -= 1;
    } else {
      work.status = work.settlesTo;
      delete work.settlesTo;
    }
  }
  return work.status;
}

function assertSettled(work: FakeWork, what: string): void {
  if (work.settlesTo !== undefined) {
    throw awsError('ConflictException', `${what} is ${work.status}; try again once it has finished`, {
      status: 409,
      members: { Message: 'conflict' },
    });
  }
}

function analysisStatus(analysis: FakeAnalysis): string {
  return analysis.deletionTime ? 'DELETED' : analysis.work.status;
}

function notFound(resourceType: string | undefined, message: string): Error {
  return awsError('ResourceNotFoundException', message, {
    status: 404,
    members: { Message: message, ...(resourceType ? { ResourceType: resourceType } : {}) },
  });
}

function exists(resourceType: string | undefined, message: string): Error {
  return awsError('ResourceExistsException', message, {
    status: 409,
    members: { Message: message, ...(resourceType ? { ResourceType: resourceType } : {}) },
  });
}

function invalid(message: string): Error {
  return awsError('InvalidParameterValueException', message, { members: { Message: message } });
}

function unknownOperation(operation: string): never {
  throw awsError('UnknownOperationException', `The fake QuickSight does not implement ${operation}`);
}

function requiredId(input: Json, member: string): string {
  const id = input[member];
  if (typeof id !== 'string' || !/^[\w-]{1,512}$/.test(id)) {
    throw invalid(`${member} must be 1 to 512 letters, digits, _ or -, got ${JSON.stringify(id)}`);
  }
  return id;
}

function requiredDefinition(input: Json): Json {
  if (!isRecord(input.Definition)) {
    throw invalid('The fake QuickSight takes a Definition (SourceEntity and templates are not modelled)');
  }
  return input.Definition;
}

/**
 * What STRICT validation finds about data sets: a declaration naming no data set of this account
 * and region, and a DataSetIdentifier used but never declared. Paths point into `definition`.
 */
export function definitionErrors(definition: Json, store: QuickSightStore): Json[] {
  const errors: Json[] = [];
  const error = (message: string, path: string) => ({
    Type: 'DATA_SET_NOT_FOUND',
    Message: message,
    ViolatedEntities: [{ Path: path }],
  });
  const arns = new Set([...store.dataSets.values()].map((d) => d.arn));
  const declared = new Set<string>();
  records(definition.DataSetIdentifierDeclarations).forEach((declaration, i) => {
    const identifier = text(declaration.Identifier);
    declared.add(identifier);
    if (!arns.has(text(declaration.DataSetArn))) {
      errors.push(
        error(
          `Data set ${text(declaration.DataSetArn)} (identifier ${identifier}) does not exist`,
          `/DataSetIdentifierDeclarations/${i}`,
        ),
      );
    }
  });
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${path}/${i}`);
      return;
    }
    if (!isRecord(value)) return;
    const identifier = value.DataSetIdentifier;
    if (typeof identifier === 'string' && !declared.has(identifier)) {
      errors.push(error(`Data set identifier ${identifier} is not declared`, path));
    }
    for (const [member, child] of Object.entries(value)) {
      if (member !== 'DataSetIdentifierDeclarations') walk(child, `${path}/${member}`);
    }
  };
  walk(definition, '');
  return errors;
}

// ---------------------------------------------------------------------------------------------
// What QuickSight keeps

/** The members of a definition AWS treats as sets, which it hands back in an order of its own. */
const REORDERED_MEMBERS = ['DataSetIdentifierDeclarations', 'CalculatedFields', 'ParameterDeclarations'];

/** A Definition as QuickSight keeps it: defaults filled in where left out, sets in another order. */
export function asQuickSightKeepsIt(sent: Json): Json {
  const definition = structuredClone(sent);
  definition.AnalysisDefaults ??= {
    DefaultNewSheetConfiguration: {
      InteractiveLayoutConfiguration: {
        Grid: {
          CanvasSizeOptions: {
            ScreenCanvasSizeOptions: { ResizeOption: 'FIXED', OptimizedViewPortWidth: '1600px' },
          },
        },
      },
      SheetContentType: 'INTERACTIVE',
    },
  };
  definition.Options = { WeekStart: 'SUNDAY', ...(isRecord(definition.Options) ? definition.Options : {}) };
  for (const sheet of records(definition.Sheets)) {
    sheet.ContentType ??= 'INTERACTIVE';
    for (const visual of records(sheet.Visuals)) {
      for (const [type, body] of Object.entries(visual)) {
        // An empty visual has neither title nor subtitle.
        if (type === 'EmptyVisual' || !isRecord(body)) continue;
        body.Title = { Visibility: 'VISIBLE', ...(isRecord(body.Title) ? body.Title : {}) };
        body.Subtitle = { Visibility: 'VISIBLE', ...(isRecord(body.Subtitle) ? body.Subtitle : {}) };
      }
    }
  }
  for (const group of records(definition.FilterGroups)) group.Status ??= 'ENABLED';
  for (const parameter of records(definition.ParameterDeclarations)) {
    for (const declaration of Object.values(parameter)) {
      if (isRecord(declaration)) declaration.ValueWhenUnset ??= { ValueWhenUnsetOption: 'RECOMMENDED_VALUE' };
    }
  }
  for (const member of REORDERED_MEMBERS) {
    const items = definition[member];
    if (Array.isArray(items)) definition[member] = [...items].reverse();
  }
  return definition;
}

/** DashboardPublishOptions with the documented defaults of the options left out. */
function publishOptionsKept(sent: unknown): Json {
  return {
    AdHocFilteringOption: { AvailabilityStatus: 'ENABLED' },
    ExportToCSVOption: { AvailabilityStatus: 'ENABLED' },
    SheetControlsOption: { VisibilityState: 'COLLAPSED' },
    ExecutiveSummaryOption: { AvailabilityStatus: 'ENABLED' },
    DataStoriesSharingOption: { AvailabilityStatus: 'ENABLED' },
    ...(isRecord(sent) ? structuredClone(sent) : {}),
  };
}

/** The updatable members of a data source as kept; Credentials are never handed back. */
function dataSourceKept(input: Json, type: unknown): Json {
  const body: Json = { Name: text(input.Name), Type: type };
  for (const member of ['DataSourceParameters', 'VpcConnectionProperties']) {
    if (input[member] !== undefined) body[member] = structuredClone(input[member]);
  }
  body.SslProperties = { DisableSsl: false, ...(isRecord(input.SslProperties) ? input.SslProperties : {}) };
  return body;
}

function dataSourceView(source: FakeDataSource): Json {
  return {
    ...structuredClone(source.body),
    Arn: source.arn,
    DataSourceId: source.id,
    Status: source.work.status,
    CreatedTime: new Date(source.createdTime),
    LastUpdatedTime: new Date(source.lastUpdatedTime),
    ...(source.body.DataSourceParameters !== undefined
      ? { AlternateDataSourceParameters: [structuredClone(source.body.DataSourceParameters)] }
      : {}),
  };
}

/** The members of CreateDataSet/UpdateDataSet a data set keeps, with what QuickSight adds. */
function dataSetKept(id: string, input: Json, store: QuickSightStore): Json {
  if (input.ImportMode !== 'SPICE' && input.ImportMode !== 'DIRECT_QUERY') {
    throw invalid(`ImportMode is required: SPICE or DIRECT_QUERY, got ${JSON.stringify(input.ImportMode)}`);
  }
  if (!isRecord(input.PhysicalTableMap) || Object.keys(input.PhysicalTableMap).length === 0) {
    throw invalid('PhysicalTableMap is required');
  }
  const sources = new Set([...store.dataSources.values()].map((s) => s.arn));
  for (const [tableId, table] of Object.entries(input.PhysicalTableMap)) {
    const arn = physicalTableSource(table);
    if (arn !== undefined && !sources.has(arn)) {
      throw invalid(
        `Physical table ${tableId} of data set ${id} names data source ${arn}, which does not exist`,
      );
    }
  }
  const body: Json = {};
  for (const [member, value] of Object.entries(input)) {
    if (!['AwsAccountId', 'DataSetId', 'Permissions', 'Tags', 'FolderArns'].includes(member)) {
      body[member] = structuredClone(value);
    }
  }
  body.LogicalTableMap ??= generatedLogicalTableMap(id, input.PhysicalTableMap);
  body.DataSetUsageConfiguration = {
    DisableUseAsDirectQuerySource: false,
    DisableUseAsImportedSource: false,
    ...(isRecord(input.DataSetUsageConfiguration) ? input.DataSetUsageConfiguration : {}),
  };
  return body;
}

function physicalTableSource(table: unknown): string | undefined {
  if (!isRecord(table)) return undefined;
  for (const kind of ['RelationalTable', 'CustomSql']) {
    const part = table[kind];
    if (isRecord(part) && typeof part.DataSourceArn === 'string') return part.DataSourceArn;
  }
  return undefined;
}

/** One logical table per physical table, named after it, with no transforms (what AWS generates). */
function generatedLogicalTableMap(dataSetId: string, physical: Json): Json {
  return Object.fromEntries(
    Object.entries(physical).map(([tableId, table]) => {
      const logicalId = createHash('sha256').update(`${dataSetId}/${tableId}`).digest('hex').slice(0, 32);
      const named = isRecord(table) ? (Object.values(table).find(isRecord) ?? {}) : {};
      const alias = typeof named.Name === 'string' ? named.Name : tableId;
      return [logicalId, { Alias: alias, Source: { PhysicalTableId: tableId } }];
    }),
  );
}

/** The columns of the physical tables (transforms and calculated columns are not followed). */
function outputColumns(body: Json): Json[] {
  const physical = isRecord(body.PhysicalTableMap) ? Object.values(body.PhysicalTableMap) : [];
  return physical.flatMap((table) => {
    if (!isRecord(table)) return [];
    const relational = isRecord(table.RelationalTable) ? table.RelationalTable.InputColumns : undefined;
    const custom = isRecord(table.CustomSql) ? table.CustomSql.Columns : undefined;
    return records(relational ?? custom).map((c) => ({ Name: c.Name, Type: c.Type }));
  });
}

function scheduleOf(input: Json): Json {
  const schedule = input.Schedule;
  if (!isRecord(schedule)) throw invalid('Schedule is required');
  requiredId(schedule, 'ScheduleId');
  if (!isRecord(schedule.ScheduleFrequency)) throw invalid('Schedule.ScheduleFrequency is required');
  if (schedule.RefreshType !== 'FULL_REFRESH' && schedule.RefreshType !== 'INCREMENTAL_REFRESH') {
    throw invalid(
      `Schedule.RefreshType must be FULL_REFRESH or INCREMENTAL_REFRESH, got ${JSON.stringify(schedule.RefreshType)}`,
    );
  }
  const { Arn: _arn, ...kept } = structuredClone(schedule);
  return kept;
}

function declaredDataSetArns(definition: Json): string[] {
  return records(definition.DataSetIdentifierDeclarations).map((d) => text(d.DataSetArn));
}

function sheetSummaries(definition: Json): Json[] {
  return records(definition.Sheets).map((s) => ({ SheetId: s.SheetId, Name: s.Name }));
}

// ---------------------------------------------------------------------------------------------
// Permissions

/** Grants and revokes per principal and action; a principal left with no action is gone. */
function changePermissions(resource: FakeResource, input: Json): void {
  const items = (member: string) =>
    records(input[member]).map((p) => {
      const principal = p.Principal;
      const actions = p.Actions;
      if (
        typeof principal !== 'string' ||
        principal === '' ||
        !Array.isArray(actions) ||
        actions.length === 0
      ) {
        throw invalid(`${member}: every permission needs a Principal and at least one action`);
      }
      return { principal, actions: actions.map(text) };
    });
  for (const { principal, actions } of items('GrantPermissions')) {
    const granted = resource.permissions.get(principal) ?? new Set<string>();
    for (const action of actions) granted.add(action);
    resource.permissions.set(principal, granted);
  }
  for (const { principal, actions } of items('RevokePermissions')) {
    const granted = resource.permissions.get(principal);
    if (!granted) continue;
    for (const action of actions) granted.delete(action);
    if (granted.size === 0) resource.permissions.delete(principal);
  }
}

/** One entry per principal. QuickSight promises no order: the newest principal comes first here. */
function permissionsView(resource: FakeResource): Json[] {
  return [...resource.permissions]
    .reverse()
    .map(([principal, actions]) => ({ Principal: principal, Actions: [...actions] }));
}

// ---------------------------------------------------------------------------------------------

function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
