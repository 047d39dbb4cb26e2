import { ExportTraceServiceRequest } from '@temporal-bridge/otlp-ingest';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import {
  pollUntil,
  startClickHouse,
  startKafka,
  startRedis,
  type ClickHouseTestServer,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DLQ_HEADERS } from '../ingest/dead-letter.producer';
import {
  bridgeEnv,
  committedToEnd,
  consumeAll,
  header,
  newSetup,
  produce,
  startInProcess,
} from '../test-support/bridge-harness';

/**
 * OTLP on Kafka, as the OpenTelemetry Collector's Kafka exporter writes it
 * (one ExportTraceServiceRequest per message), through the real bridge,
 * Redis and ClickHouse.
 */
let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let clickhouse: ClickHouseTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [kafka, redis, clickhouse] = await Promise.all([startKafka(), startRedis(), startClickHouse()]);
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

afterAll(async () => {
  await Promise.all([kafka?.stop(), redis?.stop(), clickhouse?.stop()]);
});

const start = BigInt(Date.now() - 60_000) * 1_000_000n;

interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code: number; message: string };
}

function span(traceId: string, spanId: string, offset: number, parentSpanId?: string): TestSpan {
  return {
    traceId,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: `op-${spanId.slice(-2)}`,
    startTimeUnixNano: String(start + BigInt(offset)),
    endTimeUnixNano: String(start + BigInt(offset) + 500n),
  };
}

/** An ExportTraceServiceRequest in the OTLP JSON encoding. */
function request(spans: TestSpan[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'collector-fed' } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

/** The same request encoded with the official protobuf definitions (ids hex -> bytes). */
function protobuf(spans: TestSpan[]): Buffer {
  const object = JSON.parse(JSON.stringify(request(spans)), (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  ) as Record<string, unknown>;
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(object)).finish());
}

const TRACE_A = 'a'.repeat(31) + '1';
const TRACE_B = 'b'.repeat(31) + '2';

async function run(encoding: 'otlp_proto' | 'otlp_json', messages: Array<string | Buffer>) {
  const setup = await newSetup(kafka, redis, 1);
  const otlpTopic = await kafka.createTopic({ prefix: 'otlp', partitions: 2 });
  const database = await clickhouse.createDatabase(encoding);
  await produce(
    kafka,
    otlpTopic,
    messages.map((value, i) => ({ key: `k${i % 2}`, value })),
  );
  const running = await startInProcess(
    bridgeEnv(setup, clickhouse.target, database, { KAFKA_OTLP_TOPIC: otlpTopic, KAFKA_OTLP_ENCODING: encoding }),
  );
  cleanup.push(() => running.close());
  const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database });
  cleanup.push(() => storage.close());
  return { setup, otlpTopic, storage, running };
}

describe('bridge service, OTLP topic', () => {
  it('otlp_proto: spans become calls, a replayed message stores nothing twice, undecodable and bad spans go to the DLQ', async () => {
    const traceA = [span(TRACE_A, '00000000000000a1', 0), span(TRACE_A, '00000000000000a2', 100, '00000000000000a1')];
    const traceB = [{ ...span(TRACE_B, '00000000000000b1', 200), status: { code: 2, message: 'failed' } }];
    const mixed = [
      { ...span(TRACE_B, '00000000000000b2', 300), traceId: 'abcdef' },
      span(TRACE_B, '00000000000000b3', 400),
    ];
    const valid = protobuf(traceA);
    const truncated = valid.subarray(0, valid.length - 4);
    const { setup, otlpTopic, storage } = await run('otlp_proto', [
      valid,
      protobuf(traceB),
      truncated,
      protobuf(mixed),
      valid,
    ]);

    // A: 2 calls; B: a call with an error; the good span of the mixed message: a call.
    await pollUntil(async () => (await storage.getStats()).total_events === 4 + 3 + 2, {
      timeoutMs: 60_000,
      description: '9 events stored',
    });
    await pollUntil(() => committedToEnd(kafka, `${setup.groupId}-otlp`, otlpTopic), {
      timeoutMs: 30_000,
      description: 'OTLP offsets committed',
    });
    const child = (await storage.getEventsForCorrelation('00000000000000a2')).events;
    expect(child.map((e) => [e.event_type, e.timestamp, e.parent_id, e.trace_id, e.service])).toEqual([
      ['function_entry', start + 100n, '00000000000000a1', TRACE_A, 'collector-fed'],
      ['function_exit', start + 600n, '00000000000000a1', TRACE_A, 'collector-fed'],
    ]);
    expect(child[1]?.duration_ns).toBe(500n);
    const failed = (await storage.getEventsForCorrelation('00000000000000b1')).events;
    expect(failed.map((e) => e.event_type)).toEqual(['function_entry', 'error', 'function_exit']);
    expect((await storage.getEventsForCorrelation('00000000000000b3')).events).toHaveLength(2);

    const letters = await consumeAll(kafka, setup.dlqTopic, 2);
    const reasons = letters.map((m) => header(m, DLQ_HEADERS.reason) ?? '').sort();
    expect(reasons[0]).toMatch(/^\(message\): otlp_proto: body: not a protobuf ExportTraceServiceRequest/);
    expect(reasons[1]).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0] ("op-b2"): invalid_trace_id: traceId: must be 16 bytes (32 hex digits), got 3',
    );
    expect(letters.map((m) => header(m, DLQ_HEADERS.topic))).toEqual([otlpTopic, otlpTopic]);
  });

  it('otlp_json: the Collector JSON encoding; a message that is not JSON is dead-lettered', async () => {
    const { setup, storage } = await run('otlp_json', [
      JSON.stringify(request([span(TRACE_A, '00000000000000c1', 0)])),
      '{"resourceSpans": [',
    ]);
    await pollUntil(async () => (await storage.getStats()).total_events === 2, {
      timeoutMs: 60_000,
      description: '2 events stored',
    });
    const letters = await consumeAll(kafka, setup.dlqTopic, 1);
    expect(header(letters[0]!, DLQ_HEADERS.reason)).toMatch(/^\(message\): otlp_json: body: not JSON/);
  });
});
