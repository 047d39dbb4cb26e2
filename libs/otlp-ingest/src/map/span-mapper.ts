import {
  DEFAULT_MAX_DATA_BYTES,
  MAX_ID_LENGTH,
  type JsonObject,
  type WireEventInput,
} from '@temporal-bridge/event-schema';

import {
  OtlpItemError,
  SPAN_KINDS,
  STATUS_CODE_ERROR,
  STATUS_CODES,
  type DecodedTraces,
  type OtlpOrigin,
  type OtlpSpan,
  type RejectedItem,
} from '../otlp-model';
import { astNodeIdOf, codeLocationOf, UNKNOWN_SERVICE } from './ast-node-id';
import { checkDataSize } from './data-size';

/** Options of mapTraces. */
export interface SpanMappingOptions {
  /** The bridge's limit on serialized `data` (MAX_EVENT_DATA_BYTES); a span whose events exceed it is rejected. */
  maxDataBytes?: number;
}

/** Wire events of a request's spans, and what could not be kept. */
export interface MappedTraces {
  /** Wire events (timestamps as bigint nanoseconds), spans in request order, each span's events together. */
  events: WireEventInput[];
  /** For each event, the index in `spans` of the span it came from (to report a rejected event by span). */
  spanOfEvent: number[];
  /** Where each mapped span was in the request (`resourceSpans[0].scopeSpans[0].spans[2]`). */
  spans: string[];
  rejected: RejectedItem[];
}

/**
 * Maps decoded spans onto wire events (the table in the README): each span
 * becomes a call (function_entry at its start, function_exit at its end),
 * its `exception` events and an ERROR status become error events, its other
 * events log events. Event ids derive from trace id, span id and role, so a
 * span sent again (an exporter's retry) replaces itself instead of
 * duplicating. Spans that cannot be stored whole are rejected whole.
 *
 * @example
 * const { events, rejected } = mapTraces(decodeTracesProtobuf(body), { maxDataBytes: 65_536 });
 */
export function mapTraces(decoded: DecodedTraces, options: SpanMappingOptions = {}): MappedTraces {
  const maxDataBytes = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
  const out: MappedTraces = { events: [], spanOfEvent: [], spans: [], rejected: [...decoded.rejected] };
  for (const { origin, span, at } of decoded.spans) {
    // Formatted lazily: only a rejection needs it, and this loop runs per span.
    const where = (): string => (span.name === '' ? at : `${at} (${JSON.stringify(span.name.slice(0, 60))})`);
    try {
      const events = spanEvents(origin, span);
      for (const event of events) checkDataSize(event.data ?? {}, maxDataBytes, event.event_type);
      const index = out.spans.length;
      out.spans.push(at);
      for (const event of events) {
        out.events.push(event);
        out.spanOfEvent.push(index);
      }
    } catch (error) {
      if (!(error instanceof OtlpItemError)) throw error;
      out.rejected.push({ at: where(), code: error.code, message: error.message });
    }
  }
  return out;
}

/** What every event of a span shares. */
interface SpanBase {
  correlation_id: string;
  parent_id: string | undefined;
  trace_id: string;
  ast_node_id: string;
  service: string;
  instance: string | undefined;
}

/**
 * One wire event, built as a literal in a fixed order: hundreds of thousands
 * of these are made per second, and objects built by spreading conditional
 * parts are slower to make and to read.
 */
function wireEvent(
  base: SpanBase,
  eventId: string,
  eventType: string,
  timestamp: bigint,
  data: JsonObject,
): WireEventInput {
  const event: WireEventInput = {
    event_id: eventId,
    event_type: eventType,
    timestamp,
    correlation_id: base.correlation_id,
    trace_id: base.trace_id,
    ast_node_id: base.ast_node_id,
    service: base.service,
    data,
  };
  if (base.parent_id !== undefined) event.parent_id = base.parent_id;
  if (base.instance !== undefined) event.instance = base.instance;
  return event;
}

const who = new WeakMap<OtlpOrigin, { service: string; instance: string | undefined }>();

/** The service and instance of an origin (resource), checked once for all its spans or records. */
export function whoOf(origin: OtlpOrigin): { service: string; instance: string | undefined } {
  let found = who.get(origin);
  if (found === undefined) {
    found = {
      service: idAttribute(origin.resource['service.name'], 'resource service.name') ?? UNKNOWN_SERVICE,
      instance: idAttribute(origin.resource['service.instance.id'], 'resource service.instance.id'),
    };
    who.set(origin, found);
  }
  return found;
}

function spanEvents(origin: OtlpOrigin, span: OtlpSpan): WireEventInput[] {
  if (span.endTimeUnixNano < span.startTimeUnixNano)
    throw new OtlpItemError(
      'end_before_start',
      `endTimeUnixNano ${span.endTimeUnixNano} is before startTimeUnixNano ${span.startTimeUnixNano}`,
    );
  const { service, instance } = whoOf(origin);
  const code = codeLocationOf(span.attributes);
  const base: SpanBase = {
    correlation_id: span.spanId,
    parent_id: span.parentSpanId,
    trace_id: span.traceId,
    ast_node_id: astNodeIdOf(code, service, span.name),
    service,
    instance,
  };
  const prefix = `otlp:${span.traceId}:${span.spanId}:`;
  const isError = span.status.code === STATUS_CODE_ERROR;
  let firstException: JsonObject | undefined;

  const events: WireEventInput[] = [
    wireEvent(base, `${prefix}entry`, 'function_entry', span.startTimeUnixNano, entryData(origin, span, code, service)),
  ];
  span.events.forEach((event, i) => {
    const timestamp = event.timeUnixNano > 0n ? event.timeUnixNano : span.startTimeUnixNano;
    if (event.name === 'exception') {
      firstException ??= event.attributes;
      events.push(wireEvent(base, `${prefix}event:${i}`, 'error', timestamp, exceptionData(event.attributes)));
    } else
      events.push(
        wireEvent(base, `${prefix}event:${i}`, 'log', timestamp, {
          level: 'info',
          message: event.name,
          attributes: event.attributes,
        }),
      );
  });
  // An ERROR status is an error of its own only when no exception event recorded it already.
  if (isError && firstException === undefined)
    // 'error' sorts before 'exit': at the same instant the error reads before the call's end.
    events.push(
      wireEvent(base, `${prefix}error`, 'error', span.endTimeUnixNano, {
        error: { type: 'SpanStatusError', name: 'SpanStatusError', message: span.status.message },
      }),
    );
  const exit: JsonObject = {
    status: STATUS_CODES[span.status.code] ?? String(span.status.code),
    duration_ns: (span.endTimeUnixNano - span.startTimeUnixNano).toString(),
  };
  if (isError)
    exit['error'] = {
      type: text(firstException?.['exception.type']) ?? 'SpanStatusError',
      message: span.status.message || (text(firstException?.['exception.message']) ?? ''),
    };
  events.push(wireEvent(base, `${prefix}exit`, 'function_exit', span.endTimeUnixNano, exit));
  return events;
}

function entryData(
  origin: OtlpOrigin,
  span: OtlpSpan,
  code: ReturnType<typeof codeLocationOf>,
  service: string,
): JsonObject {
  const data: JsonObject = {
    module: text(span.attributes['code.namespace']) ?? code.file ?? (origin.scope.name || service),
    function: code.function ?? span.name,
    span: { name: span.name, kind: SPAN_KINDS[span.kind] ?? String(span.kind) },
    attributes: span.attributes,
  };
  if (origin.scope.name !== '') data['scope'] = { name: origin.scope.name, version: origin.scope.version };
  if (span.traceState !== '') data['trace_state'] = span.traceState;
  if (span.links.length > 0)
    data['links'] = span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      attributes: link.attributes,
    }));
  const dropped = span.droppedAttributesCount + span.droppedEventsCount + span.droppedLinksCount;
  if (dropped > 0)
    data['dropped'] = {
      attributes: span.droppedAttributesCount,
      events: span.droppedEventsCount,
      links: span.droppedLinksCount,
    };
  return data;
}

/** `exception.*` attributes (semantic conventions) as the SDK's error shape; the others stay as attributes. */
function exceptionData(attributes: JsonObject): JsonObject {
  const type = text(attributes['exception.type']) ?? 'Error';
  const error: JsonObject = { type, name: type, message: text(attributes['exception.message']) ?? '' };
  const stack = text(attributes['exception.stacktrace']);
  if (stack !== undefined) error['stack'] = stack;
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(attributes))
    if (key !== 'exception.type' && key !== 'exception.message' && key !== 'exception.stacktrace') rest[key] = value;
  return Object.keys(rest).length > 0 ? { error, attributes: rest } : { error };
}

/** A resource attribute that becomes service or instance: the wire event's id rules apply. */
function idAttribute(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  // eslint-disable-next-line no-control-regex
  if (s.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(s) || !s.isWellFormed())
    throw new OtlpItemError(
      'invalid_field',
      `${what}: must be at most ${MAX_ID_LENGTH} characters without control characters, got ${s.length} characters`,
    );
  return s;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
