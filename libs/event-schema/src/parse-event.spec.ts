import { describe, expect, it } from 'vitest';

import { DEFAULT_MAX_DATA_BYTES, MAX_DATA_DEPTH } from './event';
import { jsonTextOf } from './json-value';
import { parseEvent, parseEventJson, type ParseResult } from './parse-event';

const valid = {
  event_id: 'e-1',
  timestamp: '1764000000123456789',
  event_type: 'function_entry',
  correlation_id: 'c-1',
  parent_id: 'c-0',
  trace_id: 't-1',
  ast_node_id: 'src/orders.ts:12:3',
  service: 'orders',
  instance: 'orders-7f9',
  seq: 42,
  data: { module: 'orders', function: 'placeOrder', args: [1, 'two', { three: 3 }] },
};

function problemsOf(result: ParseResult): Array<{ field: string; reason: string }> {
  if (result.ok) throw new Error(`expected problems, got event ${result.event.event_id}`);
  return result.problems;
}

function fieldsOf(result: ParseResult): string[] {
  return problemsOf(result).map((p) => p.field);
}

describe('parseEvent', () => {
  it('accepts a complete event and keeps every field, timestamp as exact bigint', () => {
    const result = parseEvent(valid);
    expect(result).toEqual({
      ok: true,
      event: { ...valid, timestamp: 1764000000123456789n, timestamp_inferred: false },
    });
  });

  it('accepts a JSON number timestamp when it is a safe integer', () => {
    const result = parseEvent({ ...valid, timestamp: 1_764_000_000_123 });
    expect(result.ok && result.event.timestamp).toBe(1_764_000_000_123n);
  });

  it('rejects a JSON number timestamp beyond 2^53, asking for a decimal string', () => {
    const problems = problemsOf(parseEvent({ ...valid, timestamp: 2 ** 53 + 2 }));
    expect(problems).toEqual([{ field: 'timestamp', reason: expect.stringContaining('decimal string') as string }]);
  });

  it.each([
    ['negative string', '-5'],
    ['fraction string', '1.5'],
    ['exponent string', '1e18'],
    ['beyond int64', '9223372036854775808'],
    ['empty', ''],
    ['ISO without a zone', '2026-11-24T10:00:00'],
    ['ISO with a 10-digit fraction', '2026-11-24T10:00:00.1234567891Z'],
    ['ISO on February 30', '2026-02-30T10:00:00Z'],
    ['negative number', -1],
    ['fraction number', 1.5],
    ['boolean', true],
    ['object', {}],
  ])('rejects timestamp: %s', (_label, timestamp) => {
    expect(fieldsOf(parseEvent({ ...valid, timestamp }))).toEqual(['timestamp']);
  });

  it('accepts a bigint timestamp from in-process producers, within int64', () => {
    const result = parseEvent({ ...valid, timestamp: 1764000000123456789n });
    expect(result.ok && result.event.timestamp).toBe(1764000000123456789n);
    expect(fieldsOf(parseEvent({ ...valid, timestamp: -1n }))).toEqual(['timestamp']);
    expect(fieldsOf(parseEvent({ ...valid, timestamp: 2n ** 63n }))).toEqual(['timestamp']);
  });

  it('accepts the largest int64 timestamp', () => {
    const result = parseEvent({ ...valid, timestamp: '9223372036854775807' });
    expect(result.ok && result.event.timestamp).toBe(2n ** 63n - 1n);
  });

  it('fills a missing timestamp with the receive time and marks it inferred', () => {
    const { timestamp: _dropped, ...rest } = valid;
    const result = parseEvent(rest, { receivedAt: 99n });
    expect(result.ok && [result.event.timestamp, result.event.timestamp_inferred]).toEqual([99n, true]);
  });

  it('reads the clock for a missing timestamp when no receive time is given', () => {
    const { timestamp: _dropped, ...rest } = valid;
    const result = parseEvent(rest, { clock: { nowNanos: () => 7n } });
    expect(result.ok && result.event.timestamp).toBe(7n);
  });

  it('uses the deterministic fallback id for a missing event_id, and requires one otherwise', () => {
    const { event_id: _dropped, ...rest } = valid;
    const withFallback = parseEvent(rest, { fallbackEventId: 'kafka:events/3/1200' });
    expect(withFallback.ok && withFallback.event.event_id).toBe('kafka:events/3/1200');
    expect(fieldsOf(parseEvent(rest))).toEqual(['event_id']);
  });

  it('calls a fallback id function only for an event without event_id', () => {
    const { event_id: _dropped, ...rest } = valid;
    const calls: string[] = [];
    const fallback = (): string => {
      calls.push('called');
      return 'http:hash';
    };
    const kept = parseEvent(valid, { fallbackEventId: fallback });
    expect(kept.ok && kept.event.event_id).toBe(valid.event_id);
    expect(calls).toEqual([]);
    const filled = parseEvent(rest, { fallbackEventId: fallback });
    expect(filled.ok && filled.event.event_id).toBe('http:hash');
    expect(calls).toEqual(['called']);
  });

  it.each([
    ['missing event_type', { event_type: undefined }, 'event_type'],
    ['upper-case event_type', { event_type: 'FunctionEntry' }, 'event_type'],
    ['event_type starting with a digit', { event_type: '1abc' }, 'event_type'],
    ['event_type of 65 chars', { event_type: `a${'b'.repeat(64)}` }, 'event_type'],
    ['missing correlation_id', { correlation_id: undefined }, 'correlation_id'],
    ['empty correlation_id', { correlation_id: '' }, 'correlation_id'],
    ['numeric correlation_id', { correlation_id: 12 }, 'correlation_id'],
    ['event_id of 129 chars', { event_id: 'x'.repeat(129) }, 'event_id'],
    ['event_id with a newline', { event_id: 'a\nb' }, 'event_id'],
    ['parent_id null', { parent_id: null }, 'parent_id'],
    ['trace_id array', { trace_id: ['t'] }, 'trace_id'],
    ['ast_node_id object', { ast_node_id: { id: 1 } }, 'ast_node_id'],
    ['service number', { service: 5 }, 'service'],
    ['instance with lone surrogate', { instance: 'a\ud800b' }, 'instance'],
    ['seq negative', { seq: -1 }, 'seq'],
    ['seq fraction', { seq: 1.5 }, 'seq'],
    ['seq beyond 2^53', { seq: 2 ** 53 + 2 }, 'seq'],
    ['seq string', { seq: '5' }, 'seq'],
    ['data array', { data: [1, 2] }, 'data'],
    ['data string', { data: 'x' }, 'data'],
    ['data null', { data: null }, 'data'],
    ['unsupported schema_version', { schema_version: 2 }, 'schema_version'],
  ])('rejects %s, naming the field', (_label, patch, field) => {
    expect(fieldsOf(parseEvent({ ...valid, ...patch }))).toEqual([field]);
  });

  it('accepts any event type matching the pattern, well-known or not', () => {
    const result = parseEvent({ ...valid, event_type: 'http.request:v2-b_c', data: undefined });
    expect(result.ok && result.event.event_type).toBe('http.request:v2-b_c');
  });

  it('accepts schema_version 1 and ignores unknown fields', () => {
    const result = parseEvent({ ...valid, schema_version: 1, future_field: { x: 1 } });
    expect(result.ok && Object.keys(result.event)).not.toContain('future_field');
  });

  it('never takes derived fields from producers', () => {
    const result = parseEvent({ ...valid, duration_ns: '5', linked_event_id: 'x', timestamp_inferred: true });
    expect(
      result.ok && [result.event.duration_ns, result.event.linked_event_id, result.event.timestamp_inferred],
    ).toEqual([undefined, undefined, false]);
  });

  it('reports every problem at once', () => {
    const fields = fieldsOf(parseEvent({ event_type: 'X', correlation_id: 3, seq: 'a' }));
    expect(fields.sort()).toEqual(['correlation_id', 'event_type', 'seq']);
  });

  it.each([null, [], 'event', 42, undefined])('rejects a non-object event (%j)', (input) => {
    expect(fieldsOf(parseEvent(input))).toEqual(['(event)']);
  });

  describe('well-known data shapes', () => {
    const base = { event_id: 'e', correlation_id: 'c', timestamp: '1' };
    it.each([
      ['state_change', { state: { cart: 3 } }, true],
      ['state_change', { state: 5 }, false],
      ['state_change', undefined, false],
      ['variable_snapshot', { variables: { x: 1 } }, true],
      ['variable_snapshot', { vars: {} }, false],
      ['message_send', { message_id: 'm-1', to: 'b' }, true],
      ['message_receive', { message_id: '' }, false],
      ['message_receive', { message_id: 7 }, false],
      ['function_entry', { module: 'm', function: 'f' }, true],
      ['function_entry', undefined, true],
      ['function_entry', { module: 1 }, false],
      ['function_exit', { result: { any: 'thing' } }, true],
      ['error', { message: 'boom' }, true],
    ])('%s with data %j valid: %s', (event_type, data, ok) => {
      expect(parseEvent({ ...base, event_type, data }).ok).toBe(ok);
    });
  });

  describe('hostile data', () => {
    it('rejects data above the size limit, and honours a configured limit', () => {
      const big = { state: { blob: 'x'.repeat(DEFAULT_MAX_DATA_BYTES) } };
      const problems = problemsOf(parseEvent({ ...valid, event_type: 'state_change', data: big }));
      expect(problems[0]?.reason).toMatch(/above the 65536-byte limit/);
      expect(parseEvent({ ...valid, data: { s: 'x'.repeat(100) } }, { maxDataBytes: 50 }).ok).toBe(false);
      expect(parseEvent({ ...valid, data: { s: 'x'.repeat(100) } }, { maxDataBytes: 500 }).ok).toBe(true);
    });

    it('counts bytes, not characters', () => {
      const data = { s: '\u00e9'.repeat(40) }; // 80 bytes of UTF-8 in 40 characters
      expect(parseEvent({ ...valid, data }, { maxDataBytes: 60 }).ok).toBe(false);
    });

    it('rejects a 1 MB string id without echoing it back', () => {
      const problems = problemsOf(parseEvent({ ...valid, correlation_id: 'y'.repeat(1_000_000) }));
      expect(problems).toHaveLength(1);
      expect(problems[0]!.reason.length).toBeLessThan(200);
    });

    it(`rejects nesting deeper than ${MAX_DATA_DEPTH} levels without overflowing the stack`, () => {
      let deep: Record<string, unknown> = {};
      const root = deep;
      for (let i = 0; i < 100_000; i += 1) {
        const next = {};
        deep['n'] = next;
        deep = next;
      }
      const problems = problemsOf(parseEvent({ ...valid, data: root }));
      expect(problems[0]?.reason).toMatch(/nested deeper/);
    });

    it('accepts nesting up to the limit', () => {
      let data: Record<string, unknown> = { leaf: 1 };
      for (let i = 1; i < MAX_DATA_DEPTH; i += 1) data = { n: data };
      expect(parseEvent({ ...valid, data }).ok).toBe(true);
    });

    it('rejects cyclic data (in-process producers can hand over any object)', () => {
      const data: Record<string, unknown> = { a: 1 };
      data['self'] = data;
      expect(problemsOf(parseEvent({ ...valid, data }))[0]?.reason).toMatch(/cyclic/);
    });

    it('rejects __proto__ keys at any depth, from JSON text or objects', () => {
      const fromJson = parseEventJson(
        JSON.stringify({ ...valid, data: { a: { b: 1 } } }).replace('"b":1', '"__proto__":{"polluted":true}'),
      );
      expect(fieldsOf(fromJson)).toEqual(['data.a.__proto__']);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it('ignores a top-level __proto__ key and pollutes nothing', () => {
      const result = parseEventJson(JSON.stringify(valid).replace('{', '{"__proto__":{"polluted":true},'));
      expect(result.ok).toBe(true);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });

    it.each([
      ['bigint', 1n],
      ['function', () => 1],
      ['symbol', Symbol('s')],
      ['undefined', undefined],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['Date', new Date(0)],
      ['Map', new Map()],
      ['lone surrogate', 'a\udc00'],
    ])('rejects a non-JSON value in data: %s', (_label, value) => {
      const result = parseEvent({ ...valid, data: { nested: [{ value }] } });
      expect(fieldsOf(result)).toEqual(['data.nested[0].value']);
    });

    it('keeps integers beyond 2^53 in data only as exactly as JSON numbers allow (send them as strings)', () => {
      const result = parseEventJson(JSON.stringify({ ...valid, data: { big: '9007199254740993' } }));
      expect(result.ok && result.event.data?.['big']).toBe('9007199254740993');
    });
  });
});

describe('parseEventJson', () => {
  it('parses a UTF-8 buffer', () => {
    const result = parseEventJson(Buffer.from(JSON.stringify({ ...valid, data: { s: 'h\u00e9llo \u{1f600}' } })));
    expect(result.ok && result.event.data?.['s']).toBe('h\u00e9llo \u{1f600}');
  });

  it('rejects bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"event_type":"log","x":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect(problemsOf(parseEventJson(bytes))).toEqual([{ field: '(event)', reason: 'event is not valid UTF-8' }]);
  });

  it('rejects text that is not JSON, saying so', () => {
    expect(problemsOf(parseEventJson('{"event_type": '))[0]?.reason).toMatch(/^event is not JSON/);
  });

  it('rejects an oversized message before parsing it', () => {
    const huge = JSON.stringify({ ...valid, data: { s: 'x'.repeat(1_000_000) } });
    expect(problemsOf(parseEventJson(huge))[0]?.reason).toMatch(/above the \d+-byte limit/);
  });
});

describe('the data text kept for the row encoder (jsonTextOf)', () => {
  it('is the JSON of data as validated, invisible in the data object', () => {
    const result = parseEventJson(JSON.stringify(valid));
    const data = result.ok ? result.event.data : undefined;
    expect(data).toEqual(valid.data);
    expect(Object.getOwnPropertySymbols(data)).toEqual([]);
    expect(jsonTextOf(data!)).toBe(JSON.stringify(valid.data));
  });

  it('follows a data object validated again after a change, and a frozen one', () => {
    const data: Record<string, unknown> = { module: 'orders' };
    parseEvent({ ...valid, data });
    data['function'] = 'placeOrder';
    parseEvent({ ...valid, data });
    expect(jsonTextOf(data)).toBe('{"module":"orders","function":"placeOrder"}');
    const frozen = Object.freeze({ module: 'frozen' });
    expect(parseEvent({ ...valid, data: frozen }).ok).toBe(true);
    expect(jsonTextOf(frozen)).toBe('{"module":"frozen"}');
  });
});
