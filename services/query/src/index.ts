// Public entry of the query service: the pieces standalone reuses to serve
// the same /v1 API with the same code (see README.md, "Reuse").

export { QueryApiModule } from './api/query-api.module';
export type { QueryApiModuleOptions } from './api/query-api.module';
export { DEFAULT_QUERY_LIMITS } from './api/query-api.options';
export type { QueryApiOptions, QueryLimits } from './api/query-api.options';
export { BRIDGE_STATS_SOURCE, QUERY_API_OPTIONS, TEMPORAL_STORAGE } from './api/query-api.tokens';
export type { BridgeReport, QueryStorage } from './api/query-storage';
export { configureQueryApp, DOCS_PATH, OPENAPI_JSON_PATH } from './app/configure-api-app';
export type { ConfigureApiAppOptions } from './app/configure-api-app';
export { createApiFastifyApp } from './app/create-api-app';
export type { ApiAppOptions } from './app/create-api-app';
export { createQueryApp, QUERY_METRICS_PREFIX } from './app/create-query-app';
export type { QueryAppOptions } from './app/create-query-app';
export {
  checkClickHouseTarget,
  checkLimits,
  clickHouseEnvShape,
  queryApiEnvShape,
  queryApiOptionsFromConfig,
  queryServiceConfigSchema,
  storageOptionsFromConfig,
} from './config/query-config.schema';
export type { QueryServiceConfig } from './config/query-config.schema';
export { ApiError } from './errors/api-error';
export type { ApiErrorBody, ApiErrorCode } from './errors/api-error';
export { ApiErrorResponses, ApiJsonOk } from './openapi/api-responses.decorator';
export { openApiSchemas, schemaRef } from './openapi/openapi-schemas.registry';
export { RequestSignal } from './request/request-signal.decorator';
export type { BridgeStatsSource } from './stats/bridge-stats.source';
export { StorageQueries } from './storage/storage-queries';
export { cinemaUiDir, serveCinemaUi } from './ui/serve-cinema-ui';
export { ValidParams, ValidQuery } from './validation/valid-params.decorator';
