import { formatTimestamp, serializeEvent, type TemporalEvent } from '@temporal-bridge/event-schema';
import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  apiOrder,
  e1,
  e2,
  e3,
  e4,
  e5,
  e6,
  e7,
  e8,
  e9,
  knownEvents,
  T0,
  TIE_AT,
  tiedEvents,
} from './__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from './__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from './__fixtures__/start-query-api';

// Every /v1 route over HTTP against real ClickHouse holding the known dataset:
// the exact answers docs/architecture.md's query semantics give for it.

const TIES = tiedEvents(300);
let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), [...knownEvents, ...TIES]);
  api = await startQueryApi(db.storage);
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

const ns = (offset: number): string => (T0 + BigInt(offset)).toString();

async function ok(path: string): Promise<unknown> {
  const answer = await api.call(path);
  expect(answer.status, `${path}: ${answer.text}`).toBe(200);
  return answer.body;
}

/** Follows next_cursor to the end; returns every page's event ids. */
async function allPages(path: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const body = (await ok(cursor === null ? path : `${path}&cursor=${encodeURIComponent(cursor)}`)) as {
      events: Array<{ event_id: string }>;
      next_cursor: string | null;
    };
    pages.push(body.events.map((e) => e.event_id));
    cursor = body.next_cursor;
    expect(pages.length).toBeLessThan(1000);
  } while (cursor !== null);
  return pages;
}

const serialized = (events: TemporalEvent[]) => events.map(serializeEvent);

describe('GET /v1/events', () => {
  it('answers every event of the range, inclusive at both ends, in order', async () => {
    expect(await ok(`/v1/events?from=${ns(1000)}&to=${ns(8000)}`)).toEqual({
      events: serialized(knownEvents),
      next_cursor: null,
    });
    expect(await ok(`/v1/events?from=${ns(1001)}&to=${ns(7999)}`)).toEqual({
      events: serialized([e2, e8, e3, e4, e5, e6, e7]),
      next_cursor: null,
    });
  });

  it('accepts ISO-8601 bounds', async () => {
    const from = encodeURIComponent(formatTimestamp(T0 + 2500n));
    const to = encodeURIComponent(formatTimestamp(T0 + 5000n));
    expect(await ok(`/v1/events?from=${from}&to=${to}`)).toEqual({
      events: serialized([e8, e3, e4, e5]),
      next_cursor: null,
    });
  });

  it('filters by service', async () => {
    expect(await ok(`/v1/events?from=${ns(0)}&to=${ns(9000)}&service=billing`)).toEqual({
      events: serialized([e8, e9]),
      next_cursor: null,
    });
  });

  it('pages with the limit until next_cursor is null', async () => {
    const pages = await allPages(`/v1/events?from=${ns(0)}&to=${ns(9000)}&limit=4`);
    expect(pages).toEqual([['e1', 'e2', 'e8', 'e3'], ['e4', 'e5', 'e6', 'e7'], ['e9']]);
  });

  it('answers an empty page for an empty range', async () => {
    expect(await ok(`/v1/events?from=${ns(8001)}&to=${ns(9000)}`)).toEqual({ events: [], next_cursor: null });
  });
});

describe('pagination over events sharing one timestamp', () => {
  const expected = [...TIES].sort(apiOrder).map((e) => e.event_id);

  it.each([
    ['/v1/events', `/v1/events?from=${TIE_AT}&to=${TIE_AT}&limit=7`],
    ['/v1/correlations/{id}/events', '/v1/correlations/c-ties/events?limit=7'],
    ['/v1/ast-nodes/{id}/events', `/v1/ast-nodes/${encodeURIComponent('ties.ts:1:1')}/events?limit=13`],
  ])('%s: no gap, no repeat, in order', async (_route, path) => {
    const pages = await allPages(path);
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -1).every((page) => page.length === Number(/limit=(\d+)/.exec(path)?.[1]))).toBe(true);
  });
});

describe('GET /v1/ast-nodes/{id}/events and /v1/correlations/{id}/events', () => {
  it('answers every event of an AST node', async () => {
    expect(await ok('/v1/ast-nodes/lib.ts%3A10%3A1/events')).toEqual({
      events: serialized([e3, e5]),
      next_cursor: null,
    });
    expect(await ok('/v1/ast-nodes/unknown/events')).toEqual({ events: [], next_cursor: null });
  });

  it('answers every event of a correlation id', async () => {
    expect(await ok('/v1/correlations/c-child/events')).toEqual({
      events: serialized([e3, e4, e5]),
      next_cursor: null,
    });
    expect(await ok('/v1/correlations/c-root/events?limit=3')).toMatchObject({
      events: serialized([e1, e2, e6]),
      next_cursor: expect.any(String) as unknown,
    });
  });
});

describe('GET /v1/ast-nodes/active', () => {
  it('answers the nodes with an event in the window and those of calls overlapping it', async () => {
    expect(await ok(`/v1/ast-nodes/active?from=${ns(3500)}&to=${ns(4500)}`)).toEqual({
      ast_node_ids: ['app.ts:1:1', 'bill.ts:1:1', 'lib.ts:10:1', 'lib.ts:11:5'],
      truncated: false,
    });
    // c-child exited before the window; c-root never exits; e6 has no node.
    expect(await ok(`/v1/ast-nodes/active?from=${ns(5500)}&to=${ns(6500)}`)).toEqual({
      ast_node_ids: ['app.ts:1:1', 'bill.ts:1:1'],
      truncated: false,
    });
  });
});

describe('GET /v1/state', () => {
  const call = (entry: TemporalEvent) => ({
    correlation_id: entry.correlation_id,
    ast_node_id: entry.ast_node_id,
    ...(entry.parent_id === undefined ? {} : { parent_id: entry.parent_id }),
    ...(entry.trace_id === undefined ? {} : { trace_id: entry.trace_id }),
    service: entry.service,
    entry_event_id: entry.event_id,
    entry_timestamp: entry.timestamp.toString(),
    function: entry.data?.['function'],
    module: entry.data?.['module'],
  });

  /** A state entry as the API answers it: the key's value and the event that set it. */
  const set = (key: string, value: unknown, by: TemporalEvent) => ({
    service: by.service,
    key,
    value,
    event_id: by.event_id,
    timestamp: by.timestamp.toString(),
  });
  const snapshot = (at: string, state: unknown[], activeCalls: unknown[]) => ({
    at,
    state,
    state_truncated: false,
    active_calls: activeCalls,
    active_calls_truncated: false,
  });

  it('answers the latest value per key with the event that set it, and the calls still open', async () => {
    expect(await ok(`/v1/state?at=${ns(4500)}`)).toEqual(
      snapshot(ns(4500), [set('cart', 1, e2), set('x', 42, e4)], [call(e1), call(e8), call(e3)]),
    );
    expect(await ok(`/v1/state?at=${ns(9000)}`)).toEqual(
      snapshot(ns(9000), [set('cart', 2, e6), set('user', 'ann', e6), set('x', 42, e4)], [call(e1)]),
    );
  });

  it('filters by service and trace', async () => {
    expect(await ok(`/v1/state?at=${ns(4500)}&service=billing`)).toEqual(snapshot(ns(4500), [], [call(e8)]));
    expect(await ok(`/v1/state?at=${ns(6500)}&trace_id=trace-1`)).toEqual(
      snapshot(ns(6500), [set('cart', 2, e6), set('user', 'ann', e6), set('x', 42, e4)], [call(e1)]),
    );
  });

  it('is empty before anything happened', async () => {
    expect(await ok(`/v1/state?at=${ns(0)}`)).toEqual(snapshot(ns(0), [], []));
  });
});

describe('GET /v1/events/{event_id}/path', () => {
  const step = (event: TemporalEvent, on_stack: boolean) => ({ ...serializeEvent(event), on_stack });

  it("answers the trace up to the target, marking the target's call and its ancestors", async () => {
    expect(await ok('/v1/events/e7/path')).toEqual({
      target: serializeEvent(e7),
      path: [
        step(e1, true),
        step(e2, true),
        step(e3, false),
        step(e4, false),
        step(e5, false),
        step(e6, true),
        step(e7, true),
      ],
      truncated: false,
    });
    expect(await ok('/v1/events/e4/path')).toEqual({
      target: serializeEvent(e4),
      path: [step(e1, true), step(e2, true), step(e3, true), step(e4, true)],
      truncated: false,
    });
  });

  it('uses the correlation id when the target has no trace', async () => {
    expect(await ok('/v1/events/e8/path')).toEqual({
      target: serializeEvent(e8),
      path: [step(e8, true)],
      truncated: false,
    });
  });

  it('answers 404 for an unknown event', async () => {
    const answer = await api.call('/v1/events/nope/path');
    expect([answer.status, answer.body]).toEqual([404, { error: 'not_found', message: 'event_id: no event "nope"' }]);
  });
});

describe('GET /v1/stats', () => {
  it('answers what storage holds and the bridge replicas (none here)', async () => {
    const body = (await ok('/v1/stats')) as { storage: Record<string, unknown>; bridge: unknown };
    expect(body.bridge).toEqual({ instances: [] });
    expect(body.storage).toEqual({
      total_events: knownEvents.length + TIES.length,
      oldest_timestamp: ns(1000),
      newest_timestamp: TIE_AT.toString(),
      bytes_on_disk: expect.any(Number) as unknown,
      bytes_uncompressed: expect.any(Number) as unknown,
    });
  });
});

describe('health', () => {
  it('is live and ready with ClickHouse reachable', async () => {
    expect((await api.call('/healthz')).body).toEqual({ status: 'ok' });
    expect(await api.call('/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { clickhouse: 'ok' } },
    });
  });
});
