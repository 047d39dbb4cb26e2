export { decodeLogsJson, decodeTracesJson, parseJsonBytes } from './decode/decode-json';
export { decodeLogsProtobuf, decodeTracesProtobuf } from './decode/decode-protobuf';
export { ExportLogsServiceRequest, ExportTraceServiceRequest } from './decode/otlp-proto-root';
export type { ProtoMessageType } from './decode/otlp-proto-root';
export { astNodeIdOf, codeLocationOf, UNKNOWN_SERVICE } from './map/ast-node-id';
export type { CodeLocation } from './map/ast-node-id';
export { mapTraces } from './map/span-mapper';
export type { MappedTraces, SpanMappingOptions } from './map/span-mapper';
export { OtlpDecodeError, OtlpItemError, SPAN_KINDS, STATUS_CODE_ERROR, STATUS_CODES } from './otlp-model';
export type {
  DecodedLogs,
  DecodedTraces,
  OtlpLogRecord,
  OtlpOrigin,
  OtlpProblem,
  OtlpProblemCode,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
  RejectedItem,
} from './otlp-model';
export { partialSuccessMessage } from './partial-success';
export { ExportLogsServiceResponse, ExportTraceServiceResponse } from './decode/otlp-proto-root';
export { encodeExportResponse, encodeRpcStatus, exportResponseJson, rpcCodeForHttpStatus } from './export-response';
export type { ExportResponseJson, OtlpSignal } from './export-response';
export { mapLogs } from './map/log-mapper';
export type { MappedLogs } from './map/log-mapper';
