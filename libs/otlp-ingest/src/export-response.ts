import { Writer } from 'protobufjs/minimal';

import { ExportLogsServiceResponse, ExportTraceServiceResponse } from './decode/otlp-proto-root';

/** Which OTLP signal an answer is for: its partial success counts spans or log records. */
export type OtlpSignal = 'traces' | 'logs';

/** The JSON form of ExportTraceServiceResponse / ExportLogsServiceResponse (int64 as a decimal string). */
export interface ExportResponseJson {
  partialSuccess?: { rejectedSpans?: string; rejectedLogRecords?: string; errorMessage: string };
}

/**
 * The OTLP/HTTP success answer: with nothing rejected, an empty message (the
 * spec's "full success"); else `partialSuccess` with the count and a message.
 *
 * @example
 * encodeExportResponse('traces', 2, 'spans[1]: traceId: ...'); // protobuf bytes
 */
export function encodeExportResponse(signal: OtlpSignal, rejected: number, errorMessage: string): Uint8Array {
  const type = signal === 'traces' ? ExportTraceServiceResponse : ExportLogsServiceResponse;
  if (rejected === 0 && errorMessage === '') return type.encode({}).finish();
  const count = signal === 'traces' ? { rejectedSpans: rejected } : { rejectedLogRecords: rejected };
  return type.encode({ partialSuccess: { ...count, errorMessage } }).finish();
}

/** The same answer in the OTLP JSON encoding. */
export function exportResponseJson(signal: OtlpSignal, rejected: number, errorMessage: string): ExportResponseJson {
  if (rejected === 0 && errorMessage === '') return {};
  const count = signal === 'traces' ? { rejectedSpans: String(rejected) } : { rejectedLogRecords: String(rejected) };
  return { partialSuccess: { ...count, errorMessage } };
}

/**
 * A google.rpc.Status (`code` = 1, `message` = 2), the body OTLP/HTTP
 * prescribes for 4xx and 5xx answers to protobuf requests. Written with
 * protobufjs' Writer: the message is not among the compiled OTLP ones.
 */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const writer = Writer.create();
  if (code !== 0) writer.uint32(8).int32(code);
  if (message !== '') writer.uint32(18).string(message);
  return writer.finish();
}

/** gRPC status codes for HTTP statuses, as OTLP/HTTP's Status bodies carry them. */
export function rpcCodeForHttpStatus(status: number): number {
  if (status === 400 || status === 413 || status === 415) return 3; // INVALID_ARGUMENT
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503 || status === 504) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}
