import { describe, expect, it } from 'vitest';

import { orderKeyOf, rowToEvent, type EventRow } from './event-row';

const base: EventRow = {
  timestamp: '1795476189460000001',
  seq: '-1',
  event_id: 'e1',
  event_type: 'log',
  correlation_id: 'c1',
  parent_id: '',
  trace_id: '',
  ast_node_id: '',
  service: '',
  instance: '',
  data: '',
  timestamp_inferred: false,
  duration_ns: null,
  linked_event_id: '',
};

describe('rowToEvent', () => {
  it('leaves absent optional fields absent (not empty, not null)', () => {
    const event = rowToEvent(base);
    expect(event).toStrictEqual({
      event_id: 'e1',
      timestamp: 1795476189460000001n,
      event_type: 'log',
      correlation_id: 'c1',
      timestamp_inferred: false,
    });
    expect(Object.keys(event)).not.toContain('seq');
  });

  it('reads every field, nanoseconds as exact bigints', () => {
    const event = rowToEvent({
      ...base,
      timestamp: '9223372036854775807',
      seq: '0',
      parent_id: 'c0',
      trace_id: 't1',
      ast_node_id: 'src/a.ts:1:1',
      service: 'orders',
      instance: 'orders-1',
      data: '{"state":{"k":[1,2.5,"x"]}}',
      timestamp_inferred: true,
      duration_ns: '-5',
      linked_event_id: 'e0',
    });
    expect(event).toStrictEqual({
      event_id: 'e1',
      timestamp: 9223372036854775807n,
      event_type: 'log',
      correlation_id: 'c1',
      parent_id: 'c0',
      trace_id: 't1',
      ast_node_id: 'src/a.ts:1:1',
      service: 'orders',
      instance: 'orders-1',
      seq: 0,
      data: { state: { k: [1, 2.5, 'x'] } },
      timestamp_inferred: true,
      duration_ns: -5n,
      linked_event_id: 'e0',
    });
  });

  it('keeps an empty data object apart from absent data', () => {
    expect(rowToEvent({ ...base, data: '{}' }).data).toEqual({});
  });
});

describe('orderKeyOf', () => {
  it('stores an absent seq as -1 so that it sorts first', () => {
    expect(orderKeyOf(rowToEvent(base))).toEqual({ timestamp: 1795476189460000001n, seq: -1, event_id: 'e1' });
  });
});
