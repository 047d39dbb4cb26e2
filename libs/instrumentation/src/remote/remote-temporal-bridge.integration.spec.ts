import { serializeEvent, type TemporalEvent } from '@temporal-bridge/event-schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { CollectingTransport } from '../__fixtures__/collecting-transport';
import { ContractServer } from '../__fixtures__/contract-server';
import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { InvalidEventError, RemoteBridgeError } from './remote-bridge.error';
import { RemoteTemporalBridge } from './remote-temporal-bridge';

// What the real server never does, so it cannot be tested against it: a
// server answering malformed bodies, repeating a cursor, cutting a stream,
// or not listening at all. Every answer the real query API gives is tested
// against the built standalone server instead
// (services/standalone/src/sdk-remote-bridge.e2e.integration.spec.ts), so
// the client cannot drift from it.

const T0 = 1_764_000_000_000_000_000n;

describe('RemoteTemporalBridge against a misbehaving server', () => {
  const server = new ContractServer();
  let bridge: RemoteTemporalBridge;

  beforeAll(async () => {
    await server.start();
    bridge = new RemoteTemporalBridge({ baseUrl: server.baseUrl, pageSize: 2 });
  });
  afterEach(() => {
    server.requests.length = 0;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('rejects (never throws) on malformed answers and bad arguments', async () => {
    server.answer = () => ({
      status: 200,
      body: { events: [{ event_id: 'x', correlation_id: 'c', timestamp: 'soon' }] },
    });
    await expect(bridge.getEventsForCorrelation('c')).rejects.toMatchObject({ code: 'bad_response' });
    server.answer = () => ({ status: 200, body: { events: [], next_cursor: 'same' } });
    await expect(bridge.getEventsInRange(T0, T0)).rejects.toThrow('next_cursor same repeats');
    server.answer = () => ({ status: 200, body: { ast_node_ids: [1, 2], truncated: false } });
    await expect(bridge.getActiveAstNodes(T0, T0)).rejects.toMatchObject({ code: 'bad_response' });
    server.answer = () => ({ status: 200, body: { ast_node_ids: [] } });
    await expect(bridge.listActiveAstNodes(T0, T0)).rejects.toThrow('truncated is not a boolean');
    server.answer = () => ({ status: 200, body: { at: '1', state: {}, active_calls: [] } });
    await expect(bridge.reconstructStateAt(1n)).rejects.toThrow('state is not an array');
    server.answer = () => ({ status: 200, body: { traces: [{ trace_id: 't', start: 'now' }], next_cursor: null } });
    await expect(bridge.listTraces(T0, T0)).rejects.toMatchObject({ code: 'bad_response' });
    await expect(bridge.reconstructStateAt(-1n)).rejects.toMatchObject({ code: 'bad_argument' });
  });

  it('an export whose lines are not events rejects naming the line', async () => {
    server.answer = () => ({ status: 200, body: 'not json' });
    const read = async () => {
      for await (const _event of bridge.exportEvents(T0, T0)) void _event;
    };
    await expect(read()).rejects.toThrow(/export line 0/);
  });

  it('maps an error answer of an unknown shape to its status', async () => {
    server.answer = () => ({ status: 502, body: 'bad gateway' });
    await expect(bridge.getStats()).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'bad gateway' });
  });

  it('rejects with network_error when nothing listens', async () => {
    const closed = new ContractServer();
    await closed.start();
    const gone = new RemoteTemporalBridge({ baseUrl: closed.baseUrl });
    await closed.stop();
    await expect(gone.getStats()).rejects.toMatchObject({ code: 'network_error', status: undefined });
    const exported = gone.exportEvents(T0, T0);
    await expect(exported.next()).rejects.toMatchObject({ code: 'network_error' });
  });

  it('correlateEvent validates and queues through the runtime; without a usable publisher it rejects', async () => {
    const transport = new CollectingTransport();
    const publisher = new InstrumentationRuntime({
      service: 'remote-test',
      transport,
      queue: { lingerMs: 60_000 },
      dropReportIntervalMs: 0,
    });
    server.answer = () => ({ status: 200, body: { flushed: true, events_stored: 2 } });
    const remote = new RemoteTemporalBridge({ baseUrl: server.baseUrl, publisher });
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
    expect(new RemoteBridgeError('x', { code: 'y' })).toBeInstanceOf(Error);
  });
});
