/**
 * The protobuf messages of OTLP, from the official opentelemetry-proto
 * definitions as compiled by protobufjs (`pbjs -t static-module`) and
 * published by the OpenTelemetry JS project in @opentelemetry/otlp-transformer.
 * Its releases from 0.216 on serialise requests with a writer of their own
 * and no longer ship a decoder; 0.214.0 is the last that ships the compiled
 * traces and logs messages with their decoders, hence the exact pin. OTLP v1
 * is stable: the messages (and their field numbers) have not changed since.
 *
 * The compiled module has no type declarations; the interfaces below
 * describe the decoded objects this library reads (protobufjs sets absent
 * fields to null, int64 fields to Long or number, bytes to Uint8Array).
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

/** protobufjs' 64-bit integer (the `long` package's Long). */
export interface ProtoLong {
  low: number;
  high: number;
  unsigned: boolean;
}

export type ProtoInt64 = ProtoLong | number | string | null | undefined;

export interface ProtoAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: ProtoInt64;
  doubleValue?: number | null;
  arrayValue?: { values?: ProtoAnyValue[] | null } | null;
  kvlistValue?: { values?: ProtoKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface ProtoKeyValue {
  key?: string | null;
  value?: ProtoAnyValue | null;
}

export interface ProtoResource {
  attributes?: ProtoKeyValue[] | null;
}

export interface ProtoScope {
  name?: string | null;
  version?: string | null;
}

export interface ProtoSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  traceState?: string | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: ProtoInt64;
  endTimeUnixNano?: ProtoInt64;
  attributes?: ProtoKeyValue[] | null;
  droppedAttributesCount?: number | null;
  events?: Array<{ timeUnixNano?: ProtoInt64; name?: string | null; attributes?: ProtoKeyValue[] | null }> | null;
  droppedEventsCount?: number | null;
  links?: Array<{
    traceId?: Uint8Array | null;
    spanId?: Uint8Array | null;
    attributes?: ProtoKeyValue[] | null;
  }> | null;
  droppedLinksCount?: number | null;
  status?: { code?: number | null; message?: string | null } | null;
}

export interface ProtoTraceRequest {
  resourceSpans?: Array<{
    resource?: ProtoResource | null;
    scopeSpans?: Array<{ scope?: ProtoScope | null; spans?: ProtoSpan[] | null }> | null;
  }> | null;
}

export interface ProtoLogRecord {
  timeUnixNano?: ProtoInt64;
  observedTimeUnixNano?: ProtoInt64;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: ProtoAnyValue | null;
  attributes?: ProtoKeyValue[] | null;
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  eventName?: string | null;
}

export interface ProtoLogsRequest {
  resourceLogs?: Array<{
    resource?: ProtoResource | null;
    scopeLogs?: Array<{ scope?: ProtoScope | null; logRecords?: ProtoLogRecord[] | null }> | null;
  }> | null;
}

/** A compiled message type: what this library uses of it. */
export interface ProtoMessageType<T> {
  decode(bytes: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromObject(object: Record<string, unknown>): T;
}

/** ExportTraceServiceResponse / ExportLogsServiceResponse: the answer, with what was rejected. */
export interface ProtoExportResponse {
  partialSuccess?: { rejectedSpans?: number; rejectedLogRecords?: number; errorMessage?: string } | null;
}

interface CompiledRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: ProtoMessageType<ProtoTraceRequest>;
            ExportTraceServiceResponse: ProtoMessageType<ProtoExportResponse>;
          };
        };
        logs: {
          v1: {
            ExportLogsServiceRequest: ProtoMessageType<ProtoLogsRequest>;
            ExportLogsServiceResponse: ProtoMessageType<ProtoExportResponse>;
          };
        };
      };
    };
  };
}

const root = load('@opentelemetry/otlp-transformer/build/src/generated/root') as CompiledRoot;

/** opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest */
export const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse */
export const ExportTraceServiceResponse = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;

/** opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse */
export const ExportLogsServiceResponse = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;

/** opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest */
export const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
