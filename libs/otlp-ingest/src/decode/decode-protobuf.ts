import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import {
  OtlpDecodeError,
  OtlpItemError,
  type DecodedLogs,
  type DecodedTraces,
  type OtlpLogRecord,
  type OtlpOrigin,
  type OtlpSpan,
} from '../otlp-model';
import {
  ExportLogsServiceRequest,
  ExportTraceServiceRequest,
  type ProtoAnyValue,
  type ProtoInt64,
  type ProtoKeyValue,
  type ProtoLogRecord,
  type ProtoResource,
  type ProtoScope,
  type ProtoSpan,
} from './otlp-proto-root';
import { attempt, collect } from './collect';
import { checkHexId, doubleToJson, int64ToJson, MAX_VALUE_DEPTH, parentHexId, requireTime, setKey } from './values';

/**
 * Decodes an OTLP/HTTP protobuf body (ExportTraceServiceRequest). Throws
 * OtlpDecodeError when the bytes are not such a message (truncated, not
 * protobuf); a span whose ids or times are unusable is reported in
 * `rejected` and the others are kept.
 */
export function decodeTracesProtobuf(body: Uint8Array): DecodedTraces {
  const request = decodeOrThrow(() => ExportTraceServiceRequest.decode(body), 'ExportTraceServiceRequest');
  const out: DecodedTraces = { spans: [], rejected: [] };
  (request.resourceSpans ?? []).forEach((rs, r) => {
    (rs.scopeSpans ?? []).forEach((ss, s) => {
      const origin = attempt(() => originOf(rs.resource, ss.scope));
      (ss.spans ?? []).forEach((span, i) => {
        const at = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        collect(out.spans, out.rejected, at, span.name ?? '', () => {
          if (origin instanceof OtlpItemError) throw origin;
          return { origin, span: spanOf(span), at };
        });
      });
    });
  });
  return out;
}

/** Decodes an OTLP/HTTP protobuf logs body (ExportLogsServiceRequest), like decodeTracesProtobuf. */
export function decodeLogsProtobuf(body: Uint8Array): DecodedLogs {
  const request = decodeOrThrow(() => ExportLogsServiceRequest.decode(body), 'ExportLogsServiceRequest');
  const out: DecodedLogs = { records: [], rejected: [] };
  (request.resourceLogs ?? []).forEach((rl, r) => {
    (rl.scopeLogs ?? []).forEach((sl, s) => {
      const origin = attempt(() => originOf(rl.resource, sl.scope));
      (sl.logRecords ?? []).forEach((record, i) => {
        const at = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${i}]`;
        collect(out.records, out.rejected, at, '', () => {
          if (origin instanceof OtlpItemError) throw origin;
          return { origin, record: logRecordOf(record), at };
        });
      });
    });
  });
  return out;
}

function decodeOrThrow<T>(decode: () => T, what: string): T {
  try {
    return decode();
  } catch (error) {
    // protobufjs says "index out of range" for a truncated body, "invalid wire type" for non-protobuf.
    throw new OtlpDecodeError(
      `body: not a protobuf ${what} (${error instanceof Error ? error.message : String(error)}); a truncated or non-OTLP body`,
      { cause: error },
    );
  }
}

function originOf(resource: ProtoResource | null | undefined, scope: ProtoScope | null | undefined): OtlpOrigin {
  return {
    resource: attributesOf(resource?.attributes, 'resource.attributes'),
    scope: { name: scope?.name ?? '', version: scope?.version ?? '' },
  };
}

function spanOf(span: ProtoSpan): OtlpSpan {
  const parent = parentHexId(hex(span.parentSpanId));
  return {
    traceId: checkHexId(hex(span.traceId), 16, 'traceId', 'invalid_trace_id'),
    spanId: checkHexId(hex(span.spanId), 8, 'spanId', 'invalid_span_id'),
    // Always present (possibly undefined): a fixed shape is much cheaper to build than a conditional spread.
    parentSpanId: parent,
    traceState: span.traceState ?? '',
    name: span.name ?? '',
    kind: span.kind ?? 0,
    startTimeUnixNano: requireTime(fixed64(span.startTimeUnixNano), 'startTimeUnixNano'),
    endTimeUnixNano: requireTime(fixed64(span.endTimeUnixNano), 'endTimeUnixNano'),
    attributes: attributesOf(span.attributes, 'attributes'),
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    events: (span.events ?? []).map((event, i) => ({
      timeUnixNano: fixed64(event.timeUnixNano),
      name: event.name ?? '',
      attributes: attributesOf(event.attributes, `events[${i}].attributes`),
    })),
    droppedEventsCount: span.droppedEventsCount ?? 0,
    links: (span.links ?? []).map((link, i) => ({
      traceId: checkHexId(hex(link.traceId), 16, `links[${i}].traceId`, 'invalid_trace_id'),
      spanId: checkHexId(hex(link.spanId), 8, `links[${i}].spanId`, 'invalid_span_id'),
      attributes: attributesOf(link.attributes, `links[${i}].attributes`),
    })),
    droppedLinksCount: span.droppedLinksCount ?? 0,
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
  };
}

function logRecordOf(record: ProtoLogRecord): OtlpLogRecord {
  const traceHex = hex(record.traceId);
  const spanHex = hex(record.spanId);
  return {
    timeUnixNano: fixed64(record.timeUnixNano),
    observedTimeUnixNano: fixed64(record.observedTimeUnixNano),
    severityNumber: record.severityNumber ?? 0,
    severityText: record.severityText ?? '',
    body: record.body === null || record.body === undefined ? null : anyValue(record.body, 'body', 0),
    attributes: attributesOf(record.attributes, 'attributes'),
    traceId: traceHex === '' ? undefined : checkHexId(traceHex, 16, 'traceId', 'invalid_trace_id'),
    spanId: spanHex === '' ? undefined : checkHexId(spanHex, 8, 'spanId', 'invalid_span_id'),
    eventName: record.eventName ?? '',
  };
}

function hex(bytes: Uint8Array | null | undefined): string {
  if (bytes === null || bytes === undefined) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Two 32-bit halves into one unsigned (fixed64) or signed (int64) bigint. */
function toBigInt(value: ProtoInt64, signed: boolean): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  const unsigned = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return signed ? BigInt.asIntN(64, unsigned) : unsigned;
}

function fixed64(value: ProtoInt64): bigint {
  return toBigInt(value, false);
}

function attributesOf(list: ProtoKeyValue[] | null | undefined, field: string): JsonObject {
  const out: JsonObject = {};
  if (list === null || list === undefined) return out;
  for (const kv of list) {
    const key = kv.key ?? '';
    setKey(out, key, kv.value === null || kv.value === undefined ? null : anyValue(kv.value, `${field}.${key}`, 0));
  }
  return out;
}

function anyValue(value: ProtoAnyValue, field: string, depth: number): JsonValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new OtlpItemError('invalid_field', `${field}: nested deeper than ${MAX_VALUE_DEPTH} levels`);
  // Direct field tests, not protobufjs' oneof getter (`value.value`), which
  // scans every field on each call; set fields are own properties, unset ones
  // null from the prototype (the compiled module uses --null-defaults).
  if (value.stringValue != null) return value.stringValue;
  if (value.intValue != null) return int64ToJson(toBigInt(value.intValue, true));
  if (value.boolValue != null) return value.boolValue;
  if (value.doubleValue != null) return doubleToJson(value.doubleValue);
  if (value.arrayValue != null)
    return (value.arrayValue.values ?? []).map((item, i) => anyValue(item, `${field}[${i}]`, depth + 1));
  if (value.kvlistValue != null) {
    const out: JsonObject = {};
    for (const kv of value.kvlistValue.values ?? []) {
      const key = kv.key ?? '';
      setKey(out, key, kv.value ? anyValue(kv.value, `${field}.${key}`, depth + 1) : null);
    }
    return out;
  }
  // As the OTLP JSON encoding writes bytes values: base64.
  if (value.bytesValue != null) return Buffer.from(value.bytesValue).toString('base64');
  // An empty AnyValue: OTLP's "no value".
  return null;
}
