/**
 * Where the temporal-bridge REST API is and how to authenticate to it.
 *
 * @example
 * const endpoint: HttpEndpointOptions = { baseUrl: 'http://localhost:4000', apiKey: process.env.TB_API_KEY, timeoutMs: 5_000 };
 */
export interface HttpEndpointOptions {
  /** e.g. `http://localhost:4000` (standalone) or the query service; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Per request (default 10 000 ms). */
  timeoutMs?: number;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** `route` (no leading slash) resolved under `baseUrl`, keeping any path prefix of it. */
export function endpointUrl(baseUrl: string, route: string, query?: Record<string, string | undefined>): URL {
  const url = new URL(route, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (query !== undefined) {
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  }
  return url;
}

export function requestHeaders(apiKey: string | undefined, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (json) headers['content-type'] = 'application/json';
  if (apiKey !== undefined && apiKey !== '') headers['authorization'] = `Bearer ${apiKey}`;
  return headers;
}

/** The body as JSON, or undefined when it is empty or not JSON. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `{error, message}` of an error answer, as far as it has them. */
export function errorBody(body: unknown): { error?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 500) };
  if (typeof body !== 'object' || body === null) return {};
  const { error, message } = body as { error?: unknown; message?: unknown };
  return {
    ...(typeof error === 'string' ? { error } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** True for errors of an aborted or timed-out fetch. */
export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
