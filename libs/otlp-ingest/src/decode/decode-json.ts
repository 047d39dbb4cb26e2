import { isPlainObject, type JsonObject, type JsonValue } from '@temporal-bridge/event-schema';

import {
  OtlpDecodeError,
  OtlpItemError,
  SPAN_KINDS,
  STATUS_CODES,
  type DecodedLogs,
  type DecodedTraces,
  type OtlpLogRecord,
  type OtlpOrigin,
  type OtlpProblemCode,
  type OtlpSpan,
} from '../otlp-model';
import { attempt, collect } from './collect';
import { checkHexId, doubleToJson, int64ToJson, MAX_VALUE_DEPTH, parentHexId, requireTime, setKey } from './values';

type Obj = Record<string, unknown>;

/**
 * Decodes an OTLP JSON traces body (ExportTraceServiceRequest in the OTLP
 * JSON encoding: lowerCamelCase fields, trace and span ids as hex, 64-bit
 * integers as decimal strings, enums as integers; unknown fields ignored).
 * Throws OtlpDecodeError when the structure above spans is wrong; a span
 * with a bad field is reported in `rejected` and the others are kept.
 */
export function decodeTracesJson(body: unknown): DecodedTraces {
  const out: DecodedTraces = { spans: [], rejected: [] };
  list(object(body, 'body'), 'resourceSpans', 'body').forEach((rsValue, r) => {
    const rs = object(rsValue, `resourceSpans[${r}]`);
    list(rs, 'scopeSpans', `resourceSpans[${r}]`).forEach((ssValue, s) => {
      const where = `resourceSpans[${r}].scopeSpans[${s}]`;
      const ss = object(ssValue, where);
      const origin = attempt(() => originOf(rs['resource'], ss['scope']));
      list(ss, 'spans', where).forEach((spanValue, i) => {
        const at = `${where}.spans[${i}]`;
        const name = isPlainObject(spanValue) && typeof spanValue['name'] === 'string' ? spanValue['name'] : '';
        collect(out.spans, out.rejected, at, name, () => {
          if (origin instanceof OtlpItemError) throw origin;
          return { origin, span: spanOf(spanValue), at };
        });
      });
    });
  });
  return out;
}

/** Decodes an OTLP JSON logs body (ExportLogsServiceRequest), like decodeTracesJson. */
export function decodeLogsJson(body: unknown): DecodedLogs {
  const out: DecodedLogs = { records: [], rejected: [] };
  list(object(body, 'body'), 'resourceLogs', 'body').forEach((rlValue, r) => {
    const rl = object(rlValue, `resourceLogs[${r}]`);
    list(rl, 'scopeLogs', `resourceLogs[${r}]`).forEach((slValue, s) => {
      const where = `resourceLogs[${r}].scopeLogs[${s}]`;
      const sl = object(slValue, where);
      const origin = attempt(() => originOf(rl['resource'], sl['scope']));
      list(sl, 'logRecords', where).forEach((recordValue, i) => {
        const at = `${where}.logRecords[${i}]`;
        collect(out.records, out.rejected, at, '', () => {
          if (origin instanceof OtlpItemError) throw origin;
          return { origin, record: logRecordOf(recordValue), at };
        });
      });
    });
  });
  return out;
}

/** Parses JSON bytes (as read from Kafka); OtlpDecodeError when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`body: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
    });
  }
}

function object(value: unknown, field: string): Obj {
  if (!isPlainObject(value)) throw new OtlpDecodeError(`${field}: must be a JSON object, got ${kindOf(value)}`);
  return value;
}

/** An optional repeated field above spans: absent is empty, anything but an array is undecodable. */
function list(parent: Obj, key: string, where: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${where}.${key}: must be an array, got ${kindOf(value)}`);
  return value as unknown[];
}

function originOf(resource: unknown, scope: unknown): OtlpOrigin {
  const res = optionalObject(resource, 'resource');
  const sc = optionalObject(scope, 'scope');
  return {
    resource: attributesOf(res['attributes'], 'resource.attributes'),
    scope: { name: str(sc['name'], 'scope.name'), version: str(sc['version'], 'scope.version') },
  };
}

function spanOf(value: unknown): OtlpSpan {
  const span = optionalObject(value, 'span', false);
  const parent = parentHexId(hexField(span['parentSpanId'], 'parentSpanId', 'invalid_parent_span_id'));
  const status = optionalObject(span['status'], 'status');
  return {
    traceId: checkHexId(hexField(span['traceId'], 'traceId', 'invalid_trace_id'), 16, 'traceId', 'invalid_trace_id'),
    spanId: checkHexId(hexField(span['spanId'], 'spanId', 'invalid_span_id'), 8, 'spanId', 'invalid_span_id'),
    // Always present (possibly undefined): a fixed shape is much cheaper to build than a conditional spread.
    parentSpanId: parent,
    traceState: str(span['traceState'], 'traceState'),
    name: str(span['name'], 'name'),
    kind: enumField(span['kind'], 'kind', SPAN_KINDS, 'SPAN_KIND_'),
    startTimeUnixNano: requireTime(u64(span['startTimeUnixNano'], 'startTimeUnixNano'), 'startTimeUnixNano'),
    endTimeUnixNano: requireTime(u64(span['endTimeUnixNano'], 'endTimeUnixNano'), 'endTimeUnixNano'),
    attributes: attributesOf(span['attributes'], 'attributes'),
    droppedAttributesCount: count(span['droppedAttributesCount'], 'droppedAttributesCount'),
    events: items(span['events'], 'events').map((eventValue, i) => {
      const event = optionalObject(eventValue, `events[${i}]`, false);
      return {
        timeUnixNano: u64(event['timeUnixNano'], `events[${i}].timeUnixNano`),
        name: str(event['name'], `events[${i}].name`),
        attributes: attributesOf(event['attributes'], `events[${i}].attributes`),
      };
    }),
    droppedEventsCount: count(span['droppedEventsCount'], 'droppedEventsCount'),
    links: items(span['links'], 'links').map((linkValue, i) => {
      const link = optionalObject(linkValue, `links[${i}]`, false);
      const f = `links[${i}]`;
      return {
        traceId: checkHexId(
          hexField(link['traceId'], `${f}.traceId`, 'invalid_trace_id'),
          16,
          `${f}.traceId`,
          'invalid_trace_id',
        ),
        spanId: checkHexId(
          hexField(link['spanId'], `${f}.spanId`, 'invalid_span_id'),
          8,
          `${f}.spanId`,
          'invalid_span_id',
        ),
        attributes: attributesOf(link['attributes'], `${f}.attributes`),
      };
    }),
    droppedLinksCount: count(span['droppedLinksCount'], 'droppedLinksCount'),
    status: {
      code: enumField(status['code'], 'status.code', STATUS_CODES, 'STATUS_CODE_'),
      message: str(status['message'], 'status.message'),
    },
  };
}

function logRecordOf(value: unknown): OtlpLogRecord {
  const record = optionalObject(value, 'logRecord', false);
  const traceHex = hexField(record['traceId'], 'traceId', 'invalid_trace_id');
  const spanHex = hexField(record['spanId'], 'spanId', 'invalid_span_id');
  return {
    timeUnixNano: u64(record['timeUnixNano'], 'timeUnixNano'),
    observedTimeUnixNano: u64(record['observedTimeUnixNano'], 'observedTimeUnixNano'),
    severityNumber: count(record['severityNumber'], 'severityNumber'),
    severityText: str(record['severityText'], 'severityText'),
    body: record['body'] === undefined || record['body'] === null ? null : anyValue(record['body'], 'body', 0),
    attributes: attributesOf(record['attributes'], 'attributes'),
    traceId: traceHex === '' ? undefined : checkHexId(traceHex, 16, 'traceId', 'invalid_trace_id'),
    spanId: spanHex === '' ? undefined : checkHexId(spanHex, 8, 'spanId', 'invalid_span_id'),
    eventName: str(record['eventName'], 'eventName'),
  };
}

function optionalObject(value: unknown, field: string, optional = true): Obj {
  if ((value === undefined || value === null) && optional) return {};
  if (!isPlainObject(value))
    throw new OtlpItemError('invalid_field', `${field}: must be a JSON object, got ${kindOf(value)}`);
  return value;
}

function items(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new OtlpItemError('invalid_field', `${field}: must be an array, got ${kindOf(value)}`);
  return value as unknown[];
}

function str(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new OtlpItemError('invalid_field', `${field}: must be a string, got ${kindOf(value)}`);
  return value;
}

/** A trace or span id: hex in the OTLP JSON encoding (not base64 as in protobuf's own JSON mapping). */
function hexField(value: unknown, field: string, code: OtlpProblemCode): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !/^[0-9a-fA-F]*$/.test(value) || value.length % 2 !== 0)
    throw new OtlpItemError(code, `${field}: must be hex digits (OTLP JSON encodes ids as hex), got ${excerpt(value)}`);
  return value.toLowerCase();
}

/** fixed64 nanoseconds: a decimal string (the OTLP JSON rule) or a safe integer number. */
function u64(value: unknown, field: string): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value) && BigInt(value) < 2n ** 64n) return BigInt(value);
  throw new OtlpItemError(
    'invalid_time',
    `${field}: must be unsigned 64-bit nanoseconds as a decimal string, got ${excerpt(value)}`,
  );
}

function count(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new OtlpItemError('invalid_field', `${field}: must be a non-negative integer, got ${excerpt(value)}`);
}

/** Enums are integers in OTLP JSON; their proto names (SPAN_KIND_SERVER) are accepted too, as protobuf JSON parsers do. */
function enumField(value: unknown, field: string, names: readonly string[], prefix: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) return value;
  if (typeof value === 'string') {
    const index = names.findIndex((name) => `${prefix}${name.toUpperCase()}` === value);
    if (index >= 0) return index;
  }
  throw new OtlpItemError(
    'invalid_field',
    `${field}: must be an integer 0..${names.length - 1}, got ${excerpt(value)}`,
  );
}

function attributesOf(value: unknown, field: string): JsonObject {
  const out: JsonObject = {};
  items(value, field).forEach((kvValue, i) => {
    const kv = optionalObject(kvValue, `${field}[${i}]`, false);
    const key = str(kv['key'], `${field}[${i}].key`);
    setKey(
      out,
      key,
      kv['value'] === undefined || kv['value'] === null ? null : anyValue(kv['value'], `${field}.${key}`, 0),
    );
  });
  return out;
}

function anyValue(value: unknown, field: string, depth: number): JsonValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new OtlpItemError('invalid_field', `${field}: nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const v = optionalObject(value, field, false);
  if ('stringValue' in v) return str(v['stringValue'], field);
  if ('boolValue' in v) {
    if (typeof v['boolValue'] !== 'boolean')
      throw new OtlpItemError(
        'invalid_field',
        `${field}: boolValue must be true or false, got ${excerpt(v['boolValue'])}`,
      );
    return v['boolValue'];
  }
  if ('intValue' in v) return int64ToJson(i64(v['intValue'], field));
  if ('doubleValue' in v) return double(v['doubleValue'], field);
  if ('bytesValue' in v) return str(v['bytesValue'], `${field}.bytesValue`);
  if ('arrayValue' in v) {
    const array = optionalObject(v['arrayValue'], `${field}.arrayValue`);
    return items(array['values'], `${field}.arrayValue.values`).map((item, i) =>
      anyValue(item, `${field}[${i}]`, depth + 1),
    );
  }
  if ('kvlistValue' in v) {
    const kvlist = optionalObject(v['kvlistValue'], `${field}.kvlistValue`);
    const out: JsonObject = {};
    items(kvlist['values'], `${field}.kvlistValue.values`).forEach((kvValue, i) => {
      const kv = optionalObject(kvValue, `${field}.kvlistValue.values[${i}]`, false);
      const key = str(kv['key'], `${field}.kvlistValue.values[${i}].key`);
      setKey(
        out,
        key,
        kv['value'] === undefined || kv['value'] === null ? null : anyValue(kv['value'], `${field}.${key}`, depth + 1),
      );
    });
    return out;
  }
  return null;
}

function i64(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) {
    const n = BigInt(value);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return n;
  }
  throw new OtlpItemError(
    'invalid_field',
    `${field}: intValue must be a 64-bit integer (decimal string), got ${excerpt(value)}`,
  );
}

function double(value: unknown, field: string): JsonValue {
  if (typeof value === 'number') return doubleToJson(value);
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new OtlpItemError('invalid_field', `${field}: doubleValue must be a number, got ${excerpt(value)}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 48 ? `${text.slice(0, 48)}... (${text.length} chars)` : text;
}
