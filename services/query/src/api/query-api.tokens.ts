/**
 * Injection token of the storage the API queries (a TemporalStorage or any
 * QueryStorage). The application provides it: the query service from a
 * ClickHouse URL or data directory, standalone from its embedded storage.
 */
export const TEMPORAL_STORAGE = Symbol('TEMPORAL_STORAGE');

/**
 * Optional injection token of the source of the `bridge` part of GET
 * /v1/stats (a BridgeStatsSource). Without it the API reads the replicas'
 * reports from storage; standalone provides its in-process bridge's stats.
 */
export const BRIDGE_STATS_SOURCE = Symbol('BRIDGE_STATS_SOURCE');

/** Injection token of the QueryApiOptions the module was configured with. */
export const QUERY_API_OPTIONS = Symbol('QUERY_API_OPTIONS');
