import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { pollUntil } from '@temporal-bridge/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { assertAllValid } from '../__fixtures__/collecting-transport';
import { ContractServer, type RecordedRequest } from '../__fixtures__/contract-server';
import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { HttpTransport } from './http.transport';
import { TransportError } from './transport';

/** Answers like the standalone ingest: 202 {accepted, rejected}. */
function accepting(rejectEventType?: string) {
  return (request: RecordedRequest) => {
    const events = request.body as SerializedEvent[];
    const rejected = events.flatMap((e, index) =>
      e.event_type === rejectEventType ? [{ index, reason: 'not wanted' }] : [],
    );
    return { status: 202, body: { accepted: events.length - rejected.length, rejected } };
  };
}

describe('HttpTransport against a node:http server answering like the ingest contract', () => {
  let server: ContractServer;
  let runtime: InstrumentationRuntime | undefined;

  beforeEach(async () => {
    server = await new ContractServer().start();
  });

  afterEach(async () => {
    await runtime?.shutdown(500);
    runtime = undefined;
    await server.stop();
  });

  function start(baseUrl = server.baseUrl, apiKey?: string): InstrumentationRuntime {
    runtime = new InstrumentationRuntime({
      service: 'http-test',
      transport: { kind: 'http', baseUrl, apiKey, timeoutMs: 2_000 },
      queue: { batchSize: 50, lingerMs: 1 },
      retry: { initialMs: 10, maxMs: 50 },
      dropReportIntervalMs: 0,
    });
    return runtime;
  }

  it('POSTs JSON arrays of valid events to {baseUrl}/v1/events with the bearer key', async () => {
    server.answer = accepting();
    const rt = start(`${server.baseUrl}/tenant-a/`, 'k3y');
    rt.traced('http.ts:1', () => {
      for (let i = 0; i < 120; i += 1) rt.stateChange({ i });
    });
    expect(await rt.flush(5_000)).toEqual({ ok: true, unsent: 0 });
    expect(server.requests.every((r) => r.method === 'POST' && r.path === '/tenant-a/v1/events')).toBe(true);
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer k3y');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    const events = server.requests.flatMap((r) => r.body as SerializedEvent[]);
    assertAllValid(events);
    expect(events).toHaveLength(122);
    expect(
      events.filter((e) => e.event_type === 'state_change').map((e) => (e.data?.['state'] as { i: number }).i),
    ).toEqual(Array.from({ length: 120 }, (_, i) => i));
    expect(rt.stats()).toMatchObject({ sent: 122, send_failures: 0, transport: 'http' });
  });

  it('counts events the ingest rejects one by one', async () => {
    server.answer = accepting('log');
    const rt = start();
    rt.stateChange({ a: 1 });
    rt.log('info', 'refused by the server');
    await rt.flush(5_000);
    expect(rt.stats()).toMatchObject({ sent: 1, dropped: { rejected: 1 }, last_error: '1 rejected: not wanted' });
  });

  it('does not retry a batch the ingest refuses with a 4xx', async () => {
    server.answer = () => ({ status: 400, body: { error: 'bad_request', message: 'body is not an array' } });
    const rt = start();
    rt.stateChange({ a: 1 });
    rt.stateChange({ b: 2 });
    await rt.flush(5_000);
    expect(server.requests).toHaveLength(1);
    expect(rt.stats()).toMatchObject({ sent: 0, send_failures: 1, dropped: { rejected: 2 } });
    expect(rt.stats().last_error).toContain('answered 400 (bad_request: body is not an array)');
  });

  it('retries 5xx answers until the ingest takes the batch', async () => {
    let failures = 3;
    server.answer = (request) =>
      failures-- > 0 ? { status: 503, body: { error: 'unavailable', message: 'starting' } } : accepting()(request);
    const rt = start();
    rt.stateChange({ a: 1 });
    expect(await rt.flush(5_000)).toEqual({ ok: true, unsent: 0 });
    expect(server.requests).toHaveLength(4);
    expect(rt.stats()).toMatchObject({ sent: 1, send_failures: 3 });
  });

  it('keeps events while the server is unreachable and delivers them when it is back', async () => {
    const port = Number(new URL(server.baseUrl).port);
    await server.stop();
    const rt = start(`http://127.0.0.1:${port}`);
    for (let i = 0; i < 10; i += 1) rt.stateChange({ i });
    await pollUntil(() => rt.stats().send_failures >= 2, { description: 'failed attempts while down' });
    expect(rt.stats().queue_depth + rt.stats().in_flight).toBe(10);
    server = await new ContractServer().start(port);
    server.answer = accepting();
    expect(await rt.flush(5_000)).toEqual({ ok: true, unsent: 0 });
    expect(server.requests.flatMap((r) => r.body as SerializedEvent[])).toHaveLength(10);
  });

  it('classifies failures for the runtime: network and 5xx retryable, 4xx final', async () => {
    const transport = new HttpTransport({ baseUrl: server.baseUrl, timeoutMs: 1_000 });
    server.answer = () => ({ status: 422, body: { error: 'invalid', message: 'no' } });
    const refused = await transport.send([]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ retryable: false, status: 422 });
    server.answer = () => ({ status: 429 });
    await expect(transport.send([])).rejects.toMatchObject({ retryable: true, status: 429 });
    await server.stop();
    await expect(transport.send([])).rejects.toMatchObject({ retryable: true, status: undefined });
  });
});
