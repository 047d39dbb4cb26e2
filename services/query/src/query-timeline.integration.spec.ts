import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { knownEvents, T0 } from './__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from './__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from './__fixtures__/start-query-api';
import { callPageSchema, eventHistogramSchema } from './timeline/timeline.responses';

// GET /v1/calls and GET /v1/events/histogram over HTTP on real ClickHouse
// holding the known dataset (see known-dataset.ts for the hand-made answers).

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), knownEvents);
  api = await startQueryApi(db.storage, { limits: { maxResultRows: 500, maxRangeSeconds: 3600 } });
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

describe('GET /v1/calls', () => {
  it('answers every call overlapping the window, the open one running on, in entry order', async () => {
    const body = await ok(`/v1/calls?from=${ns(0)}&to=${ns(10_000)}`);
    expect(callPageSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      calls: [
        {
          correlation_id: 'c-root',
          entry_event_id: 'e1',
          entry_timestamp: ns(1000),
          exit_timestamp: null,
          duration_ns: null,
          error: true,
          trace_id: 'trace-1',
          ast_node_id: 'app.ts:1:1',
          service: 'checkout',
          function: 'main',
          module: 'app',
        },
        {
          correlation_id: 'c-bill',
          entry_event_id: 'e8',
          entry_timestamp: ns(2500),
          exit_timestamp: ns(8000),
          exit_event_id: 'e9',
          duration_ns: '5500',
          error: false,
          ast_node_id: 'bill.ts:1:1',
          service: 'billing',
          function: 'charge',
          module: 'bill',
        },
        {
          correlation_id: 'c-child',
          entry_event_id: 'e3',
          entry_timestamp: ns(3000),
          exit_timestamp: ns(5000),
          exit_event_id: 'e5',
          duration_ns: '2000',
          error: false,
          parent_id: 'c-root',
          trace_id: 'trace-1',
          ast_node_id: 'lib.ts:10:1',
          service: 'checkout',
          function: 'work',
          module: 'lib',
        },
      ],
      next_cursor: null,
    });
  });

  it('leaves out calls that ended before the window or began after it', async () => {
    const ids = async (query: string) =>
      ((await ok(`/v1/calls?${query}`)) as { calls: Array<{ correlation_id: string }> }).calls.map(
        (c) => c.correlation_id,
      );
    expect(await ids(`from=${ns(5001)}&to=${ns(9000)}`)).toEqual(['c-root', 'c-bill']);
    expect(await ids(`from=${ns(5000)}&to=${ns(5000)}`)).toEqual(['c-root', 'c-bill', 'c-child']);
    expect(await ids(`from=${ns(0)}&to=${ns(999)}`)).toEqual([]);
    expect(await ids(`from=${ns(0)}&to=${ns(10_000)}&trace_id=trace-1`)).toEqual(['c-root', 'c-child']);
    expect(await ids(`from=${ns(0)}&to=${ns(10_000)}&service=billing`)).toEqual(['c-bill']);
  });

  it('pages with limit and cursor', async () => {
    const first = (await ok(`/v1/calls?from=${ns(0)}&to=${ns(10_000)}&limit=2`)) as {
      calls: Array<{ correlation_id: string }>;
      next_cursor: string;
    };
    expect(first.calls.map((c) => c.correlation_id)).toEqual(['c-root', 'c-bill']);
    const second = (await ok(
      `/v1/calls?from=${ns(0)}&to=${ns(10_000)}&limit=2&cursor=${encodeURIComponent(first.next_cursor)}`,
    )) as { calls: Array<{ correlation_id: string }>; next_cursor: string | null };
    expect(second.calls.map((c) => c.correlation_id)).toEqual(['c-child']);
    expect(second.next_cursor).toBeNull();
  });
});

describe('GET /v1/events/histogram', () => {
  it('counts the events per bucket on the server, errors apart', async () => {
    const body = await ok(`/v1/events/histogram?from=${ns(0)}&to=${ns(9999)}&buckets=5`);
    expect(eventHistogramSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      from: ns(0),
      to: ns(9999),
      bucket_ns: '2000',
      buckets: [
        { start: ns(0), events: 1, errors: 0 },
        { start: ns(2000), events: 3, errors: 0 },
        { start: ns(4000), events: 2, errors: 0 },
        { start: ns(6000), events: 2, errors: 1 },
        { start: ns(8000), events: 1, errors: 0 },
      ],
    });
    const billing = (await ok(`/v1/events/histogram?from=${ns(0)}&to=${ns(9999)}&buckets=1&service=billing`)) as {
      buckets: Array<{ events: number }>;
    };
    expect(billing.buckets.map((b) => b.events)).toEqual([2]);
  });
});

describe('bad input', () => {
  const from = ns(0);
  const to = ns(10_000);
  const cases: Array<[string, string, RegExp]> = [
    ['calls without a window', '/v1/calls', /^from: is required; to: is required$/],
    ['calls with from after to', `/v1/calls?from=${to}&to=${from}`, /^from: must not be after to/],
    ['calls over a too wide range', `/v1/calls?from=${from}&to=${T0 + 7200_000_000_000n}`, /^to: the range/],
    [
      'calls with a limit above the maximum',
      `/v1/calls?from=${from}&to=${to}&limit=501`,
      /^limit: must be an integer from 1 to 500/,
    ],
    ['calls with an unknown parameter', `/v1/calls?from=${from}&to=${to}&trace=x`, /trace/],
    ['calls with a foreign cursor', `/v1/calls?from=${from}&to=${to}&cursor=bm9wZQ`, /cursor/],
    ['histogram without buckets', `/v1/events/histogram?from=${from}&to=${to}`, /^buckets: is required$/],
    [
      'histogram with 0 buckets',
      `/v1/events/histogram?from=${from}&to=${to}&buckets=0`,
      /^buckets: must be an integer from 1 to 10000, got "0"$/,
    ],
    [
      'histogram with too many buckets',
      `/v1/events/histogram?from=${from}&to=${to}&buckets=10001`,
      /^buckets: must be an integer/,
    ],
    [
      'histogram with a bad timestamp',
      `/v1/events/histogram?from=soon&to=${to}&buckets=3`,
      /^from: must be nanoseconds/,
    ],
  ];

  it.each(cases)('%s: 400 naming the parameter', async (_what, path, message) => {
    const answer = await api.call(path);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body).toMatchObject({ error: expect.stringMatching(/^invalid_/) as string });
    expect((answer.body as { message: string }).message).toMatch(message);
  });
});

describe('OpenAPI', () => {
  it('documents both routes with their parameters and answers', async () => {
    const doc = (await ok('/openapi.json')) as {
      paths: Record<string, { get?: { parameters: Array<{ name: string }>; responses: Record<string, unknown> } }>;
    };
    const names = (path: string) => doc.paths[path]?.get?.parameters.map((p) => p.name).sort();
    expect(names('/v1/calls')).toEqual(['cursor', 'from', 'limit', 'service', 'to', 'trace_id']);
    expect(names('/v1/events/histogram')).toEqual(['buckets', 'from', 'service', 'to']);
    expect(JSON.stringify(doc.paths['/v1/calls']?.get?.responses['200'])).toContain('CallPage');
    expect(JSON.stringify(doc.paths['/v1/events/histogram']?.get?.responses['200'])).toContain('EventHistogram');
  });
});
