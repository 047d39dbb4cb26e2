import type { EventProblem, WireEventInput } from '@temporal-bridge/event-schema';
import {
  decodeTracesJson,
  decodeTracesProtobuf,
  mapTraces,
  OtlpDecodeError,
  parseJsonBytes,
} from '@temporal-bridge/otlp-ingest';

/** The OpenTelemetry Collector Kafka exporter's encodings this bridge reads. */
export type OtlpKafkaEncoding = 'otlp_proto' | 'otlp_json';

/** One Kafka message of OTLP: its wire events, and what in it could not be kept. */
export interface DecodedOtlpMessage {
  events: WireEventInput[];
  /** Empty when every span was mapped; else why not (the message then goes to the dead-letter topic too). */
  problems: EventProblem[];
}

/**
 * Decodes one message as the Collector's Kafka exporter writes it: the value
 * is one ExportTraceServiceRequest, protobuf (`otlp_proto`) or OTLP JSON
 * (`otlp_json`). An undecodable value gives no events and a problem naming why.
 */
export function decodeOtlpMessage(
  value: Buffer | null,
  encoding: OtlpKafkaEncoding,
  maxDataBytes: number,
): DecodedOtlpMessage {
  if (value === null || value.length === 0)
    return { events: [], problems: [{ field: '(message)', reason: 'message has no value' }] };
  try {
    const decoded = encoding === 'otlp_proto' ? decodeTracesProtobuf(value) : decodeTracesJson(parseJsonBytes(value));
    const mapped = mapTraces(decoded, { maxDataBytes });
    return {
      events: mapped.events,
      problems: mapped.rejected.map((r) => ({ field: r.at, reason: `${r.code}: ${r.message}` })),
    };
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    return { events: [], problems: [{ field: '(message)', reason: `${encoding}: ${error.message}` }] };
  }
}
