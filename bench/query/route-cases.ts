import { DEFAULT_QUERY_LIMITS, type QueryStorage } from '@temporal-bridge/query';

/** An event of the dataset that benchmark queries are drawn from. */
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

/** 100 ms of the fleet: about 140 events at 10M events over 2 hours. */
const WINDOW_NS = 100_000_000n;
/** The page sizes a UI asks for. */
const RANGE_LIMIT = 1000;
const NODE_LIMIT = 100;

const encode = encodeURIComponent;

/** Every /v1 GET route, with the questions a Cinema UI asks of it. */
export const routeCases: RouteCase[] = [
  {
    route: 'GET /v1/events (100 ms window)',
    applies: () => true,
    path: (s) => `/v1/events?from=${s.timestamp}&to=${s.timestamp + WINDOW_NS}&limit=${RANGE_LIMIT}`,
    raw: (storage, s) => storage.getEventsInRange(s.timestamp, s.timestamp + WINDOW_NS, { limit: RANGE_LIMIT }),
  },
  {
    route: 'GET /v1/ast-nodes/{id}/events (limit 100)',
    applies: (s) => s.ast_node_id !== undefined,
    path: (s) => `/v1/ast-nodes/${encode(s.ast_node_id!)}/events?limit=${NODE_LIMIT}`,
    raw: (storage, s) => storage.getEventsForAstNode(s.ast_node_id!, { limit: NODE_LIMIT }),
  },
  {
    route: 'GET /v1/correlations/{id}/events',
    applies: () => true,
    path: (s) => `/v1/correlations/${encode(s.correlation_id)}/events`,
    // The limit the route passes when the request gives none (DEFAULT_LIMIT).
    raw: (storage, s) =>
      storage.getEventsForCorrelation(s.correlation_id, { limit: DEFAULT_QUERY_LIMITS.defaultLimit }),
  },
  {
    route: 'GET /v1/ast-nodes/active (100 ms window)',
    applies: () => true,
    path: (s) => `/v1/ast-nodes/active?from=${s.timestamp}&to=${s.timestamp + WINDOW_NS}`,
    raw: (storage, s) => storage.getActiveAstNodes(s.timestamp, s.timestamp + WINDOW_NS),
  },
  {
    route: 'GET /v1/state (at, trace_id)',
    applies: (s) => s.trace_id !== undefined,
    path: (s) => `/v1/state?at=${s.timestamp}&trace_id=${encode(s.trace_id!)}`,
    raw: (storage, s) => storage.reconstructStateAt(s.timestamp, { trace_id: s.trace_id }),
  },
  {
    route: 'GET /v1/state (at, service)',
    applies: (s) => s.service !== undefined,
    path: (s) => `/v1/state?at=${s.timestamp}&service=${encode(s.service!)}`,
    raw: (storage, s) => storage.reconstructStateAt(s.timestamp, { service: s.service }),
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
