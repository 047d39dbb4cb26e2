import { parseEvent } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { decodeLogsJson } from '../decode/decode-json';
import { decodeLogsProtobuf } from '../decode/decode-protobuf';
import { ExportLogsServiceRequest } from '../decode/otlp-proto-root';
import { mapLogs } from './log-mapper';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';

const request = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeLogs: [
        {
          scope: { name: 'pino' },
          logRecords: [
            {
              timeUnixNano: '1764000000000000001',
              severityNumber: 17,
              body: { stringValue: 'payment failed' },
              attributes: [{ key: 'order.id', value: { intValue: '7' } }],
              traceId: TRACE,
              spanId: SPAN,
            },
            {
              observedTimeUnixNano: '1764000000000000009',
              severityText: 'WARN',
              body: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
            },
            { timeUnixNano: '1764000000000000002', traceId: 'zz' },
          ],
        },
      ],
    },
  ],
};

function protobuf(): Uint8Array {
  const converted = JSON.parse(JSON.stringify(request), (key, value: unknown) =>
    (key === 'traceId' || key === 'spanId') && typeof value === 'string' && /^[0-9a-f]+$/.test(value)
      ? Buffer.from(value, 'hex').toString('base64')
      : value,
  ) as Record<string, unknown>;
  return ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(converted)).finish();
}

describe('mapLogs', () => {
  it('maps records to log events linked to their span, the same from JSON and protobuf', () => {
    const fromJson = mapLogs(decodeLogsJson(request));
    expect(fromJson.rejected.map((r) => [r.at, r.code])).toEqual([
      ['resourceLogs[0].scopeLogs[0].logRecords[2]', 'invalid_trace_id'],
    ]);
    expect(fromJson.events).toEqual([
      {
        event_id: expect.stringMatching(/^otlp-log:[0-9a-f]{40}$/) as string,
        event_type: 'log',
        timestamp: 1_764_000_000_000_000_001n,
        correlation_id: SPAN,
        trace_id: TRACE,
        service: 'checkout',
        data: { level: 'error', message: 'payment failed', attributes: { 'order.id': 7 }, severity_number: 17 },
      },
      {
        event_id: expect.stringMatching(/^otlp-log:/) as string,
        event_type: 'log',
        timestamp: 1_764_000_000_000_000_009n,
        correlation_id: 'otlp-log:checkout',
        service: 'checkout',
        data: { level: 'warn', message: '{"k":true}', body: { k: true }, attributes: {} },
      },
    ]);
    for (const event of fromJson.events) expect(parseEvent(event).ok).toBe(true);
    // The protobuf form cannot carry the non-hex id, so its third record is rejected for its length instead.
    const fromProto = mapLogs(decodeLogsProtobuf(protobuf()));
    expect(fromProto.events).toEqual(fromJson.events);
    expect(fromProto.rejected.map((r) => r.code)).toEqual(['invalid_trace_id']);
  });
});
