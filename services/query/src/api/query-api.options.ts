/** Bounds on what one request may ask for; every route enforces them at the edge. */
export interface QueryLimits {
  /** Page size when a request gives no `limit`. */
  defaultLimit: number;
  /** Largest `limit` a request may give (and the storage's row cap). */
  maxResultRows: number;
  /** Widest from..to range, in seconds; wider ranges are rejected with a 400. */
  maxRangeSeconds: number;
}

/** How QueryApiModule behaves; build it from the environment with `queryApiOptionsFromConfig`. */
export interface QueryApiOptions {
  limits: QueryLimits;
  /**
   * When non-empty, every /v1 route requires `Authorization: Bearer <key>`
   * with one of these keys. Health, readiness, metrics and docs stay open.
   */
  apiKeys: readonly string[];
  /**
   * Deadline for one storage call, in ms. Storage enforces it on the
   * ClickHouse side as well; this one also covers a query that hangs before
   * reaching ClickHouse (e.g. a connection that never answers).
   */
  queryTimeoutMs: number;
  /** Prefix of the API's metric names (default `tb_`). */
  metricsPrefix?: string;
}

/** The documented defaults (docs/architecture.md, services/query/README.md). */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  defaultLimit: 1000,
  maxResultRows: 10_000,
  maxRangeSeconds: 86_400,
};
