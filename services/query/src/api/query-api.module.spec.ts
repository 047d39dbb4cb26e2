import { connect } from 'node:net';

import {
  InvalidCursorError,
  QueryTimeoutError,
  StorageError,
  StorageUnavailableError,
} from '@temporal-bridge/temporal-storage';
import { pollUntil } from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { StandInStorage } from '../__fixtures__/stand-in-storage';
import { startQueryApi, type RunningQueryApi } from '../__fixtures__/start-query-api';

// The HTTP layer over a stand-in storage: what reaches storage, how answers
// are serialized, and the failures a real ClickHouse cannot be made to
// produce on demand. Real-storage answers: query-api.integration.spec.ts.

const storage = new StandInStorage();
let api: RunningQueryApi;

beforeAll(async () => {
  api = await startQueryApi(storage, { queryTimeoutMs: 300 });
});

afterAll(async () => {
  await api?.close();
});

afterEach(() => {
  storage.calls.length = 0;
  for (const key of Object.keys(storage.behaviour)) delete storage.behaviour[key as keyof typeof storage.behaviour];
});

function lastCall(): { primitive: string; args: unknown[] } | undefined {
  return storage.calls.at(-1);
}

describe('what reaches storage', () => {
  it('passes parsed timestamps, filters and the default or given limit', async () => {
    await api.call('/v1/events?from=2026-11-24T10:00:00Z&to=1795514400000000999&service=checkout');
    expect(lastCall()).toEqual({
      primitive: 'getEventsInRange',
      args: [
        1795514400000000000n,
        1795514400000000999n,
        { service: 'checkout', limit: 1000, cursor: undefined, signal: expect.any(AbortSignal) as unknown },
      ],
    });
    await api.call('/v1/correlations/c-1/events?limit=7&cursor=abc');
    expect(lastCall()).toEqual({
      primitive: 'getEventsForCorrelation',
      args: ['c-1', { limit: 7, cursor: 'abc', signal: expect.any(AbortSignal) as unknown }],
    });
  });

  it('decodes ids from the path', async () => {
    await api.call('/v1/ast-nodes/svc%2Fsrc%2Fa.ts%3A10%3A1/events');
    expect(lastCall()?.args[0]).toBe('svc/src/a.ts:10:1');
    await api.call(`/v1/events/${encodeURIComponent('é/ü 1')}/path`);
    expect(lastCall()).toEqual({
      primitive: 'traceExecutionPath',
      args: ['é/ü 1', { signal: expect.any(AbortSignal) as unknown }],
    });
  });

  it('passes the state filters', async () => {
    await api.call('/v1/state?at=5&service=s&trace_id=t');
    expect(lastCall()).toEqual({
      primitive: 'reconstructStateAt',
      args: [5n, { service: 's', trace_id: 't', signal: expect.any(AbortSignal) as unknown }],
    });
  });

  it('never calls storage for a rejected request', async () => {
    await api.call('/v1/events?from=2&to=1');
    await api.call('/v1/ast-nodes/active?from=0&to=86400000000001');
    expect(storage.calls).toEqual([]);
  });
});

describe('serialization', () => {
  it('writes every nanosecond value as a decimal string', async () => {
    storage.behaviour.reconstructStateAt = async () => ({
      at: 2n ** 62n,
      state: [{ service: 's', key: 'k', value: { nested: [1, 'two'] }, event_id: 'e0', timestamp: 2n ** 62n - 1n }],
      state_truncated: false,
      active_calls: [{ correlation_id: 'c', entry_event_id: 'e', entry_timestamp: 2n ** 61n + 1n, function: 'f' }],
      active_calls_truncated: true,
    });
    expect((await api.call('/v1/state?at=1')).body).toEqual({
      at: '4611686018427387904',
      state: [
        { service: 's', key: 'k', value: { nested: [1, 'two'] }, event_id: 'e0', timestamp: '4611686018427387903' },
      ],
      state_truncated: false,
      active_calls: [
        { correlation_id: 'c', entry_event_id: 'e', entry_timestamp: '2305843009213693953', function: 'f' },
      ],
      active_calls_truncated: true,
    });
  });

  it('answers the stats of storage and of the bridge replicas', async () => {
    storage.behaviour.getStats = async () => ({
      total_events: 3,
      oldest_timestamp: 10n,
      newest_timestamp: 20n,
      bytes_on_disk: 100,
      bytes_uncompressed: 300,
    });
    storage.behaviour.listBridgeReports = async () => [
      { instance: 'bridge-0', reported_at: 30n, stats: { events_received: 5, lag: { p0: 1n } } },
    ];
    expect((await api.call('/v1/stats')).body).toEqual({
      bridge: {
        instances: [{ instance: 'bridge-0', reported_at: '30', stats: { events_received: 5, lag: { p0: '1' } } }],
      },
      storage: {
        total_events: 3,
        oldest_timestamp: '10',
        newest_timestamp: '20',
        bytes_on_disk: 100,
        bytes_uncompressed: 300,
      },
    });
  });
});

describe('failures', () => {
  it('answers 504 query_timeout when storage does not answer within QUERY_TIMEOUT_MS', async () => {
    storage.behaviour.findActiveAstNodes = () => new Promise(() => undefined);
    const started = Date.now();
    const answer = await api.call('/v1/ast-nodes/active?from=1&to=2');
    expect([answer.status, answer.body]).toEqual([
      504,
      { error: 'query_timeout', message: 'the query did not finish within 300 ms (QUERY_TIMEOUT_MS)' },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const signal = (lastCall()?.args[2] as { signal: AbortSignal }).signal;
    expect(signal.aborted).toBe(true);
  });

  it.each([
    [
      'storage unreachable',
      new StorageUnavailableError('getStats: ClickHouse is unavailable (connect ECONNREFUSED 10.1.2.3:8123)'),
      503,
      'storage_unavailable',
      'storage is unavailable: ClickHouse cannot be reached or cannot answer; retry later',
    ],
    [
      'storage failing otherwise',
      new StorageError('getStats: Table secret.events does not exist'),
      503,
      'storage_unavailable',
      'storage is unavailable: ClickHouse cannot be reached or cannot answer; retry later',
    ],
    [
      "storage's own timeout",
      new QueryTimeoutError('getStats: timed out (TIMEOUT_EXCEEDED)'),
      504,
      'query_timeout',
      'the query did not finish within QUERY_TIMEOUT_MS; narrow it (a shorter range, a smaller limit)',
    ],
    [
      'a cursor storage refuses',
      new InvalidCursorError('cursor belongs to another query'),
      400,
      'invalid_parameter',
      'cursor: belongs to another query',
    ],
  ])('maps %s to %i, keeping internals out of the answer', async (_what, error, status, code, message) => {
    storage.behaviour.getStats = async () => {
      throw error;
    };
    const answer = await api.call('/v1/stats');
    expect([answer.status, answer.body]).toEqual([status, { error: code, message }]);
  });

  it('hides an unexpected error behind 500 internal_error', async () => {
    storage.behaviour.getEventsInRange = async () => {
      throw new Error('secret table layout');
    };
    const answer = await api.call('/v1/events?from=1&to=2');
    expect([answer.status, answer.body]).toEqual([
      500,
      { error: 'internal_error', message: 'internal error; see the service log' },
    ]);
  });

  it('cancels the storage query when the client disconnects', async () => {
    let seen: AbortSignal | undefined;
    storage.behaviour.getEventsForCorrelation = (_id, options) => {
      seen = (options as { signal: AbortSignal }).signal;
      return new Promise(() => undefined);
    };
    const { port } = new URL(api.base);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('GET /v1/correlations/c/events HTTP/1.1\r\nHost: x\r\n\r\n');
    await pollUntil(() => seen !== undefined, { description: 'storage called' });
    expect(seen?.aborted).toBe(false);
    socket.destroy();
    await pollUntil(() => seen?.aborted, { description: 'signal aborted', timeoutMs: 2000 });
    expect(seen?.reason).toMatchObject({ code: 'client_closed_request' });
  });
});
