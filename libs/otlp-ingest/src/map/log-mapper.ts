import { createHash } from 'node:crypto';

import { type JsonObject, type WireEventInput } from '@temporal-bridge/event-schema';

import { OtlpItemError, type DecodedLogs, type OtlpLogRecord, type RejectedItem } from '../otlp-model';
import { astNodeIdOf, codeLocationOf } from './ast-node-id';
import { checkDataSize } from './data-size';
import { whoOf } from './span-mapper';

/** Severity ranges of the OpenTelemetry logs data model, 1-24 in steps of four. */
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Wire events of a logs request, and what could not be kept. */
export interface MappedLogs {
  events: WireEventInput[];
  /** Where each mapped record was in the request (one event each). */
  records: string[];
  rejected: RejectedItem[];
}

/**
 * Maps OTLP log records onto `log` events. A record with a span id belongs
 * to that span's call (correlation_id = span id hex, trace_id = trace id
 * hex), so it shows inside the call in the Cinema; one without stands on
 * its own (correlation_id `otlp-log:<service>`). The event id is a hash of
 * the record's content and origin, so an exporter's retry stores it once.
 *
 * @example
 * const { events } = mapLogs(decodeLogsProtobuf(body));
 */
export function mapLogs(decoded: DecodedLogs, options: { maxDataBytes?: number } = {}): MappedLogs {
  const out: MappedLogs = { events: [], records: [], rejected: [...decoded.rejected] };
  for (const { origin, record, at } of decoded.records) {
    try {
      const { service, instance } = whoOf(origin);
      const data = logData(record);
      checkDataSize(data, options.maxDataBytes ?? 65_536, 'log');
      const timestamp = record.timeUnixNano > 0n ? record.timeUnixNano : record.observedTimeUnixNano;
      const code = codeLocationOf(record.attributes);
      const event: WireEventInput = {
        event_id: `otlp-log:${contentHash(record, service, instance)}`,
        event_type: 'log',
        correlation_id: record.spanId ?? `otlp-log:${service}`,
        service,
        data,
      };
      // No time at all: the bridge uses its receive time and says so (timestamp_inferred).
      if (timestamp > 0n) event.timestamp = timestamp;
      if (record.traceId !== undefined) event.trace_id = record.traceId;
      if (instance !== undefined) event.instance = instance;
      if (code.function !== undefined || code.file !== undefined) event.ast_node_id = astNodeIdOf(code, service, 'log');
      out.events.push(event);
      out.records.push(at);
    } catch (error) {
      if (!(error instanceof OtlpItemError)) throw error;
      out.rejected.push({ at, code: error.code, message: error.message });
    }
  }
  return out;
}

function logData(record: OtlpLogRecord): JsonObject {
  const data: JsonObject = {
    level: record.severityText !== '' ? record.severityText.toLowerCase() : levelOf(record.severityNumber),
    message: typeof record.body === 'string' ? record.body : record.body === null ? '' : JSON.stringify(record.body),
    attributes: record.attributes,
  };
  if (record.severityNumber > 0) data['severity_number'] = record.severityNumber;
  if (record.body !== null && typeof record.body !== 'string') data['body'] = record.body;
  if (record.eventName !== '') data['event_name'] = record.eventName;
  return data;
}

function levelOf(severity: number): string {
  if (severity <= 0) return 'info';
  return LEVELS[Math.min(LEVELS.length - 1, Math.floor((severity - 1) / 4))]!;
}

function contentHash(record: OtlpLogRecord, service: string, instance: string | undefined): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        service,
        instance ?? '',
        record.traceId ?? '',
        record.spanId ?? '',
        record.timeUnixNano.toString(),
        record.observedTimeUnixNano.toString(),
        record.severityNumber,
        record.severityText,
        record.body,
        record.attributes,
        record.eventName,
      ]),
    )
    .digest('hex')
    .slice(0, 40);
}
