import { context, SpanKind, SpanStatusCode, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { OPENAPI_JSON_PATH } from '@temporal-bridge/query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startOtlpTestApp, type OtlpTestApp } from './test-support/otlp-test-app';

/**
 * Services instrumented with the OpenTelemetry JS SDK export to standalone's
 * POST /v1/traces with the official OTLP exporters (protobuf with gzip, and
 * JSON); the Cinema API then shows their spans as calls.
 */
let app: OtlpTestApp;

beforeAll(async () => {
  app = await startOtlpTestApp();
});

afterAll(async () => {
  await app?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` in a span that is a child of `parent` (explicit contexts: no context manager needed). */
async function inSpan<T>(
  tracer: Tracer,
  name: string,
  parent: Context,
  attributes: Record<string, string | number>,
  fn: (ctx: Context, span: ReturnType<Tracer['startSpan']>) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { attributes, kind: SpanKind.INTERNAL }, parent);
  try {
    return await fn(trace.setSpan(parent, span), span);
  } finally {
    span.end();
  }
}

/** The instrumented code: a checkout that loads cart and user concurrently, then a charge that fails. */
async function checkout(tracer: Tracer): Promise<void> {
  await inSpan(tracer, 'POST /checkout', context.active(), { 'http.route': '/checkout' }, async (root, rootSpan) => {
    rootSpan.addEvent('checkout started', { 'cart.items': 3 });
    await Promise.all([
      inSpan(tracer, 'loadCart', root, { 'code.file.path': 'src/cart.ts', 'code.function.name': 'Cart.load' }, () =>
        sleep(15),
      ),
      inSpan(tracer, 'loadUser', root, { 'code.filepath': 'src/user.ts', 'code.function': 'loadUser' }, () =>
        sleep(10),
      ),
    ]);
    await inSpan(
      tracer,
      'charge',
      root,
      { 'code.file.path': 'src/pay.ts', 'code.function.name': 'charge' },
      async (_ctx, span) => {
        await sleep(5);
        span.addEvent('retrying', { attempt: 1 });
        const error = new TypeError('card declined');
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      },
    );
  });
}

function tracing(service: string, exporter: SpanExporter) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
    spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(exporter)],
  });
  return { provider, memory, tracer: provider.getTracer('shop-instrumentation', '1.0.0') };
}

function exportAgain(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** Exact nanoseconds of an HrTime (hrTimeToNanoseconds returns a double, which rounds today's times). */
const ns = ([seconds, nanoseconds]: ReadableSpan['startTime']): bigint =>
  BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
const nanos = (time: ReadableSpan['startTime']): string => ns(time).toString();

/** Every span is one call: entry at its start, exit at its end, with its parent and trace. */
async function expectStoredAsCalls(spans: ReadableSpan[], service: string): Promise<void> {
  expect(spans.length).toBe(4);
  for (const span of spans) {
    const { spanId, traceId } = span.spanContext();
    const events = await app.events(spanId);
    const entry = events.find((e) => e.event_type === 'function_entry');
    const exit = events.find((e) => e.event_type === 'function_exit');
    expect(events.filter((e) => e.event_type === 'function_entry')).toHaveLength(1);
    expect(entry).toMatchObject({
      timestamp: nanos(span.startTime),
      trace_id: traceId,
      service,
      instance: `${service}-1`,
      data: { span: { name: span.name } },
    });
    expect(entry?.parent_id).toBe(span.parentSpanContext?.spanId);
    expect(exit).toMatchObject({
      timestamp: nanos(span.endTime),
      trace_id: traceId,
      duration_ns: String(ns(span.endTime) - ns(span.startTime)),
    });
  }
  const byName = new Map(spans.map((s) => [s.name, s]));
  const root = byName.get('POST /checkout')!;
  for (const child of ['loadCart', 'loadUser', 'charge'])
    expect(byName.get(child)?.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  const cart = await app.events(byName.get('loadCart')!.spanContext().spanId);
  expect(cart[0]?.ast_node_id).toBe('src/cart.ts:Cart.load:function');
  const user = await app.events(byName.get('loadUser')!.spanContext().spanId);
  expect(user[0]?.ast_node_id).toBe('src/user.ts:loadUser:function');
  expect((await app.events(root.spanContext().spanId))[0]?.ast_node_id).toBe(`otel:${service}:POST /checkout:span`);

  const charge = await app.events(byName.get('charge')!.spanContext().spanId);
  const error = charge.find((e) => e.event_type === 'error') as SerializedEvent;
  expect(error.timestamp).toBe(nanos(byName.get('charge')!.events.find((e) => e.name === 'exception')!.time));
  expect(error.data).toMatchObject({ error: { type: 'TypeError', message: 'card declined' } });
  expect(String((error.data?.['error'] as { stack?: string }).stack)).toContain('TypeError: card declined');
  expect(charge.find((e) => e.event_type === 'log')?.data).toEqual({
    level: 'info',
    message: 'retrying',
    attributes: { attempt: 1 },
  });
  expect(charge.find((e) => e.event_type === 'function_exit')?.data).toMatchObject({
    status: 'error',
    error: { type: 'TypeError', message: 'card declined' },
  });
}

describe('POST /v1/traces with the official OpenTelemetry exporters', () => {
  it('protobuf (gzip): every span becomes one call with its parent, trace, timings and error; a re-export stores nothing twice', async () => {
    const exporter = new OtlpProtoExporter({ url: `${app.url}/v1/traces`, compression: 'gzip' as never });
    const { provider, memory, tracer } = tracing('shop-proto', exporter);
    await checkout(tracer);
    await provider.forceFlush();
    const spans = memory.getFinishedSpans();
    await expectStoredAsCalls(spans, 'shop-proto');

    const times = spans.flatMap((s) => [ns(s.startTime), ns(s.endTime)]);
    const from = times.reduce((a, b) => (a < b ? a : b));
    const to = times.reduce((a, b) => (a > b ? a : b));
    const before = await app.eventsBetween(from, to);
    // 4 entries, 4 exits, 2 logs (root and charge), 1 error.
    expect(before.filter((e) => e.service === 'shop-proto')).toHaveLength(11);
    const again = await exportAgain(exporter, spans);
    expect(again.code).toBe(ExportResultCode.SUCCESS);
    expect(await exportAgain(exporter, spans)).toMatchObject({ code: ExportResultCode.SUCCESS });
    const after = await app.eventsBetween(from, to);
    expect(after.map((e) => e.event_id).sort()).toEqual(before.map((e) => e.event_id).sort());
    await provider.shutdown();
  });

  it('OTLP JSON: the same mapping through the http/json exporter', async () => {
    const exporter = new OtlpHttpJsonExporter({ url: `${app.url}/v1/traces` });
    const { provider, memory, tracer } = tracing('shop-json', exporter);
    await checkout(tracer);
    await provider.forceFlush();
    await expectStoredAsCalls(memory.getFinishedSpans(), 'shop-json');
    await provider.shutdown();
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${app.url}/${OPENAPI_JSON_PATH}`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    expect(Object.keys(doc.paths['/v1/traces']?.['post']?.requestBody?.content ?? {})).toEqual([
      'application/x-protobuf',
      'application/json',
    ]);
  });

  it('counts accepted spans and their events in /metrics', async () => {
    const metrics = await app.metrics();
    expect(metrics).toMatch(/tb_standalone_otlp_items_accepted_total\{signal="traces"\} (\d+)/);
    const accepted = Number(/tb_standalone_otlp_items_accepted_total\{signal="traces"\} (\d+)/.exec(metrics)?.[1]);
    // 4 + 4 spans, and the protobuf ones twice more.
    expect(accepted).toBe(16);
  });
});
