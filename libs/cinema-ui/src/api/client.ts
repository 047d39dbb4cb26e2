import type { AstNodeLocation, CallPage, EventPage, ExecutionPath, Histogram, StateSnapshot, Stats } from './types';

/** An answer other than 2xx, or no answer at all, with a message a person can act on. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The API's stable error code (invalid_parameter, not_found, storage_unavailable, ...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True for the rejection of a request whose AbortController fired: not an error to show. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

const KEY_STORAGE = 'cinema.apiKey';

/** The API key typed in after a 401 (servers with API_KEYS), kept for the tab's life only. */
export function apiKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

type Query = Record<string, string | number | bigint | undefined>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** GET a JSON answer of the API (same origin); rejects with ApiError, or an AbortError when `signal` fires. */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = apiKey();
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch(url(path, query), { headers, signal });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'unreachable', 'The server does not answer: is temporal-bridge running?');
  }
  if (response.ok) return (await response.json()) as T;
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    if (typeof body.error === 'string') code = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch (error) {
    // Cancelled while the body was read: a stale request, not an answer (else its status line would show as one).
    if (isAbort(error)) throw error;
    // Not JSON (a proxy's page): the status line is all there is.
  }
  // Cancelled meanwhile: the caller's newer request owns the screen, so this failure must not show.
  signal?.throwIfAborted();
  throw new ApiError(response.status, code, message);
}

const seg = encodeURIComponent;

let documented: Promise<ReadonlySet<string>> | undefined;

/**
 * Whether this server has a GET route (an OpenAPI path like
 * `/v1/ast-nodes/{id}`), read once from /openapi.json: the UI asks only
 * routes that exist, so an older server is not probed into 404s.
 */
export async function hasRoute(path: string): Promise<boolean> {
  documented ??= getJson<{ paths?: Record<string, unknown> }>('/openapi.json').then(
    (doc) => new Set(Object.keys(doc.paths ?? {})),
    () => new Set<string>(),
  );
  return (await documented).has(path);
}

/** The routes the UI uses, typed. */
export const api = {
  stats: (signal?: AbortSignal) => getJson<Stats>('/v1/stats', {}, signal),
  calls: (
    q: { from: bigint; to: bigint; trace_id?: string; service?: string; limit?: number; cursor?: string },
    signal?: AbortSignal,
  ) => getJson<CallPage>('/v1/calls', q, signal),
  histogram: (q: { from: bigint; to: bigint; buckets: number; service?: string }, signal?: AbortSignal) =>
    getJson<Histogram>('/v1/events/histogram', q, signal),
  events: (q: { from: bigint; to: bigint; service?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
    getJson<EventPage>('/v1/events', q, signal),
  state: (q: { at: bigint; trace_id?: string }, signal?: AbortSignal) => getJson<StateSnapshot>('/v1/state', q, signal),
  path: (eventId: string, signal?: AbortSignal) =>
    getJson<ExecutionPath>(`/v1/events/${seg(eventId)}/path`, {}, signal),
  correlation: (id: string, limit = 200, signal?: AbortSignal) =>
    getJson<EventPage>(`/v1/correlations/${seg(id)}/events`, { limit }, signal),
  nodeEvents: (id: string, limit = 200, signal?: AbortSignal) =>
    getJson<EventPage>(`/v1/ast-nodes/${seg(id)}/events`, { limit }, signal),
  /** Where an AST node is in the source; undefined when the server has no such route (no manifest support yet). */
  nodeLocation: async (id: string, signal?: AbortSignal) =>
    (await hasRoute('/v1/ast-nodes/{id}'))
      ? getJson<AstNodeLocation>(`/v1/ast-nodes/${seg(id)}`, {}, signal)
      : undefined,
};
