import { randomBytes } from 'node:crypto';

import { serializeEvent, type TemporalEvent } from '@temporal-bridge/event-schema';
import { decodeTracesProtobuf, ExportTraceServiceRequest, mapTraces } from '@temporal-bridge/otlp-ingest';

/** Spans per trace in the generated requests: a root and its children. */
const SPANS_PER_TRACE = 10;

/**
 * Request bodies of the two ingest paths carrying the same data: OTLP
 * protobuf ExportTraceServiceRequests (encoded with the official
 * definitions), and the wire events those spans map to, as /v1/events JSON.
 */
export function otlpBodies(options: { bodies: number; spansPerRequest: number; startNs: bigint }): {
  protobuf: Buffer[];
  eventsJson: Buffer[];
  eventsPerRequest: number;
} {
  const protobuf: Buffer[] = [];
  const eventsJson: Buffer[] = [];
  let eventsPerRequest = 0;
  for (let b = 0; b < options.bodies; b++) {
    const bytes = Buffer.from(encodeRequest(options.spansPerRequest, options.startNs + BigInt(b) * 1_000_000n));
    protobuf.push(bytes);
    // The events /v1/events would receive for the same spans, mapped by the same code the receiver runs.
    const { events } = mapTraces(decodeTracesProtobuf(bytes));
    eventsPerRequest = events.length;
    eventsJson.push(
      Buffer.from(
        JSON.stringify(events.map((e) => serializeEvent({ ...e, timestamp_inferred: false } as TemporalEvent))),
      ),
    );
  }
  return { protobuf, eventsJson, eventsPerRequest };
}

function encodeRequest(spanCount: number, startNs: bigint): Uint8Array {
  const spans: Array<Record<string, unknown>> = [];
  for (let t = 0; t < spanCount / SPANS_PER_TRACE; t++) {
    const traceId = randomBytes(16);
    const rootId = randomBytes(8);
    for (let s = 0; s < SPANS_PER_TRACE; s++) {
      const start = startNs + BigInt(t * 1000 + s * 10);
      spans.push({
        traceId,
        spanId: s === 0 ? rootId : randomBytes(8),
        ...(s === 0 ? {} : { parentSpanId: rootId }),
        name: s === 0 ? 'GET /orders/:id' : `step-${s}`,
        kind: s === 0 ? 2 : 1,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + 5_000n).toString(),
        attributes: [
          { key: 'code.file.path', value: { stringValue: `src/orders/step-${s}.ts` } },
          { key: 'code.function.name', value: { stringValue: `OrderService.step${s}` } },
          { key: 'http.route', value: { stringValue: '/orders/:id' } },
          { key: 'order.id', value: { intValue: t * 100 + s } },
          { key: 'cache.hit', value: { boolValue: s % 2 === 0 } },
        ],
        status: { code: 0 },
      });
    }
  }
  const request = {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'orders' } },
            { key: 'service.instance.id', value: { stringValue: 'orders-1' } },
          ],
        },
        scopeSpans: [{ scope: { name: 'bench', version: '1.0.0' }, spans }],
      },
    ],
  };
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}
