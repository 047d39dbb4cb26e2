import { describe, expect, it } from 'vitest';

import type { SerializedEvent, TemporalEvent } from './event';
import { parseEvent } from './parse-event';
import { deserializeEvent, serializeEvent } from './serialize-event';

describe('serializeEvent / deserializeEvent', () => {
  const event: TemporalEvent = {
    event_id: 'e-1',
    timestamp: 9_007_199_254_740_993n,
    event_type: 'function_exit',
    correlation_id: 'c-1',
    trace_id: 't',
    data: { result: 1 },
    timestamp_inferred: true,
    duration_ns: 12_345_678_901_234n,
    linked_event_id: 'e-0',
  };

  it('writes nanoseconds as decimal strings and omits absent fields', () => {
    const json = serializeEvent(event);
    expect(json).toEqual({
      event_id: 'e-1',
      timestamp: '9007199254740993',
      event_type: 'function_exit',
      correlation_id: 'c-1',
      trace_id: 't',
      data: { result: 1 },
      timestamp_inferred: true,
      duration_ns: '12345678901234',
      linked_event_id: 'e-0',
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('round-trips exactly', () => {
    expect(deserializeEvent(JSON.parse(JSON.stringify(serializeEvent(event))) as SerializedEvent)).toEqual(event);
  });

  it('produces what parseEvent accepts (the SDK publishes this form)', () => {
    const result = parseEvent(JSON.parse(JSON.stringify(serializeEvent(event))));
    expect(result.ok && result.event.timestamp).toBe(event.timestamp);
  });
});
