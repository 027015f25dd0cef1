/** The QuickSight providers of the `aws` target, one per kind, over one set of options. */

import type { Provider } from '../../../model/provider.js';
import type { QuickSightKind } from '../../../model/quicksight.js';
import { AwsQuickSightAnalysisProvider } from './analyses.js';
import { type QuickSightProviderOptions, SharedReads } from './common.js';
import { AwsQuickSightDashboardProvider } from './dashboards.js';
import { AwsQuickSightDataSetProvider } from './data-sets.js';
import { AwsQuickSightDataSourceProvider } from './data-sources.js';
import { AwsQuickSightRefreshScheduleProvider } from './refresh-schedules.js';

export type QuickSightProviders = { [K in QuickSightKind]: Provider<K> };

export function createQuickSightProviders(options: QuickSightProviderOptions): QuickSightProviders {
  // One listing of the data sets (and of their tags) serves both providers that need it.
  options = { ...options, shared: options.shared ?? new SharedReads() };
  return {
    'quicksight-data-source': new AwsQuickSightDataSourceProvider(options),
    'quicksight-data-set': new AwsQuickSightDataSetProvider(options),
    'quicksight-refresh-schedule': new AwsQuickSightRefreshScheduleProvider(options),
    'quicksight-analysis': new AwsQuickSightAnalysisProvider(options),
    'quicksight-dashboard': new AwsQuickSightDashboardProvider(options),
  };
}

export { permissionChanges, permissionsFor, QUICKSIGHT_ACTIONS } from '../../../quicksight/permissions.js';
export { AwsQuickSightAnalysisProvider, VALIDATION_STRATEGY } from './analyses.js';
export { OWNED_ID_PREFIX, type QuickSightProviderOptions } from './common.js';
export { AwsQuickSightDashboardProvider } from './dashboards.js';
export { AwsQuickSightDataSetProvider } from './data-sets.js';
export { AwsQuickSightDataSourceProvider } from './data-sources.js';
export { definitionErrorLines } from './definition-errors.js';
export {
  AwsQuickSightRefreshScheduleProvider,
  MAX_REFRESH_SCHEDULES_PER_DATA_SET,
} from './refresh-schedules.js';
