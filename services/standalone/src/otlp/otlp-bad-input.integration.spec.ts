import { gzipSync } from 'node:zlib';

import fc from 'fast-check';
import {
  ExportLogsServiceRequest,
  ExportLogsServiceResponse,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
} from '@temporal-bridge/otlp-ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startOtlpTestApp, type OtlpTestApp } from './test-support/otlp-test-app';

/**
 * Bad OTLP input gets an OTLP answer that names the problem, and nothing
 * valid in the same request is lost.
 */
let app: OtlpTestApp;

beforeAll(async () => {
  app = await startOtlpTestApp({ INGEST_MAX_BODY_BYTES: String(2 * 1_048_576) });
});

afterAll(async () => {
  await app?.close();
});

const now = BigInt(Date.now()) * 1_000_000n;
let counter = 0;
const hex = (bytes: number): string => {
  counter += 1;
  return (counter.toString(16).padStart(4, '0') + 'ab'.repeat(bytes)).slice(0, bytes * 2);
};

/** A span in the OTLP JSON encoding. */
function jsonSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: hex(16),
    spanId: hex(8),
    name: 'work',
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000n),
    ...overrides,
  };
}

function jsonRequest(spans: unknown[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

/** The same request as protobuf bytes, with the official definitions (ids hex -> bytes). */
function protobuf(request: Record<string, unknown>): Uint8Array {
  const converted = JSON.parse(JSON.stringify(request), (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId') && typeof value === 'string'
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  ) as Record<string, unknown>;
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(converted)).finish();
}

async function post(body: Uint8Array | string, headers: Record<string, string>) {
  const response = await fetch(`${app.url}/v1/traces`, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

const json = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;

describe('POST /v1/traces, bad input', () => {
  it('a truncated protobuf body is 400 with a google.rpc.Status saying so', async () => {
    const bytes = protobuf(jsonRequest([jsonSpan()]));
    const response = await post(bytes.subarray(0, bytes.length - 5), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    // google.rpc.Status: field 1 (code) = 3 INVALID_ARGUMENT, field 2 the message.
    expect(response.bytes.subarray(0, 2)).toEqual(Buffer.from([0x08, 0x03]));
    expect(response.bytes.toString('utf8')).toContain('body: not a protobuf ExportTraceServiceRequest');
  });

  it('a content type that is not OTLP is 415 naming the ones to use', async () => {
    for (const type of ['text/plain', 'application/x-ndjson']) {
      const response = await post('{"resourceSpans": []}', { 'content-type': type });
      expect(response.status).toBe(415);
      expect(json(response.bytes)).toEqual({
        error: 'unsupported_media_type',
        message: `Content-Type: "${type}" is not OTLP; send application/x-protobuf (protobuf) or application/json (OTLP JSON)`,
      });
    }
  });

  it('JSON with bad ids and a span ending before it starts: partial success naming each, the valid span stored', async () => {
    const good = jsonSpan({ name: 'good' });
    const response = await post(
      JSON.stringify(
        jsonRequest([
          jsonSpan({ traceId: 'xyz', name: 'bad-trace' }),
          good,
          jsonSpan({ spanId: 'AQIDBAUGBwg=', name: 'base64-id' }),
          jsonSpan({ name: 'backwards', startTimeUnixNano: String(now + 5n), endTimeUnixNano: String(now) }),
        ]),
      ),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(200);
    const body = json(response.bytes) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('3');
    expect(body.partialSuccess.errorMessage.split('; ')).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[0] ("bad-trace"): traceId: must be hex digits (OTLP JSON encodes ids as hex), got "xyz"',
      'resourceSpans[0].scopeSpans[0].spans[2] ("base64-id"): spanId: must be hex digits (OTLP JSON encodes ids as hex), got "AQIDBAUGBwg="',
      `resourceSpans[0].scopeSpans[0].spans[3] ("backwards"): endTimeUnixNano ${now} is before startTimeUnixNano ${now + 5n}`,
    ]);
    const stored = await app.events(good['spanId'] as string);
    expect(stored.map((e) => e.event_type)).toEqual(['function_entry', 'function_exit']);
    const metrics = await app.metrics();
    expect(metrics).toContain('tb_standalone_otlp_items_rejected_total{signal="traces",reason="invalid_trace_id"} 1');
    expect(metrics).toContain('tb_standalone_otlp_items_rejected_total{signal="traces",reason="end_before_start"} 1');
  });

  it('a huge attribute value rejects its span by name (protobuf answer), the other span is stored', async () => {
    const good = jsonSpan({ name: 'small' });
    const huge = jsonSpan({
      name: 'upload',
      attributes: [{ key: 'http.request.body', value: { stringValue: 'x'.repeat(200_000) } }],
    });
    const response = await post(protobuf(jsonRequest([huge, good])), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(200);
    const answer = ExportTraceServiceResponse.decode(response.bytes);
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toMatch(
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\] \("upload"\): attribute "http\.request\.body" \(200002 bytes\): the function_entry event's data would be \d+ bytes serialized, above the 65536-byte limit \(MAX_EVENT_DATA_BYTES\)$/,
    );
    expect(await app.events(huge['spanId'] as string)).toEqual([]);
    expect(await app.events(good['spanId'] as string)).toHaveLength(2);
  });

  it('gzip: a compressed body is read; corrupt gzip is 400; one that inflates past the body limit is 413', async () => {
    const good = jsonSpan({ name: 'zipped' });
    const ok = await post(gzipSync(JSON.stringify(jsonRequest([good]))), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(ok.status).toBe(200);
    expect(json(ok.bytes)).toEqual({});
    expect(await app.events(good['spanId'] as string)).toHaveLength(2);

    const corrupt = await post(Buffer.from('not gzip at all'), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.bytes.toString('utf8')).toContain('not valid gzip');

    const bomb = gzipSync(Buffer.alloc(8 * 1_048_576, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const inflated = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);

    const brotli = await post('{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
    expect(brotli.bytes.toString('utf8')).toContain('Content-Encoding: br is not supported');
  });

  it('any JSON value, or any bytes as protobuf, gets a 200 or a 4xx naming the problem, never a 5xx', async () => {
    const hexString = (maxLength: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength });
    const spanLike = fc.record(
      {
        traceId: fc.oneof(hexString(34), fc.anything()),
        spanId: fc.oneof(hexString(18), fc.anything()),
        name: fc.anything(),
        startTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.anything()),
        endTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.anything()),
        attributes: fc.anything(),
        events: fc.anything(),
        status: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.anything(),
      fc.array(spanLike, { maxLength: 4 }).map((spans) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const response = await post(JSON.stringify(value) ?? 'null', { 'content-type': 'application/json' });
        expect(response.status, response.bytes.toString('utf8').slice(0, 300)).toBeLessThan(500);
        const answer = json(response.bytes);
        if (response.status !== 200) expect(typeof answer['message']).toBe('string');
      }),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const response = await post(bytes, { 'content-type': 'application/x-protobuf' });
        expect([200, 400]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('a body above the limit is 413', async () => {
    const response = await post(Buffer.alloc(3 * 1_048_576, 0x20), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(413);
  });
});

describe('POST /v1/logs', () => {
  it("stores log records as log events in their span's call, and names the rejected ones", async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const logs = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] },
          scopeLogs: [
            {
              scope: { name: 'pino' },
              logRecords: [
                {
                  timeUnixNano: String(now + 10n),
                  severityNumber: 13,
                  body: { stringValue: 'slow payment provider' },
                  traceId: Buffer.from(traceId, 'hex'),
                  spanId: Buffer.from(spanId, 'hex'),
                },
                { timeUnixNano: String(now + 11n), spanId: Buffer.from('0102', 'hex') },
              ],
            },
          ],
        },
      ],
    };
    const bytes = ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(logs)).finish();
    const response = await fetch(`${app.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: bytes,
    });
    expect(response.status).toBe(200);
    const answer = ExportLogsServiceResponse.decode(Buffer.from(await response.arrayBuffer()));
    expect(Number(answer.partialSuccess?.rejectedLogRecords)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[1]: spanId: must be 8 bytes (16 hex digits), got 2',
    );
    const events = await app.events(spanId);
    expect(events).toMatchObject([
      {
        event_type: 'log',
        trace_id: traceId,
        timestamp: String(now + 10n),
        data: { level: 'warn', message: 'slow payment provider' },
      },
    ]);
    // A retry stores nothing twice.
    await fetch(`${app.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: bytes,
    });
    expect(await app.events(spanId)).toHaveLength(1);
  });
});
