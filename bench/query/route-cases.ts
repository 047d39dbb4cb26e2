import { DEFAULT_QUERY_LIMITS, type QueryStorage } from '@temporal-bridge/query';

/** An event of the dataset that benchmark questions are drawn from. */
export interface QuerySample {
  event_id: string;
  timestamp: bigint;
  correlation_id: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
}

/** One route, and for a sample: its HTTP path and the same query (same limit) made on storage directly. */
export interface RouteCase {
  route: string;
  /** Whether a sample can be asked this question (e.g. it has an AST node). */
  applies(sample: QuerySample): boolean;
  path(sample: QuerySample): string;
  raw(storage: QueryStorage, sample: QuerySample): Promise<unknown>;
}

// The question shapes of bench/storage (primitives.ts), so its figures and
// these raw columns measure the same queries: one-minute windows, pages of
// 1000, whole-fleet state. Without a `limit` a route asks for DEFAULT_LIMIT.
const MINUTE_NS = 60_000_000_000n;
const PAGE = DEFAULT_QUERY_LIMITS.defaultLimit;

const encode = encodeURIComponent;

/** Every /v1 GET route, with the questions a Cinema UI asks of it. */
export const routeCases: RouteCase[] = [
  {
    route: 'GET /v1/correlations/{id}/events',
    applies: () => true,
    path: (s) => `/v1/correlations/${encode(s.correlation_id)}/events`,
    raw: (storage, s) => storage.getEventsForCorrelation(s.correlation_id, { limit: PAGE }),
  },
  {
    route: 'GET /v1/ast-nodes/{id}/events',
    applies: (s) => s.ast_node_id !== undefined,
    path: (s) => `/v1/ast-nodes/${encode(s.ast_node_id!)}/events`,
    raw: (storage, s) => storage.getEventsForAstNode(s.ast_node_id!, { limit: PAGE }),
  },
  {
    route: 'GET /v1/events (1 min, limit 1000)',
    applies: () => true,
    path: (s) => `/v1/events?from=${s.timestamp}&to=${s.timestamp + MINUTE_NS}&limit=${PAGE}`,
    raw: (storage, s) => storage.getEventsInRange(s.timestamp, s.timestamp + MINUTE_NS, { limit: PAGE }),
  },
  {
    route: 'GET /v1/ast-nodes/active (1 min)',
    applies: () => true,
    path: (s) => `/v1/ast-nodes/active?from=${s.timestamp}&to=${s.timestamp + MINUTE_NS}`,
    raw: (storage, s) => storage.findActiveAstNodes(s.timestamp, s.timestamp + MINUTE_NS),
  },
  {
    route: 'GET /v1/state (at)',
    applies: () => true,
    path: (s) => `/v1/state?at=${s.timestamp}`,
    raw: (storage, s) => storage.reconstructStateAt(s.timestamp),
  },
  {
    route: 'GET /v1/state (at, trace_id)',
    applies: (s) => s.trace_id !== undefined,
    path: (s) => `/v1/state?at=${s.timestamp}&trace_id=${encode(s.trace_id!)}`,
    raw: (storage, s) => storage.reconstructStateAt(s.timestamp, { trace_id: s.trace_id }),
  },
  {
    route: 'GET /v1/events/{event_id}/path',
    applies: () => true,
    path: (s) => `/v1/events/${encode(s.event_id)}/path`,
    raw: (storage, s) => storage.traceExecutionPath(s.event_id),
  },
  {
    route: 'GET /v1/stats',
    applies: () => true,
    path: () => '/v1/stats',
    raw: (storage) => Promise.all([storage.getStats(), storage.listBridgeReports()]),
  },
];
