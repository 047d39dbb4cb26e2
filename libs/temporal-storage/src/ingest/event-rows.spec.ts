import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../errors';
import { encodeEventRows, escapeTsv, EVENT_INSERT_COLUMNS } from './event-rows';

const minimal: TemporalEvent = {
  event_id: 'e1',
  timestamp: 1795476189460000001n,
  event_type: 'log',
  correlation_id: 'c1',
  timestamp_inferred: false,
};

describe('escapeTsv', () => {
  it('escapes backslash, tab and line breaks, and nothing else', () => {
    expect(escapeTsv('plain "text" é')).toBe('plain "text" é');
    expect(escapeTsv('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });
});

describe('encodeEventRows', () => {
  it('writes one line per event, one field per column, absent values as empty / -1 / NULL', () => {
    const text = encodeEventRows([minimal]);
    expect(text.endsWith('\n')).toBe(true);
    const fields = text.slice(0, -1).split('\t');
    expect(fields).toHaveLength(EVENT_INSERT_COLUMNS.length);
    expect(Object.fromEntries(EVENT_INSERT_COLUMNS.map((c, i) => [c, fields[i]]))).toEqual({
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
      timestamp_inferred: 'false',
      duration_ns: '\\N',
      linked_event_id: '',
    });
  });

  it('escapes the JSON of data so a string with a tab or backslash stays one field', () => {
    const text = encodeEventRows([{ ...minimal, data: { msg: 'a\tb\\c' }, seq: 7, duration_ns: -3n }]);
    const fields = text.slice(0, -1).split('\t');
    expect(fields).toHaveLength(EVENT_INSERT_COLUMNS.length);
    expect(fields[10]).toBe('{"msg":"a\\\\tb\\\\\\\\c"}');
    expect(fields[1]).toBe('7');
    expect(fields[12]).toBe('-3');
  });

  it.each([
    ['a number timestamp', { timestamp: 5 as unknown as bigint }],
    ['a negative timestamp', { timestamp: -1n }],
    ['a timestamp beyond int64', { timestamp: 2n ** 63n }],
    ['an empty event_id', { event_id: '' }],
    ['an empty optional id', { trace_id: '' }],
    ['a fractional seq', { seq: 1.5 }],
    ['an array as data', { data: [] as unknown as TemporalEvent['data'] }],
  ])('refuses %s with InvalidArgumentError', (_name, change) => {
    expect(() => encodeEventRows([{ ...minimal, ...change }])).toThrow(InvalidArgumentError);
  });
});
