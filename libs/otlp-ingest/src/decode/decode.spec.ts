import { describe, expect, it } from 'vitest';

import { OtlpDecodeError } from '../otlp-model';
import { decodeTracesJson } from './decode-json';
import { decodeTracesProtobuf } from './decode-protobuf';
import { ExportTraceServiceRequest } from './otlp-proto-root';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const PARENT = 'eee19b7ec3c1b173';

/** One request in the OTLP JSON encoding, the protobuf form is derived from it. */
function jsonRequest(spans: unknown[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'checkout' } },
            { key: 'service.instance.id', value: { stringValue: 'pod-1' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'shop', version: '1.2.0' }, spans }],
      },
    ],
  };
}

function span(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TRACE,
    spanId: SPAN,
    parentSpanId: PARENT,
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: '1764000000000000001',
    endTimeUnixNano: '1764000000250000009',
    attributes: [
      { key: 'http.method', value: { stringValue: 'GET' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'small', value: { intValue: '-42' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: true } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
      { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
      { key: 'raw', value: { bytesValue: 'AQID' } },
    ],
    events: [{ timeUnixNano: '1764000000100000000', name: 'cache miss', attributes: [] }],
    status: { code: 2, message: 'boom' },
    ...overrides,
  };
}

/** The JSON request as protobuf bytes: ids hex -> bytes, attribute values to their proto form. */
function toProtobuf(request: Record<string, unknown>): Uint8Array {
  const converted = JSON.parse(JSON.stringify(request), (key, value: unknown) => {
    if ((key === 'traceId' || key === 'spanId' || key === 'parentSpanId') && typeof value === 'string')
      return Buffer.from(value, 'hex').toString('base64');
    return value;
  }) as Record<string, unknown>;
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(converted)).finish();
}

describe('decodeTracesJson / decodeTracesProtobuf', () => {
  it('read the same request to the same spans in both encodings', () => {
    const request = jsonRequest([span()]);
    const fromJson = decodeTracesJson(request);
    const fromProto = decodeTracesProtobuf(toProtobuf(request));
    expect(fromJson.rejected).toEqual([]);
    expect(fromProto).toEqual(fromJson);
    const [{ origin, span: decoded }] = fromJson.spans as [(typeof fromJson.spans)[number]];
    expect(origin).toEqual({
      resource: { 'service.name': 'checkout', 'service.instance.id': 'pod-1' },
      scope: { name: 'shop', version: '1.2.0' },
    });
    expect(decoded).toMatchObject({
      traceId: TRACE,
      spanId: SPAN,
      parentSpanId: PARENT,
      kind: 2,
      startTimeUnixNano: 1_764_000_000_000_000_001n,
      endTimeUnixNano: 1_764_000_000_250_000_009n,
      status: { code: 2, message: 'boom' },
      events: [{ timeUnixNano: 1_764_000_000_100_000_000n, name: 'cache miss', attributes: {} }],
    });
    expect(decoded.attributes).toEqual({
      'http.method': 'GET',
      big: '9007199254740993',
      small: -42,
      ratio: 0.5,
      ok: true,
      tags: ['a', 1],
      nested: { k: 'v' },
      raw: 'AQID',
    });
  });

  it('rejects spans with bad ids or times by name and keeps the others', () => {
    const request = jsonRequest([
      span({ traceId: 'abc' }),
      span({ spanId: '0000000000000000', name: 'zero' }),
      span({ parentSpanId: '12' }),
      span({ startTimeUnixNano: '0' }),
      span({ name: 'good' }),
    ]);
    for (const decoded of [decodeTracesJson(request), decodeTracesProtobuf(toProtobuf(request))]) {
      expect(decoded.spans.map((s) => s.span.name)).toEqual(['good']);
      expect(decoded.rejected.map((r) => r.code)).toEqual([
        'invalid_trace_id',
        'invalid_span_id',
        'invalid_parent_span_id',
        'invalid_time',
      ]);
      expect(decoded.rejected[1]).toMatchObject({
        at: 'resourceSpans[0].scopeSpans[0].spans[1] ("zero")',
        message: 'spanId: must not be all zeros (an invalid id in OTLP)',
      });
    }
  });

  it('JSON: names what is wrong with a field, accepts enum names and ignores unknown fields', () => {
    const decoded = decodeTracesJson(
      jsonRequest([
        span({ traceId: 'not-hex-at-all-not-hex-at-all-xx' }),
        span({ startTimeUnixNano: 1.5 }),
        span({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_OK' }, futureField: { x: 1 } }),
      ]),
    );
    expect(decoded.rejected.map((r) => r.message)).toEqual([
      'traceId: must be hex digits (OTLP JSON encodes ids as hex), got "not-hex-at-all-not-hex-at-all-xx"',
      'startTimeUnixNano: must be unsigned 64-bit nanoseconds as a decimal string, got 1.5',
    ]);
    expect(decoded.spans[0]?.span).toMatchObject({ kind: 3, status: { code: 1 } });
  });

  it('an all-zero or empty parent span id is a root span', () => {
    const decoded = decodeTracesJson(
      jsonRequest([span({ parentSpanId: '' }), span({ parentSpanId: '0000000000000000' })]),
    );
    expect(decoded.spans.map((s) => s.span.parentSpanId)).toEqual([undefined, undefined]);
  });

  it('throws OtlpDecodeError for a truncated protobuf body or a JSON body of the wrong shape', () => {
    const bytes = toProtobuf(jsonRequest([span()]));
    expect(() => decodeTracesProtobuf(bytes.subarray(0, bytes.length - 7))).toThrow(OtlpDecodeError);
    expect(() => decodeTracesProtobuf(Buffer.from('{"resourceSpans": []}'))).toThrow(
      /not a protobuf ExportTraceServiceRequest/,
    );
    expect(() => decodeTracesJson([])).toThrow('body: must be a JSON object, got an array');
    expect(() => decodeTracesJson({ resourceSpans: {} })).toThrow('body.resourceSpans: must be an array, got object');
  });

  it('an empty request decodes to nothing', () => {
    expect(decodeTracesProtobuf(new Uint8Array())).toEqual({ spans: [], rejected: [] });
    expect(decodeTracesJson({})).toEqual({ spans: [], rejected: [] });
  });
});
