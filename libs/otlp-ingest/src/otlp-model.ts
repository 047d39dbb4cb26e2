import type { JsonObject } from '@temporal-bridge/event-schema';

/**
 * The OTLP data this library reads, in one shape whichever encoding it came
 * in (protobuf or OTLP JSON): ids as lowercase hex, times as bigint
 * nanoseconds, attributes as JSON values. Decoders produce it; the mappers
 * turn it into wire events.
 */

/** Span kinds by their trace.proto number. */
export const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** Status codes by their trace.proto number. */
export const STATUS_CODES = ['unset', 'ok', 'error'] as const;

/** trace.proto's STATUS_CODE_ERROR. */
export const STATUS_CODE_ERROR = 2;

/** What produced a span or log record (the `resource` and `scope` of its batch). */
export interface OtlpOrigin {
  /** Resource attributes (service.name, service.instance.id, ...). */
  resource: JsonObject;
  scope: { name: string; version: string };
}

export interface OtlpSpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: JsonObject;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  attributes: JsonObject;
}

/** One span, ids checked (lengths, not all zero), times not yet compared. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: JsonObject;
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpSpanLink[];
  droppedLinksCount: number;
  status: { code: number; message: string };
}

/** One log record. Trace and span ids are optional (a log outside any span). */
export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: JsonObject[string];
  attributes: JsonObject;
  traceId?: string;
  spanId?: string;
  eventName: string;
}

/** Why a span (or log record) was not kept. `code` is a stable label (metrics); `message` names the problem. */
export interface OtlpProblem {
  code: OtlpProblemCode;
  message: string;
}

/** Stable rejection reasons, used as metric labels. */
export type OtlpProblemCode =
  | 'invalid_trace_id'
  | 'invalid_span_id'
  | 'invalid_parent_span_id'
  | 'invalid_time'
  | 'end_before_start'
  | 'invalid_field'
  | 'data_too_large'
  | 'rejected_by_bridge'
  | 'rejected_by_storage';

/** A span or log record that could not be read, with where it was in the request. */
export interface RejectedItem extends OtlpProblem {
  /** Path in the request, e.g. `resourceSpans[0].scopeSpans[1].spans[3]`. */
  at: string;
}

/** A decoded ExportTraceServiceRequest: the readable spans with their origin, and the unreadable ones. */
export interface DecodedTraces {
  spans: Array<{ origin: OtlpOrigin; span: OtlpSpan; at: string }>;
  rejected: RejectedItem[];
}

/** A decoded ExportLogsServiceRequest. */
export interface DecodedLogs {
  records: Array<{ origin: OtlpOrigin; record: OtlpLogRecord; at: string }>;
  rejected: RejectedItem[];
}

/** The body could not be decoded at all (OTLP/HTTP answers 400). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** A problem found while reading one span; caught per span so the others are kept. */
export class OtlpItemError extends Error {
  override readonly name = 'OtlpItemError';
  constructor(
    readonly code: OtlpProblemCode,
    message: string,
  ) {
    super(message);
  }
}
