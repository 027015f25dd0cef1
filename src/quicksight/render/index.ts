/** Local rendering of QuickSight definitions: a static HTML page with the data from DuckDB. */

export {
  type DeployedDashboardOptions,
  dashboardDefinition,
  dataFingerprint,
  drawDashboard,
  type LoadedDashboard,
  type LocalDashboard,
  type LocalDashboardOptions,
  loadDeployedDashboard,
  pageFingerprint,
  renderDeployedDashboard,
  renderLocalDashboard,
} from './dashboard.js';
export {
  DataSetError,
  type DataSetLoadOptions,
  dataSetIdOf,
  loadDefinitionData,
  queryDataSet,
  type SqlRunner,
} from './data-sets.js';
export { renderDashboardHtml } from './html.js';
export type { DataSetColumn, DataSetData, QuickSightDefinition, RenderDashboardInput } from './types.js';
export { SUPPORTED_VISUALS } from './visuals.js';
