import { api, ApiError } from './api/client';
import type { ApiCall, ApiEvent } from './api/types';
import { NS_PER_S } from './time/nanos';
import type { UrlState } from './url-state';

/** Most calls the chart holds at once; past it the user is asked to zoom in. */
export const MAX_CALLS = 10_000;
/**
 * Calls asked per page: all the chart holds, in one request (the API's default MAX_RESULT_ROWS);
 * a server that allows fewer says so and is asked again with its limit. One request instead of
 * two halves the round trips and the per-page work before the first render.
 */
const CALL_PAGE = MAX_CALLS;
/** The API's default MAX_RANGE_SECONDS: the widest window asked for. */
export const MAX_WINDOW_NS = 86_400n * NS_PER_S;
/** Events loaded as ticks (for clicking and stepping) when the view holds at most this many. */
export const MAX_TICKS = 3_000;

/** Something asked for that is not stored: shown as a clear message, not as an error. */
export class NotFound extends Error {}

/** The window, filters, cursor and selection a view resolves to. */
export interface ResolvedView {
  from: bigint;
  to: bigint;
  trace?: string;
  service?: string;
  cursor?: bigint;
  event?: string;
  /** Calls already loaded while resolving (a trace's), reused instead of asked again. */
  calls?: { calls: ApiCall[]; truncated: boolean };
  /** The store holds no event at all. */
  empty?: boolean;
}

/** What this server allows, learnt from its 400 answers (MAX_RESULT_ROWS, MAX_RANGE_SECONDS may be set lower). */
const serverLimits = { pageRows: CALL_PAGE, rangeNs: MAX_WINDOW_NS };

/**
 * Runs `ask`; when the server refuses a page size or a range wider than it
 * allows, remembers its limit (the 400 message names it) and asks once more.
 */
async function withinLimits<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    const rows = /^limit: must be an integer from 1 to (\d+)/.exec(error.message);
    const range = /at most (\d+) s is allowed/.exec(error.message);
    if (rows !== null) serverLimits.pageRows = Number(rows[1]);
    else if (range !== null) serverLimits.rangeNs = BigInt(range[1]!) * NS_PER_S;
    else throw error;
    return ask();
  }
}

/** Calls overlapping [from, to], following cursors up to MAX_CALLS. */
export async function loadCalls(
  query: { from: bigint; to: bigint; trace_id?: string; service?: string },
  signal?: AbortSignal,
): Promise<{ calls: ApiCall[]; truncated: boolean }> {
  const calls: ApiCall[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await withinLimits(() => {
      // A window wider than the server allows keeps its end (the latest data) and loses its start.
      const from = query.to - query.from > serverLimits.rangeNs ? query.to - serverLimits.rangeNs : query.from;
      return api.calls({ ...query, from, limit: serverLimits.pageRows, cursor }, signal);
    });
    calls.push(...page.calls);
    if (page.next_cursor === null) return { calls, truncated: false };
    if (calls.length >= MAX_CALLS) return { calls, truncated: true };
    cursor = page.next_cursor;
  }
}

/** Pads [from, to] by 5% on each side (at least 1 µs), within MAX_WINDOW_NS. */
export function pad(from: bigint, to: bigint): { from: bigint; to: bigint } {
  const margin = (to - from) / 20n > 1000n ? (to - from) / 20n : 1000n;
  let start = from - margin;
  let end = to + margin;
  if (end - start > MAX_WINDOW_NS) {
    const middle = start + (end - start) / 2n;
    start = middle - MAX_WINDOW_NS / 2n;
    end = middle + MAX_WINDOW_NS / 2n;
  }
  return { from: start < 0n ? 0n : start, to: end };
}

/** The extent of a trace's calls around `anchor` (a day either side at most). */
async function traceView(
  trace: string,
  anchor: bigint,
  service: string | undefined,
  signal?: AbortSignal,
): Promise<ResolvedView | undefined> {
  const half = MAX_WINDOW_NS / 2n;
  const loaded = await loadCalls({ from: anchor - half, to: anchor + half, trace_id: trace, service }, signal);
  if (loaded.calls.length === 0) return undefined;
  let first = BigInt(loaded.calls[0]!.entry_timestamp);
  let last = first;
  for (const call of loaded.calls) {
    const entry = BigInt(call.entry_timestamp);
    const exit = call.exit_timestamp === null ? entry : BigInt(call.exit_timestamp);
    if (entry < first) first = entry;
    if (exit > last) last = exit;
  }
  // An open call has no exit to end the extent: its latest event does (a few open roots at most are asked).
  const open = loaded.calls.filter((call) => call.exit_timestamp === null).slice(0, 3);
  const latest = await Promise.all(open.map((call) => api.correlation(call.correlation_id, 1000, signal)));
  for (const page of latest) {
    const lastEvent = page.events.at(-1);
    if (lastEvent !== undefined && BigInt(lastEvent.timestamp) > last) last = BigInt(lastEvent.timestamp);
  }
  return { ...pad(first, last), trace, service, calls: loaded };
}

/** The newest event's time, or undefined when nothing is stored. */
async function newest(signal?: AbortSignal): Promise<bigint | undefined> {
  const stats = await api.stats(signal);
  const value = stats.storage.newest_timestamp;
  return stats.storage.total_events === 0 || value === null ? undefined : BigInt(value);
}

/**
 * What a link opens (the URL's from/to, trace, at, event), filling what it
 * leaves out: an event's window is its trace's (or its call's), a trace's
 * is the extent of its calls, an instant gets a second either side, and a
 * bare link shows the last 15 minutes of data.
 */
export async function resolveView(url: UrlState, signal?: AbortSignal): Promise<ResolvedView> {
  const explicit = url.from !== undefined && url.to !== undefined ? { from: url.from, to: url.to } : undefined;
  const base = { service: url.service, cursor: url.at, event: url.event };
  if (url.event !== undefined) {
    let target: ApiEvent;
    try {
      target = (await api.path(url.event, signal)).target;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw new NotFound(`No event "${url.event}" is stored.`);
      throw error;
    }
    const at = BigInt(target.timestamp);
    const trace = url.trace ?? target.trace_id;
    const cursor = url.at ?? at;
    if (explicit !== undefined) return { ...base, ...explicit, trace, cursor };
    if (trace !== undefined) {
      const view = await traceView(trace, at, url.service, signal);
      if (view !== undefined) return { ...view, cursor, event: url.event };
    }
    const own = await api.correlation(target.correlation_id, 1000, signal);
    const times = own.events.map((e) => BigInt(e.timestamp));
    const first = times.reduce((a, b) => (b < a ? b : a), at);
    const last = times.reduce((a, b) => (b > a ? b : a), at);
    return { ...base, ...pad(first, last), trace, cursor };
  }
  if (url.trace !== undefined) {
    if (explicit !== undefined) return { ...base, ...explicit, trace: url.trace };
    const anchor = url.at ?? (await newest(signal));
    const view = anchor === undefined ? undefined : await traceView(url.trace, anchor, url.service, signal);
    if (view === undefined) throw new NotFound(`No calls of trace "${url.trace}" are stored.`);
    return { ...view, cursor: url.at, event: url.event };
  }
  if (explicit !== undefined) return { ...base, ...explicit };
  if (url.at !== undefined) return { ...base, from: url.at - NS_PER_S, to: url.at + NS_PER_S };
  const fifteen = 900n * NS_PER_S;
  if (url.from !== undefined) return { ...base, from: url.from, to: url.from + fifteen };
  if (url.to !== undefined) return { ...base, from: url.to - fifteen, to: url.to };
  const stats = await api.stats(signal);
  const { total_events, oldest_timestamp, newest_timestamp } = stats.storage;
  if (total_events === 0 || newest_timestamp === null || oldest_timestamp === null) {
    const now = BigInt(Date.now()) * 1_000_000n;
    return { ...base, from: now - fifteen, to: now, empty: true };
  }
  const end = BigInt(newest_timestamp);
  const oldest = BigInt(oldest_timestamp);
  const start = end - fifteen > oldest ? end - fifteen : oldest;
  return { ...base, ...pad(start, end) };
}

/** One thing a search found. */
export type SearchHit =
  | { kind: 'event'; id: string; event: ApiEvent }
  | { kind: 'trace'; id: string; calls: number }
  | { kind: 'correlation'; id: string; events: ApiEvent[] }
  | { kind: 'ast-node'; id: string; events: ApiEvent[] }
  | { kind: 'service'; id: string; events: number };

const KINDS = ['event', 'trace', 'correlation', 'ast-node', 'service'] as const;

/**
 * Looks an id up as every kind it could be (or the one a `kind:` prefix
 * names), in parallel. A 404 or an empty answer means "not this kind";
 * any other failure is raised.
 */
export async function searchId(text: string, signal?: AbortSignal): Promise<SearchHit[]> {
  const prefix = /^(event|trace|correlation|corr|ast-node|node|service):(.+)$/i.exec(text.trim());
  const wanted = prefix === null ? KINDS : [normalKind(prefix[1]!.toLowerCase())];
  const id = prefix === null ? text.trim() : prefix[2]!.trim();
  const anchor = (await newest(signal)) ?? BigInt(Date.now()) * 1_000_000n;
  const day = { from: anchor - MAX_WINDOW_NS, to: anchor };
  const missing = (error: unknown) => {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return undefined;
    throw error;
  };
  const lookups: Record<(typeof KINDS)[number], () => Promise<SearchHit | undefined>> = {
    event: () => api.path(id, signal).then((p) => ({ kind: 'event' as const, id, event: p.target }), missing),
    trace: () =>
      api
        .calls({ ...day, trace_id: id, limit: 1 }, signal)
        .then((p) => (p.calls.length > 0 ? { kind: 'trace' as const, id, calls: p.calls.length } : undefined), missing),
    correlation: () =>
      api
        .correlation(id, 50, signal)
        .then(
          (p) => (p.events.length > 0 ? { kind: 'correlation' as const, id, events: p.events } : undefined),
          missing,
        ),
    'ast-node': () =>
      api
        .nodeEvents(id, 50, signal)
        .then((p) => (p.events.length > 0 ? { kind: 'ast-node' as const, id, events: p.events } : undefined), missing),
    service: () =>
      api.histogram({ ...day, buckets: 1, service: id }, signal).then((h) => {
        const events = h.buckets.reduce((sum, b) => sum + b.events, 0);
        return events > 0 ? { kind: 'service' as const, id, events } : undefined;
      }, missing),
  };
  const hits = await Promise.all(wanted.map((kind) => lookups[kind]()));
  return hits.filter((hit): hit is SearchHit => hit !== undefined);
}

function normalKind(kind: string): (typeof KINDS)[number] {
  if (kind === 'corr') return 'correlation';
  if (kind === 'node') return 'ast-node';
  return kind as (typeof KINDS)[number];
}
