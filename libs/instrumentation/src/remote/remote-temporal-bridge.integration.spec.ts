import { serializeEvent, type SerializedEvent, type TemporalEvent } from '@temporal-bridge/event-schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CollectingTransport } from '../__fixtures__/collecting-transport';
import { ContractServer, type RecordedRequest, type Reply } from '../__fixtures__/contract-server';
import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { InvalidEventError, RemoteBridgeError } from './remote-bridge.error';
import { RemoteTemporalBridge } from './remote-temporal-bridge';

const T0 = 1_764_000_000_000_000_000n;
const BEYOND_2_53 = 9_007_199_254_740_993_123n; // not representable as a JSON number

function wire(n: number, extra: Partial<SerializedEvent> = {}): SerializedEvent {
  return {
    event_id: `e${n}`,
    timestamp: (T0 + BigInt(n)).toString(),
    event_type: 'state_change',
    correlation_id: 'c1',
    data: { state: { n } },
    ...extra,
  };
}

/** Routes of docs/architecture.md's REST API, answering with fixed data; `events` pages by 2 with an opaque cursor. */
function contract(request: RecordedRequest): Reply {
  const { path, query } = request;
  if (request.headers['authorization'] !== 'Bearer secret-key')
    return { status: 401, body: { error: 'unauthorized', message: 'bad API key' } };
  if (path === '/v1/events') {
    const all = [wire(1), wire(2), wire(3), wire(4), wire(5, { timestamp: BEYOND_2_53.toString() })];
    const offset = Number(query.get('cursor')?.replace('page-', '') ?? 0);
    const page = all.slice(offset, offset + 2);
    return { status: 200, body: { events: page, next_cursor: offset + 2 < all.length ? `page-${offset + 2}` : null } };
  }
  if (path === '/v1/ast-nodes/cart.ts%3A12%2Fadd/events')
    return { status: 200, body: { events: [wire(7, { ast_node_id: 'cart.ts:12/add' })] } };
  if (path === '/v1/correlations/c%201/events')
    return { status: 200, body: { events: [wire(8, { correlation_id: 'c 1', duration_ns: '1500' })] } };
  if (path === '/v1/ast-nodes/active') return { status: 200, body: { ast_node_ids: ['a.ts:1', 'b.ts:2'] } };
  if (path === '/v1/state') {
    return {
      status: 200,
      body: {
        at: query.get('at'),
        state: { cart: { items: 2 } },
        active_calls: [
          { correlation_id: 'c9', entry_event_id: 'e9', entry_timestamp: BEYOND_2_53.toString(), function: 'pay' },
        ],
      },
    };
  }
  if (path === '/v1/events/e8/path') {
    return {
      status: 200,
      body: {
        target: wire(8),
        path: [
          { ...wire(7), on_stack: false },
          { ...wire(8), on_stack: true },
        ],
      },
    };
  }
  if (path === '/v1/stats') return { status: 200, body: { bridge: { buffered: 3 }, storage: { total_events: 10 } } };
  if (path === '/v1/flush' && request.method === 'POST') return { status: 202, body: { flushed: 3 } };
  return { status: 404, body: { error: 'not_found', message: `no route ${path}` } };
}

describe('RemoteTemporalBridge against a node:http server answering like the REST contract', () => {
  const server = new ContractServer();
  let bridge: RemoteTemporalBridge;

  beforeAll(async () => {
    await server.start();
    server.answer = contract;
    bridge = new RemoteTemporalBridge({ baseUrl: server.baseUrl, apiKey: 'secret-key', pageSize: 2 });
  });
  afterEach(() => {
    server.requests.length = 0;
    server.answer = contract;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('getEventsInRange sends decimal nanoseconds and follows next_cursor to the end', async () => {
    const events = await bridge.getEventsInRange(T0, BEYOND_2_53);
    expect(events.map((e) => e.event_id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(events[4]?.timestamp).toBe(BEYOND_2_53);
    expect(typeof events[0]?.timestamp).toBe('bigint');
    expect(
      server.requests.map((r) => [r.query.get('from'), r.query.get('to'), r.query.get('limit'), r.query.get('cursor')]),
    ).toEqual([
      [T0.toString(), BEYOND_2_53.toString(), '2', null],
      [T0.toString(), BEYOND_2_53.toString(), '2', 'page-2'],
      [T0.toString(), BEYOND_2_53.toString(), '2', 'page-4'],
    ]);
    expect(server.requests.every((r) => r.headers['authorization'] === 'Bearer secret-key')).toBe(true);
  });

  it('escapes ids in paths and deserializes bigint fields', async () => {
    const [byNode] = await bridge.getEventsForAstNode('cart.ts:12/add');
    expect(byNode?.ast_node_id).toBe('cart.ts:12/add');
    const [byCorrelation] = await bridge.getEventsForCorrelation('c 1');
    expect(byCorrelation).toMatchObject({ correlation_id: 'c 1', duration_ns: 1500n, timestamp: T0 + 8n });
  });

  it('answers active AST nodes, state at T, execution path and stats', async () => {
    expect(await bridge.getActiveAstNodes(T0, T0 + 10n)).toEqual(['a.ts:1', 'b.ts:2']);
    expect(server.requests[0]?.query.toString()).toBe(`from=${T0}&to=${T0 + 10n}`);

    const snapshot = await bridge.reconstructStateAt(BEYOND_2_53, { traceId: 't1' });
    expect(server.requests[1]?.query.get('trace_id')).toBe('t1');
    expect(snapshot).toEqual({
      at: BEYOND_2_53,
      state: { cart: { items: 2 } },
      active_calls: [{ correlation_id: 'c9', entry_event_id: 'e9', entry_timestamp: BEYOND_2_53, function: 'pay' }],
    });

    const target: TemporalEvent = {
      event_id: 'e8',
      timestamp: T0,
      event_type: 'log',
      correlation_id: 'c1',
      timestamp_inferred: false,
    };
    const path = await bridge.traceExecutionPath(target);
    expect(path.target.event_id).toBe('e8');
    expect(path.path.map((s) => [s.event_id, s.on_stack, typeof s.timestamp])).toEqual([
      ['e7', false, 'bigint'],
      ['e8', true, 'bigint'],
    ]);
    expect(path.truncated).toBe(false);
    expect(await bridge.getStats()).toEqual({ bridge: { buffered: 3 }, storage: { total_events: 10 } });
  });

  it('maps error answers to RemoteBridgeError with status and the server’s {error, message}', async () => {
    server.answer = () => ({ status: 400, body: { error: 'bad_timestamp', message: 'from is after to' } });
    const error = await bridge.getEventsInRange(T0 + 1n, T0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteBridgeError);
    expect(error).toMatchObject({ status: 400, code: 'bad_timestamp', message: 'from is after to' });

    const unauthorized = new RemoteTemporalBridge({ baseUrl: server.baseUrl, apiKey: 'wrong' });
    server.answer = contract;
    await expect(unauthorized.getStats()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(bridge.traceExecutionPath('missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('rejects (never throws) on malformed answers, bad arguments and unreachable servers', async () => {
    server.answer = () => ({
      status: 200,
      body: { events: [{ event_id: 'x', correlation_id: 'c', timestamp: 'soon' }] },
    });
    await expect(bridge.getEventsForCorrelation('c')).rejects.toMatchObject({ code: 'bad_response' });
    server.answer = () => ({ status: 200, body: { events: [], next_cursor: 'same' } });
    await expect(bridge.getEventsInRange(T0, T0)).rejects.toThrow('next_cursor same repeats');
    server.answer = () => ({ status: 200, body: { ast_node_ids: [1, 2] } });
    await expect(bridge.getActiveAstNodes(T0, T0)).rejects.toMatchObject({ code: 'bad_response' });

    const promise = bridge.reconstructStateAt(-1n);
    await expect(promise).rejects.toMatchObject({ code: 'bad_argument' });

    const closed = new ContractServer();
    await closed.start();
    const gone = new RemoteTemporalBridge({ baseUrl: closed.baseUrl });
    await closed.stop();
    await expect(gone.getStats()).rejects.toMatchObject({ code: 'network_error', status: undefined });
  });

  it('correlateEvent publishes through the runtime’s transport; flushBuffer drains it, then POSTs /v1/flush', async () => {
    const transport = new CollectingTransport();
    const publisher = new InstrumentationRuntime({
      service: 'remote-test',
      transport,
      queue: { lingerMs: 60_000 },
      dropReportIntervalMs: 0,
    });
    const remote = new RemoteTemporalBridge({ baseUrl: server.baseUrl, apiKey: 'secret-key', publisher });
    const event: TemporalEvent = {
      event_id: 'given',
      timestamp: T0,
      event_type: 'log',
      correlation_id: 'c1',
      timestamp_inferred: false,
    };
    await remote.correlateEvent(event);
    await remote.correlateEvent({ ...serializeEvent(event), event_id: undefined });
    expect(transport.events).toHaveLength(0);
    await remote.flushBuffer();
    expect(transport.events.map((e) => e.timestamp)).toEqual([T0.toString(), T0.toString()]);
    expect(transport.events[0]?.event_id).toBe('given');
    expect(transport.events[1]?.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/flush']);

    const invalid = await remote
      .correlateEvent({ event_type: 'state_change', correlation_id: 'c' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidEventError);
    expect((invalid as InvalidEventError).problems.map((p) => p.field)).toContain('data.state');
    await expect(bridge.correlateEvent(event)).rejects.toMatchObject({ code: 'no_publisher' });
    await publisher.shutdown(1_000);
    await expect(remote.correlateEvent(event)).rejects.toMatchObject({ code: 'not_queued' });
  });
});
