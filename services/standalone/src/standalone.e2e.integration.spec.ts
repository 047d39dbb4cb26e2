import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { uuidv7 } from '@temporal-bridge/event-schema';
import { InstrumentationRuntime } from '@temporal-bridge/instrumentation';
import { buildProjects, freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Standalone mode as a user runs it: the built process, a data directory,
 * HTTP only. The process is restarted (gracefully and with kill -9) and the
 * answers must not change.
 */
const BASE = BigInt(Date.now() - 600_000) * 1_000_000n;
const at = (offset: number): string => (BASE + BigInt(offset)).toString();

let dataDir: string;
let server: { proc: TetheredProcess; url: string } | undefined;

async function start(): Promise<{ proc: TetheredProcess; url: string }> {
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [repoPath('services/standalone/dist/main.js')], {
    tether: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      INGEST_MAX_EVENTS: '500',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
    timeoutMs: 60_000,
    intervalMs: 100,
    description: `standalone ready\n${proc.output()}`,
  });
  return { proc, url };
}

async function stop(signal: NodeJS.Signals): Promise<number | null> {
  const running = server;
  server = undefined;
  if (running === undefined) return null;
  await running.proc.signal(signal);
  return running.proc.exited;
}

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server!.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A checkout: main calls fetchCart then charge (which fails), with state along the way. */
const ids = {
  main: uuidv7(),
  cart: uuidv7(),
  cartState: uuidv7(),
  cartExit: uuidv7(),
  charge: uuidv7(),
  error: uuidv7(),
  chargeExit: uuidv7(),
  mainExit: uuidv7(),
};
const dataset = [
  {
    event_id: ids.main,
    event_type: 'function_entry',
    correlation_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'shop.ts:10:1',
    service: 'shop',
    timestamp: at(1000),
    data: { module: 'shop', function: 'checkout' },
  },
  {
    event_id: ids.cart,
    event_type: 'function_entry',
    correlation_id: 'cart',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'cart.ts:5:1',
    service: 'shop',
    timestamp: at(1100),
    data: { module: 'cart', function: 'fetchCart' },
  },
  {
    event_id: ids.cartState,
    event_type: 'state_change',
    correlation_id: 'cart',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'cart.ts:9:5',
    service: 'shop',
    timestamp: at(1200),
    data: { state: { items: 3, total: 42.5 } },
  },
  {
    event_id: ids.cartExit,
    event_type: 'function_exit',
    correlation_id: 'cart',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'cart.ts:5:1',
    service: 'shop',
    timestamp: at(1300),
    data: { result: 3 },
  },
  {
    event_id: ids.charge,
    event_type: 'function_entry',
    correlation_id: 'charge',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'pay.ts:20:1',
    service: 'shop',
    timestamp: at(1400),
    data: { module: 'pay', function: 'charge' },
  },
  {
    event_id: ids.error,
    event_type: 'error',
    correlation_id: 'charge',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'pay.ts:31:7',
    service: 'shop',
    timestamp: at(1500),
    data: { message: 'card declined' },
  },
  {
    event_id: ids.chargeExit,
    event_type: 'function_exit',
    correlation_id: 'charge',
    parent_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'pay.ts:20:1',
    service: 'shop',
    timestamp: at(1600),
    data: { error: 'card declined' },
  },
  {
    event_id: ids.mainExit,
    event_type: 'function_exit',
    correlation_id: 'main',
    trace_id: 'T1',
    ast_node_id: 'shop.ts:10:1',
    service: 'shop',
    timestamp: at(1700),
    data: { error: 'card declined' },
  },
];

beforeAll(async () => {
  await buildProjects('services/standalone/tsconfig.app.json');
  dataDir = await mkdtemp(join(tmpdir(), 'standalone-e2e-'));
  server = await start();
});

afterAll(async () => {
  await stop('SIGTERM');
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Every route's answer for the dataset: checked before and after restarts. */
async function expectAnswers(): Promise<void> {
  const range = await get(`/v1/events?from=${at(1000)}&to=${at(1300)}`);
  expect(range.status).toBe(200);
  expect((range.body['events'] as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual([
    ids.main,
    ids.cart,
    ids.cartState,
    ids.cartExit,
  ]);

  // Paging: three pages of 3, 3 and 2, nothing lost or repeated.
  const paged: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await get(
      `/v1/events?from=${at(0)}&to=${at(2000)}&limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    paged.push(...(page.body['events'] as Array<{ event_id: string }>).map((e) => e.event_id));
    cursor = page.body['next_cursor'] as string | null;
  } while (cursor !== null);
  expect(paged).toEqual(dataset.map((e) => e.event_id));

  const byNode = await get(`/v1/ast-nodes/${encodeURIComponent('pay.ts:20:1')}/events`);
  expect((byNode.body['events'] as Array<{ event_id: string }>).map((e) => e.event_id)).toEqual([
    ids.charge,
    ids.chargeExit,
  ]);

  const byCorrelation = await get('/v1/correlations/cart/events');
  const cartEvents = byCorrelation.body['events'] as Array<{ event_id: string; duration_ns?: string }>;
  expect(cartEvents.map((e) => e.event_id)).toEqual([ids.cart, ids.cartState, ids.cartExit]);
  expect(cartEvents[2]?.duration_ns).toBe('200');

  const active = await get(`/v1/ast-nodes/active?from=${at(1450)}&to=${at(1550)}`);
  expect(active.body).toEqual({ ast_node_ids: ['pay.ts:20:1', 'pay.ts:31:7', 'shop.ts:10:1'], truncated: false });

  const state = await get(`/v1/state?at=${at(1450)}`);
  expect(state.body['at']).toBe(at(1450));
  expect((state.body['state'] as Array<{ key: string; value: unknown }>).map((e) => [e.key, e.value])).toEqual([
    ['items', 3],
    ['total', 42.5],
  ]);
  expect((state.body['active_calls'] as Array<{ correlation_id: string }>).map((c) => c.correlation_id).sort()).toEqual(
    ['charge', 'main'],
  );

  const path = await get(`/v1/events/${ids.error}/path`);
  expect(
    (path.body['path'] as Array<{ event_id: string; on_stack: boolean }>).map((s) => [s.event_id, s.on_stack]),
  ).toEqual([
    [ids.main, true],
    [ids.cart, false],
    [ids.cartState, false],
    [ids.cartExit, false],
    [ids.charge, true],
    [ids.error, true],
  ]);

  const stats = await get('/v1/stats');
  expect((stats.body['storage'] as { total_events: number }).total_events).toBeGreaterThanOrEqual(dataset.length);
}

describe('standalone mode', () => {
  it('ingests over HTTP, reporting rejections by index, and answers every route', async () => {
    const body = [
      ...dataset.slice(0, 4),
      { event_type: 'Not Valid', correlation_id: 'x' },
      ...dataset.slice(4),
      { correlation_id: 'no-type' },
    ];
    const ingest = await post('/v1/events', JSON.stringify(body));
    expect(ingest.status).toBe(202);
    expect(ingest.body['accepted']).toBe(dataset.length);
    expect(
      (ingest.body['rejected'] as Array<{ index: number; reason: string }>).map((r) => [
        r.index,
        r.reason.split(':')[0],
      ]),
    ).toEqual([
      [4, 'event_type'],
      [9, 'event_type'],
    ]);
    // The same body again stores nothing twice: events are idempotent by event_id.
    expect((await post('/v1/events', JSON.stringify(dataset))).status).toBe(202);
    await expectAnswers();
  });

  it('takes NDJSON, one event per line, and reports a bad line by its index', async () => {
    const lines = [
      JSON.stringify({
        event_id: uuidv7(),
        event_type: 'log',
        correlation_id: 'nd-1',
        timestamp: at(5000),
        data: { message: 'one' },
      }),
      'this is not json',
      JSON.stringify({
        event_id: uuidv7(),
        event_type: 'log',
        correlation_id: 'nd-1',
        timestamp: at(5001),
        data: { message: 'two' },
      }),
    ];
    const ingest = await post('/v1/events', lines.join('\n'), 'application/x-ndjson');
    expect(ingest.status).toBe(202);
    expect(ingest.body['accepted']).toBe(2);
    expect((ingest.body['rejected'] as Array<{ index: number }>).map((r) => r.index)).toEqual([1]);
    expect(((await get('/v1/correlations/nd-1/events')).body['events'] as unknown[]).length).toBe(2);
  });

  it('rejects timestamps in the wrong unit by index, naming the mistake, and takes RFC 3339', async () => {
    const event = (correlation_id: string, timestamp: unknown) => ({
      event_type: 'log',
      correlation_id,
      timestamp,
      data: { message: 'unit' },
    });
    const nowMs = Date.now();
    const body = [
      event('unit-s', Math.floor(nowMs / 1000)), // what the user sent: seconds
      event('unit-ms', nowMs),
      event('unit-us', String(nowMs * 1000)),
      event('unit-zero', 0),
      event('unit-old', String(BigInt(nowMs - 31 * 86_400_000) * 1_000_000n)), // before RETENTION_DAYS=30
      event('unit-future', String(BigInt(nowMs + 3_600_000) * 1_000_000n)), // beyond MAX_CLOCK_SKEW_SECONDS=300
      event('unit-rfc', new Date(nowMs - 1000).toISOString().replace('Z', '987654Z')),
    ];
    const ingest = await post('/v1/events', JSON.stringify(body));
    expect([ingest.status, ingest.body['accepted']]).toEqual([202, 1]);
    const reasons = (ingest.body['rejected'] as Array<{ index: number; reason: string }>).map((r) => [
      r.index,
      r.reason,
    ]);
    expect(reasons).toEqual([
      [
        0,
        expect.stringMatching(
          /^timestamp: timestamp \d+ looks like seconds since the epoch; timestamps are nanoseconds/,
        ),
      ],
      [1, expect.stringContaining('looks like milliseconds since the epoch')],
      [2, expect.stringContaining('looks like microseconds since the epoch')],
      [3, expect.stringContaining('timestamp 0 is the epoch itself')],
      [4, expect.stringContaining('before the 30-day retention window')],
      [5, expect.stringContaining('beyond the 300 s clock-skew allowance')],
    ]);
    for (const id of ['unit-s', 'unit-ms', 'unit-zero', 'unit-old', 'unit-future'])
      expect((await get(`/v1/correlations/${id}/events`)).body['events']).toEqual([]);
    const rfc = (await get('/v1/correlations/unit-rfc/events')).body['events'] as Array<{ timestamp: string }>;
    expect(rfc.map((e) => e.timestamp)).toEqual([(BigInt(nowMs - 1000) * 1_000_000n + 987_654n).toString()]);
  });

  it('answers 422 with the per-index body when no event is accepted, 202 when some are', async () => {
    const none = await post('/v1/events', '[{}]');
    expect(none.status).toBe(422);
    expect(none.body).toEqual({
      error: 'no_event_accepted',
      message: expect.stringMatching(/^none of the 1 event was accepted \(index 0: event_type: /) as string,
      accepted: 0,
      rejected: [{ index: 0, reason: expect.stringContaining('event_type') as string }],
    });
    const ndjson = await post('/v1/events', 'not json\n{"correlation_id":"x"}', 'application/x-ndjson');
    expect([ndjson.status, ndjson.body['accepted'], (ndjson.body['rejected'] as unknown[]).length]).toEqual([
      422, 0, 2,
    ]);
    // An empty batch has nothing to refuse.
    expect(await post('/v1/events', '[]')).toEqual({ status: 202, body: { accepted: 0, rejected: [] } });
  });

  it("lets the SDK's HTTP transport count a 422 batch as rejected, each event with its reason, not retry it", async () => {
    const runtime = new InstrumentationRuntime({
      service: 'unit-mistake',
      transport: { kind: 'http', baseUrl: server!.url, timeoutMs: 5_000 },
      queue: { batchSize: 10, lingerMs: 1 },
      retry: { initialMs: 10, maxMs: 50 },
      dropReportIntervalMs: 0,
    });
    try {
      const wire = (timestamp: string) => ({
        event_id: uuidv7(),
        event_type: 'log',
        correlation_id: 'sdk-unit',
        timestamp,
        data: { message: 'seconds by mistake' },
      });
      expect(runtime.publish(wire('1796160000'))).toBe(true);
      expect(runtime.publish(wire('1796160001'))).toBe(true);
      expect(await runtime.flush(10_000)).toEqual({ ok: true, unsent: 0 });
      expect(runtime.stats()).toMatchObject({ sent: 0, send_failures: 0, dropped: { rejected: 2 } });
      expect(runtime.stats().last_error).toContain('looks like seconds since the epoch');
    } finally {
      await runtime.shutdown(1_000);
    }
  });

  it('answers bad input with 4xx JSON naming the problem', async () => {
    const badTime = await get('/v1/events?from=yesterday&to=1');
    expect(badTime.status).toBe(400);
    expect(String(badTime.body['message'])).toMatch(/from/);
    expect((await post('/v1/events', '{"not":"an array"}')).status).toBe(400);
    expect((await post('/v1/events', 'hello', 'text/plain')).status).toBe(415);
    const tooMany = await post('/v1/events', JSON.stringify(Array.from({ length: 501 }, () => ({}))));
    expect([tooMany.status, tooMany.body['error']]).toEqual([413, 'payload_too_large']);
    const unknown = await get('/v1/nothing-here');
    expect([unknown.status, unknown.body['error']]).toEqual([404, 'not_found']);
  });

  it('documents the ingest routes with the query routes', async () => {
    const document = (await get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events',
        '/v1/flush',
        '/v1/state',
        '/v1/ast-nodes/active',
        '/v1/events/{event_id}/path',
      ]),
    );
    expect(Object.keys(document.paths['/v1/events'] ?? {}).sort()).toEqual(['get', 'post']);
    const post = document.paths['/v1/events']?.['post'] as { description: string; responses: Record<string, unknown> };
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['202', '422']));
    expect(post.description).toContain('RFC 3339');
    expect(post.description).toContain('MAX_CLOCK_SKEW_SECONDS');
    const components = (document as unknown as { components: { schemas: Record<string, unknown> } }).components;
    expect(Object.keys(components.schemas)).toEqual(expect.arrayContaining(['IngestResult', 'IngestNoneAccepted']));
  });

  it('keeps every answer across a graceful restart', async () => {
    expect(await stop('SIGTERM')).toBe(0);
    server = await start();
    await expectAnswers();
  });

  it('loses nothing acknowledged: kill -9 right after a 2xx, then restart', async () => {
    const batch = Array.from({ length: 300 }, (_, i) => ({
      event_id: uuidv7(),
      event_type: 'log',
      correlation_id: 'durable',
      timestamp: at(10_000 + i),
      data: { i },
    }));
    const ingest = await post('/v1/events', JSON.stringify(batch));
    expect([ingest.status, ingest.body['accepted']]).toEqual([202, 300]);
    expect(await stop('SIGKILL')).toBe(137);
    server = await start();
    const stored = (await get('/v1/correlations/durable/events?limit=1000')).body['events'] as Array<{
      event_id: string;
    }>;
    expect(stored.map((e) => e.event_id)).toEqual(batch.map((e) => e.event_id));
    await expectAnswers();
  });
});
