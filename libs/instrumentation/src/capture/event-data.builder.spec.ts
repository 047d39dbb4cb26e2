import { DEFAULT_MAX_DATA_BYTES, parseEvent, type JsonObject } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { EventDataBuilder, type DataLimits } from './event-data.builder';
import { Redactor } from './redactor';
import { TRUNCATED_KEY } from './value-capturer';

const LIMITS: DataLimits = {
  maxStringLength: 100_000,
  maxDepth: 8,
  maxItems: 10_000,
  maxDataBytes: DEFAULT_MAX_DATA_BYTES,
};

function bytes(data: JsonObject): number {
  return Buffer.byteLength(JSON.stringify(data), 'utf8');
}

/** The bridge's own check: the event with this data parses. */
function expectAccepted(eventType: string, data: JsonObject): void {
  const result = parseEvent({ event_id: 'e', event_type: eventType, correlation_id: 'c', data });
  expect(result.ok ? [] : result.problems).toEqual([]);
}

describe('EventDataBuilder', () => {
  const builder = new EventDataBuilder(LIMITS, new Redactor());

  it('builds the well-known shapes', () => {
    expect(builder.entry('cart', 'add', [1, { sku: 'x' }])).toEqual({
      module: 'cart',
      function: 'add',
      args: [1, { sku: 'x' }],
    });
    expect(builder.entry('cart', 'add', undefined)).toEqual({ module: 'cart', function: 'add' });
    expect(builder.exit(false, 'ignored', false, undefined)).toBeUndefined();
    expect(builder.exit(true, 42, false, undefined)).toEqual({ result: 42 });
    expect(builder.exit(false, undefined, true, 'plain throw')).toEqual({ error: 'plain throw' });
    expect(builder.snapshot('state', { a: 1 })).toEqual({ state: { a: 1 } });
    expect(builder.snapshot('variables', 'not an object')).toEqual({ variables: { value: 'not an object' } });
    expect(builder.message('m-1', { to: 'svc', message_id: 'spoofed' })).toEqual({ message_id: 'm-1', to: 'svc' });
    expect(builder.log('warn', 'careful', { toString: 'kept' })).toEqual({
      level: 'warn',
      message: 'careful',
      toString: 'kept',
    });
  });

  it.each([
    ['ASCII', 'x'],
    ['escape-heavy (6 bytes each on the wire)', '\u0001'],
    ['3-byte UTF-8', '€'],
    ['4-byte UTF-8 pairs', '😀'],
  ])('keeps %s data under the wire limit, and keeps the shape', (_name, unit) => {
    const huge = unit.repeat(200_000);
    const cases: Array<[string, JsonObject]> = [
      ['state_change', builder.snapshot('state', { a: huge, b: [huge, huge], c: { d: huge } })],
      [
        'variable_snapshot',
        builder.snapshot(
          'variables',
          Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`v${i}`, unit.repeat(500)])),
        ),
      ],
      ['function_entry', builder.entry('mod', 'fn', [huge, huge])],
      ['function_exit', builder.exit(true, { huge }, false, undefined)!],
      ['message_send', builder.message('msg-1', { body: huge })],
      ['error', builder.error(new Error(huge), { huge })],
      ['log', builder.log('info', huge, { huge })],
    ];
    for (const [eventType, data] of cases) {
      expect(bytes(data), eventType).toBeLessThanOrEqual(DEFAULT_MAX_DATA_BYTES);
      expectAccepted(eventType, data);
    }
    const entry = cases[2]![1];
    expect([entry['module'], entry['function']]).toEqual(['mod', 'fn']);
    expect(cases[4]![1]['message_id']).toBe('msg-1');
  });

  it('marks data it had to shrink', () => {
    const data = builder.snapshot('state', { s: '\u0001'.repeat(60_000) });
    expect(data[TRUNCATED_KEY]).toMatch(/^data was \d+ bytes serialized, above the 65536-byte limit$/);
    expect(typeof data['state']).toBe('object');
  });

  it('leaves data that fits alone, even near the limit', () => {
    const data = builder.snapshot('state', { s: 'x'.repeat(60_000) });
    expect((data['state'] as JsonObject)['s']).toBe('x'.repeat(60_000));
    expect(data[TRUNCATED_KEY]).toBeUndefined();
  });

  it('honours a smaller configured limit', () => {
    const small = new EventDataBuilder({ ...LIMITS, maxDataBytes: 4096 }, new Redactor());
    const data = small.snapshot('state', {
      rows: Array.from({ length: 5_000 }, (_, i) => ({ i, text: 'é\u0002'.repeat(20) })),
    });
    expect(bytes(data)).toBeLessThanOrEqual(4096);
    expect(
      parseEvent({ event_id: 'e', event_type: 'state_change', correlation_id: 'c', data }, { maxDataBytes: 4096 }).ok,
    ).toBe(true);
  });

  it('gives a getter that emits while being captured its own capturer', () => {
    let inner: JsonObject | undefined;
    const value = {
      get reentrant(): string {
        inner = builder.snapshot('state', { nested: true });
        return 'outer value';
      },
      after: 1,
    };
    expect(builder.snapshot('state', value)).toEqual({ state: { reentrant: 'outer value', after: 1 } });
    expect(inner).toEqual({ state: { nested: true } });
  });
});
