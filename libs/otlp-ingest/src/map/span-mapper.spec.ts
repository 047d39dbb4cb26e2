import { parseEvent } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import type { DecodedTraces, OtlpOrigin, OtlpSpan } from '../otlp-model';
import { astNodeIdOf, codeLocationOf } from './ast-node-id';
import { mapTraces } from './span-mapper';

const TRACE = '5b8efff798038103d269b633813fc60c';
const origin: OtlpOrigin = {
  resource: { 'service.name': 'checkout', 'service.instance.id': 'pod-1', 'host.name': 'h' },
  scope: { name: 'shop', version: '1.0.0' },
};

function span(overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: 'eee19b7ec3c1b174',
    parentSpanId: 'eee19b7ec3c1b173',
    traceState: '',
    name: 'placeOrder',
    kind: 1,
    startTimeUnixNano: 1_000n,
    endTimeUnixNano: 5_000n,
    attributes: { 'code.file.path': 'src/orders.ts', 'code.function.name': 'OrderService.place', 'order.id': 7 },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...overrides,
  };
}

function decoded(...spans: OtlpSpan[]): DecodedTraces {
  return { spans: spans.map((s, i) => ({ origin, span: s, at: `spans[${i}]` })), rejected: [] };
}

describe('mapTraces', () => {
  it('maps a span to a call: entry at start, exit at end with its duration, ids as hex', () => {
    const { events, rejected, spanOfEvent } = mapTraces(decoded(span()));
    expect(rejected).toEqual([]);
    expect(spanOfEvent).toEqual([0, 0]);
    const common = {
      correlation_id: 'eee19b7ec3c1b174',
      parent_id: 'eee19b7ec3c1b173',
      trace_id: TRACE,
      ast_node_id: 'src/orders.ts:OrderService.place:function',
      service: 'checkout',
      instance: 'pod-1',
    };
    expect(events).toEqual([
      {
        ...common,
        event_id: `otlp:${TRACE}:eee19b7ec3c1b174:entry`,
        event_type: 'function_entry',
        timestamp: 1_000n,
        data: {
          module: 'src/orders.ts',
          function: 'OrderService.place',
          span: { name: 'placeOrder', kind: 'internal' },
          attributes: span().attributes,
          scope: { name: 'shop', version: '1.0.0' },
        },
      },
      {
        ...common,
        event_id: `otlp:${TRACE}:eee19b7ec3c1b174:exit`,
        event_type: 'function_exit',
        timestamp: 5_000n,
        data: { status: 'unset', duration_ns: '4000' },
      },
    ]);
    // The events are valid wire events.
    for (const event of events) expect(parseEvent(event).ok).toBe(true);
  });

  it('maps exception events to errors, other events to logs, an ERROR status onto the exit', () => {
    const { events } = mapTraces(
      decoded(
        span({
          status: { code: 2, message: 'card declined' },
          events: [
            { timeUnixNano: 2_000n, name: 'retrying', attributes: { attempt: 2 } },
            {
              timeUnixNano: 3_000n,
              name: 'exception',
              attributes: {
                'exception.type': 'PaymentError',
                'exception.message': 'card declined',
                'exception.stacktrace': 'PaymentError: card declined\n    at pay (src/pay.ts:3:9)',
                'exception.escaped': true,
              },
            },
          ],
        }),
      ),
    );
    expect(events.map((e) => [e.event_type, e.timestamp, String(e.event_id).split(':').slice(3).join(':')])).toEqual([
      ['function_entry', 1_000n, 'entry'],
      ['log', 2_000n, 'event:0'],
      ['error', 3_000n, 'event:1'],
      ['function_exit', 5_000n, 'exit'],
    ]);
    expect(events[1]?.data).toEqual({ level: 'info', message: 'retrying', attributes: { attempt: 2 } });
    expect(events[2]?.data).toEqual({
      error: {
        type: 'PaymentError',
        name: 'PaymentError',
        message: 'card declined',
        stack: 'PaymentError: card declined\n    at pay (src/pay.ts:3:9)',
      },
      attributes: { 'exception.escaped': true },
    });
    expect(events[3]?.data).toEqual({
      status: 'error',
      duration_ns: '4000',
      error: { type: 'PaymentError', message: 'card declined' },
    });
  });

  it('an ERROR status without exception event becomes an error event at the end', () => {
    const { events } = mapTraces(decoded(span({ status: { code: 2, message: 'timeout' } })));
    expect(events.map((e) => e.event_type)).toEqual(['function_entry', 'error', 'function_exit']);
    expect(events[1]).toMatchObject({
      event_id: `otlp:${TRACE}:eee19b7ec3c1b174:error`,
      timestamp: 5_000n,
      data: { error: { type: 'SpanStatusError', message: 'timeout' } },
    });
  });

  it('gives the same event ids to the same span every time (an exporter retry stores once)', () => {
    const first = mapTraces(decoded(span())).events.map((e) => e.event_id);
    const again = mapTraces(decoded(span({ attributes: {} }))).events.map((e) => e.event_id);
    expect(again).toEqual(first);
    const other = mapTraces(decoded(span({ spanId: 'eee19b7ec3c1b175' }))).events.map((e) => e.event_id);
    expect(other.some((id) => first.includes(id))).toBe(false);
  });

  it('rejects a span that ends before it starts, and one whose attributes are too large, keeping the rest', () => {
    const { events, rejected, spans } = mapTraces(
      decoded(
        span({ spanId: '0000000000000001', startTimeUnixNano: 9_000n, endTimeUnixNano: 8_000n }),
        span({ spanId: '0000000000000002', attributes: { 'http.request.body': 'x'.repeat(70_000), small: 1 } }),
        span({ spanId: '0000000000000003' }),
      ),
      { maxDataBytes: 65_536 },
    );
    expect(spans).toEqual(['spans[2]']);
    expect(new Set(events.map((e) => e.correlation_id))).toEqual(new Set(['0000000000000003']));
    expect(rejected).toEqual([
      {
        at: 'spans[0] ("placeOrder")',
        code: 'end_before_start',
        message: 'endTimeUnixNano 8000 is before startTimeUnixNano 9000',
      },
      {
        at: 'spans[1] ("placeOrder")',
        code: 'data_too_large',
        message: expect.stringMatching(
          /^attribute "http.request.body" \(70002 bytes\): the function_entry event's data would be \d+ bytes serialized, above the 65536-byte limit \(MAX_EVENT_DATA_BYTES\)$/,
        ) as string,
      },
    ]);
  });

  it('rejects a service.name the wire event cannot hold', () => {
    const { rejected } = mapTraces({
      spans: [{ origin: { ...origin, resource: { 'service.name': 's'.repeat(200) } }, span: span(), at: 'spans[0]' }],
      rejected: [],
    });
    expect(rejected[0]).toMatchObject({
      code: 'invalid_field',
      message: expect.stringContaining('resource service.name') as string,
    });
  });
});

describe('AST node ids', () => {
  it('come from the new code.* attributes, else the older ones, else service and span name', () => {
    const id = (attributes: Record<string, string | number>) =>
      astNodeIdOf(codeLocationOf(attributes), 'checkout', 'GET /cart');
    expect(
      id({ 'code.file.path': '/app/src/cart.ts', 'code.function.name': 'Cart.load', 'code.line.number': 12 }),
    ).toBe('/app/src/cart.ts:Cart.load:function');
    expect(
      id({ 'code.filepath': 'src/cart.ts', 'code.namespace': 'Cart', 'code.function': 'load', 'code.lineno': 3 }),
    ).toBe('src/cart.ts:Cart.load:function');
    expect(id({ 'code.function.name': 'load' })).toBe('checkout:load:function');
    expect(id({ 'code.file.path': 'src/cart.ts', 'code.line.number': 40 })).toBe('src/cart.ts:40:line');
    expect(id({})).toBe('otel:checkout:GET /cart:span');
    const long = id({ 'code.file.path': `/${'deep/'.repeat(40)}x.ts`, 'code.function.name': 'f' });
    expect(long).toHaveLength(128);
    expect(long).toMatch(/#[0-9a-f]{16}$/);
  });
});
