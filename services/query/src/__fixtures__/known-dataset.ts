import type { JsonObject, TemporalEvent } from '@temporal-bridge/event-schema';

/**
 * A small fleet whose answers are known by hand (docs/architecture.md, query
 * semantics), relative to T0: an hour ago on a whole second, recent enough
 * that storage's retention TTL keeps it.
 *
 * trace-1, service checkout:
 *   +1000 e1 function_entry  c-root  app.ts:1:1   main()          (never exits)
 *   +2000 e2 state_change    c-root  app.ts:2:5   cart=1
 *   +3000 e3 function_entry  c-child lib.ts:10:1  work()          parent c-root
 *   +4000 e4 variable_snap.  c-child lib.ts:11:5  x=42
 *   +5000 e5 function_exit   c-child lib.ts:10:1
 *   +6000 e6 state_change    c-root  (no node)   cart=2 user=ann
 *   +7000 e7 error           c-root  app.ts:3:5
 * no trace, service billing:
 *   +2500 e8 function_entry  c-bill  bill.ts:1:1  charge()
 *   +8000 e9 function_exit   c-bill  bill.ts:1:1
 */
export const T0 = (BigInt(Date.now()) / 1000n - 3600n) * 1_000_000_000n;

function event(
  id: string,
  offset: number,
  event_type: string,
  correlation_id: string,
  fields: Partial<TemporalEvent> & { data?: JsonObject } = {},
): TemporalEvent {
  return {
    event_id: id,
    timestamp: T0 + BigInt(offset),
    event_type,
    correlation_id,
    timestamp_inferred: false,
    ...fields,
  };
}

const checkout = { trace_id: 'trace-1', service: 'checkout', instance: 'checkout-1' } as const;
const child = { ...checkout, parent_id: 'c-root' } as const;
const billing = { service: 'billing', instance: 'billing-1' } as const;

export const e1 = event('e1', 1000, 'function_entry', 'c-root', {
  ...checkout,
  ast_node_id: 'app.ts:1:1',
  seq: 1,
  data: { module: 'app', function: 'main' },
});
export const e2 = event('e2', 2000, 'state_change', 'c-root', {
  ...checkout,
  ast_node_id: 'app.ts:2:5',
  seq: 2,
  data: { state: { cart: 1 } },
});
export const e3 = event('e3', 3000, 'function_entry', 'c-child', {
  ...child,
  ast_node_id: 'lib.ts:10:1',
  seq: 3,
  data: { module: 'lib', function: 'work', args: [1, 'two'] },
});
export const e4 = event('e4', 4000, 'variable_snapshot', 'c-child', {
  ...child,
  ast_node_id: 'lib.ts:11:5',
  seq: 4,
  data: { variables: { x: 42 } },
});
export const e5 = event('e5', 5000, 'function_exit', 'c-child', {
  ...child,
  ast_node_id: 'lib.ts:10:1',
  seq: 5,
  data: { result: 'ok' },
  duration_ns: 2000n,
});
export const e6 = event('e6', 6000, 'state_change', 'c-root', {
  ...checkout,
  seq: 6,
  data: { state: { cart: 2, user: 'ann' } },
});
export const e7 = event('e7', 7000, 'error', 'c-root', {
  ...checkout,
  ast_node_id: 'app.ts:3:5',
  seq: 7,
  data: { message: 'boom' },
});
export const e8 = event('e8', 2500, 'function_entry', 'c-bill', {
  ...billing,
  ast_node_id: 'bill.ts:1:1',
  data: { module: 'bill', function: 'charge' },
});
export const e9 = event('e9', 8000, 'function_exit', 'c-bill', {
  ...billing,
  ast_node_id: 'bill.ts:1:1',
  data: {},
  duration_ns: 5500n,
});

/** The nine events above, in the API's order (timestamp, then seq, then event_id). */
export const knownEvents: TemporalEvent[] = [e1, e2, e8, e3, e4, e5, e6, e7, e9];

/** When the tied events happen: after the known ones, all at the same nanosecond. */
export const TIE_AT = T0 + 100_000n;

/**
 * `count` events at one instant, sharing a correlation, an AST node and a
 * service: paging through them proves cursors break ties (by seq, absent
 * first, then event_id) without gap or repeat. Some share a seq, some have
 * none, ids are inserted out of order.
 */
export function tiedEvents(count: number): TemporalEvent[] {
  const events: TemporalEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const e: TemporalEvent = {
      event_id: `tie-${String((i * 7919) % count).padStart(4, '0')}`,
      timestamp: TIE_AT,
      event_type: 'log',
      correlation_id: 'c-ties',
      ast_node_id: 'ties.ts:1:1',
      service: 'ties',
      timestamp_inferred: false,
      data: { i },
    };
    if (i % 5 !== 0) e.seq = i % 3;
    events.push(e);
  }
  return events;
}

/** The API's order: timestamp, then seq (absent first), then event_id. */
export function apiOrder(a: TemporalEvent, b: TemporalEvent): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  const sa = a.seq ?? -1;
  const sb = b.seq ?? -1;
  if (sa !== sb) return sa - sb;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}
