import { serializeEvent } from '@temporal-bridge/event-schema';
import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { e1, e2, e3, e4, e5, e6, e7, knownEvents, T0 } from '../__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from '../__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from '../__fixtures__/start-query-api';
import { tracePageSchema } from '../openapi/response.schemas';

// GET /v1/traces and /v1/traces/{trace_id}/events over HTTP on real
// ClickHouse: the known dataset's trace-1, plus two short traces of another
// service, one of which fails.

const ns = (offset: number): string => (T0 + BigInt(offset)).toString();

function quick(trace: string, entryAt: number, exitAt: number, failed: boolean) {
  const base = { trace_id: trace, service: 'search', correlation_id: `${trace}-root`, timestamp_inferred: false };
  return [
    { ...base, event_id: `${trace}-in`, timestamp: T0 + BigInt(entryAt), event_type: 'function_entry' },
    {
      ...base,
      event_id: `${trace}-out`,
      timestamp: T0 + BigInt(exitAt),
      event_type: 'function_exit',
      duration_ns: BigInt(exitAt - entryAt),
      data: failed ? { error: { message: 'timeout' } } : { result: 1 },
    },
  ];
}

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), [
    ...knownEvents,
    ...quick('trace-2', 1500, 1600, false),
    ...quick('trace-3', 2000, 4_002_000, true),
  ]);
  api = await startQueryApi(db.storage);
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

async function ok(path: string): Promise<Record<string, unknown>> {
  const answer = await api.call(path);
  expect(answer.status, `${path}: ${answer.text}`).toBe(200);
  return answer.body as Record<string, unknown>;
}

async function traceIds(query: string): Promise<string[]> {
  const body = await ok(`/v1/traces?from=${ns(0)}&to=${ns(9000)}${query}`);
  return (body['traces'] as Array<{ trace_id: string }>).map((t) => t.trace_id);
}

describe('GET /v1/traces', () => {
  it('lists the traces rooted in the window, timestamps as decimal strings', async () => {
    const body = await ok(`/v1/traces?from=${ns(0)}&to=${ns(9000)}`);
    expect(tracePageSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      traces: [
        {
          trace_id: 'trace-1',
          root: {
            correlation_id: 'c-root',
            entry_event_id: 'e1',
            ast_node_id: 'app.ts:1:1',
            service: 'checkout',
            function: 'main',
            module: 'app',
          },
          services: ['checkout'],
          start: ns(1000),
          duration_ns: null,
          events: 7,
          errors: 1,
        },
        {
          trace_id: 'trace-2',
          root: { correlation_id: 'trace-2-root', entry_event_id: 'trace-2-in', service: 'search' },
          services: ['search'],
          start: ns(1500),
          duration_ns: '100',
          events: 2,
          errors: 0,
        },
        expect.objectContaining({ trace_id: 'trace-3', duration_ns: '4000000', errors: 1 }),
      ],
      next_cursor: null,
    });
  });

  it('filters by error, min_duration_ms and service, sorts by duration', async () => {
    expect(await traceIds('&error=true')).toEqual(['trace-1', 'trace-3']);
    expect(await traceIds('&error=false')).toEqual(['trace-2']);
    expect(await traceIds('&min_duration_ms=4')).toEqual(['trace-3']);
    expect(await traceIds('&min_duration_ms=0.0001')).toEqual(['trace-2', 'trace-3']);
    expect(await traceIds('&service=checkout')).toEqual(['trace-1']);
    expect(await traceIds('&sort=duration')).toEqual(['trace-3', 'trace-2', 'trace-1']);
  });

  it('pages with limit and cursor', async () => {
    const first = await ok(`/v1/traces?from=${ns(0)}&to=${ns(9000)}&limit=2&sort=duration`);
    expect((first['traces'] as unknown[]).length).toBe(2);
    const cursor = encodeURIComponent(first['next_cursor'] as string);
    const second = await ok(`/v1/traces?from=${ns(0)}&to=${ns(9000)}&limit=2&sort=duration&cursor=${cursor}`);
    expect([(second['traces'] as Array<{ trace_id: string }>).map((t) => t.trace_id), second['next_cursor']]).toEqual([
      ['trace-1'],
      null,
    ]);
  });

  it.each([
    ['error=yes', 'error: must be true or false, got "yes"'],
    ['min_duration_ms=-1', 'min_duration_ms: must be milliseconds'],
    ['sort=name', 'sort: must be start or duration, got "name"'],
    ['limit=1001', 'limit: must be an integer from 1 to 1000'],
    ['cursor=bm9wZQ', 'cursor'],
  ])('rejects %s with a 400 naming the parameter', async (query, message) => {
    const answer = await api.call(`/v1/traces?from=${ns(0)}&to=${ns(9000)}&${query}`);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_parameter' });
    expect((answer.body as { message: string }).message).toContain(message);
  });

  it('requires the window', async () => {
    const answer = await api.call(`/v1/traces?from=${ns(0)}`);
    expect([answer.status, (answer.body as { message: string }).message]).toEqual([400, expect.stringMatching(/^to:/)]);
  });
});

describe('GET /v1/traces/{trace_id}/events', () => {
  it('answers every event of the trace in order, paged', async () => {
    const first = await ok('/v1/traces/trace-1/events?limit=4');
    expect(first['events']).toEqual([e1, e2, e3, e4].map(serializeEvent));
    const cursor = encodeURIComponent(first['next_cursor'] as string);
    expect(await ok(`/v1/traces/trace-1/events?limit=4&cursor=${cursor}`)).toEqual({
      events: [e5, e6, e7].map(serializeEvent),
      next_cursor: null,
    });
    expect(await ok('/v1/traces/nope/events')).toEqual({ events: [], next_cursor: null });
  });
});
