/** Local rendering of QuickSight definitions: a static HTML page with the data from DuckDB. */

export {
  type DeployedDashboardOptions,
  dashboardDefinition,
  type LocalDashboard,
  type LocalDashboardOptions,
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
