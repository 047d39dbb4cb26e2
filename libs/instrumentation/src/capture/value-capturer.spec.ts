import { jsonProblems } from '@temporal-bridge/event-schema';
import { describe, expect, it } from 'vitest';

import { Redactor } from './redactor';
import { ValueCapturer, type CaptureLimits } from './value-capturer';

const LIMITS: CaptureLimits = { maxStringLength: 64, maxDepth: 4, maxItems: 5 };

function capture(value: unknown, limits: CaptureLimits = LIMITS): unknown {
  const capturer = new ValueCapturer(limits, new Redactor());
  capturer.begin(64 * 1024);
  const out = capturer.value(value, 0);
  // Whatever went in, what comes out is JSON event-schema accepts.
  expect(jsonProblems({ out }, 'data')).toEqual([]);
  return out;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('ValueCapturer', () => {
  it('keeps JSON values as they are', () => {
    expect(capture({ a: 1, b: 'two', c: [true, null], d: { e: -0.5 } })).toEqual({
      a: 1,
      b: 'two',
      c: [true, null],
      d: { e: -0.5 },
    });
  });

  it('turns non-JSON scalars into text: BigInt as decimal, symbols, functions, NaN, undefined', () => {
    expect(capture(12345678901234567890n)).toBe('12345678901234567890');
    expect(capture(Symbol('s'))).toBe('Symbol(s)');
    expect(capture(function named() {})).toBe('[Function named]');
    expect(capture(() => 1)).toBe('[Function anonymous]');
    expect(capture(Number.NaN)).toBe('NaN');
    expect(capture(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(capture([undefined, 1])).toEqual([null, 1]);
  });

  it('cuts cycles, at any depth, without losing the rest', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    a['list'] = [a, { back: a }];
    expect(capture(a)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]', { back: '[Circular]' }] });
  });

  it('repeats a shared (non-cyclic) object instead of calling it circular', () => {
    const shared = { v: 1 };
    expect(capture({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it('captures Map as an object, Set as an array, Date as ISO text', () => {
    const map = new Map<unknown, unknown>([
      ['k', 1],
      [2, 'two'],
      [{ o: 1 }, 'object key'],
    ]);
    expect(capture(map)).toEqual({ k: 1, '2': 'two', '[Object]': 'object key' });
    expect(capture(new Set([1, 'a']))).toEqual([1, 'a']);
    expect(capture(new Date('2026-11-24T10:00:00.000Z'))).toBe('2026-11-24T10:00:00.000Z');
    expect(capture(new Date(Number.NaN))).toBe('Invalid Date');
  });

  it('summarises binary data: Buffer, typed arrays, ArrayBuffer', () => {
    expect(capture(Buffer.from('hello'))).toBe('[Buffer 5 bytes 68656c6c6f]');
    expect(capture(new Uint16Array([1, 2]))).toBe('[Uint16Array 4 bytes 01000200]');
    const big = capture(Buffer.alloc(1_000_000, 0xab)) as string;
    expect(big).toMatch(/^\[Buffer 1000000 bytes (ab){16}…\]$/);
    expect(capture(new ArrayBuffer(3))).toBe('[ArrayBuffer 3 bytes 000000]');
  });

  it('captures Errors with name, message, stack, code and cause', () => {
    const cause = new TypeError('inner');
    const error = Object.assign(new Error('outer', { cause }), { code: 'E_OUT' });
    const out = capture(error, { ...LIMITS, maxStringLength: 10_000 }) as Record<string, unknown>;
    expect(out['name']).toBe('Error');
    expect(out['message']).toBe('outer');
    expect(out['code']).toBe('E_OUT');
    expect(String(out['stack'])).toContain('outer');
    expect((out['cause'] as Record<string, unknown>)['message']).toBe('inner');
  });

  it('captures class instances by their own fields, and uses toJSON when there is one', () => {
    expect(capture(new Point(1, 2))).toEqual({ x: 1, y: 2 });
    expect(capture({ when: { toJSON: () => 'custom' } })).toEqual({ when: 'custom' });
    const selfish = {
      toJSON(): unknown {
        return this;
      },
    };
    expect(capture(selfish)).toEqual({ toJSON: '[Function toJSON]' });
  });

  it('captures an instance whose prototype has enumerable methods by its own fields only, counting the rest', () => {
    // The old-style class of acorn and many CommonJS libraries: `Parser.prototype.x = function`.
    function Old(this: Record<string, number>): void {
      for (let i = 0; i < 7; i += 1) this[`f${i}`] = i;
    }
    (Old.prototype as Record<string, unknown>)['method'] = (): number => 1;
    (Old.prototype as Record<string, unknown>)['shared'] = 42;
    const old = new (Old as unknown as new () => object)();
    expect(capture(old)).toEqual({ f0: 0, f1: 1, f2: 2, f3: 3, f4: 4, '[truncated]': '2 more keys' });
    expect(capture(old, { ...LIMITS, maxItems: 10 })).toEqual({ f0: 0, f1: 1, f2: 2, f3: 3, f4: 4, f5: 5, f6: 6 });
  });

  it('survives getters, proxies and toJSON that throw', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys for you');
        },
      },
    );
    const getter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter failed');
      },
    });
    expect(
      capture({
        trap,
        getter,
        json: {
          toJSON: () => {
            throw new Error('nope');
          },
        },
      }),
    ).toEqual({
      trap: { '[truncated]': '[Thrown: no keys for you]' },
      getter: { boom: '[Thrown: getter failed]' },
      json: '[Thrown: nope]',
    });
  });

  it('cuts long strings and keys, and says how much was cut', () => {
    const out = capture({ ['k'.repeat(100)]: 'x'.repeat(1_000_000) }) as Record<string, string>;
    const [key, value] = Object.entries(out)[0]!;
    expect(key).toBe(`${'k'.repeat(64)}…[36 more chars]`);
    expect(value).toBe(`${'x'.repeat(64)}…[999936 more chars]`);
  });

  it('repairs lone surrogates, including one left by a cut through a pair', () => {
    expect(capture('a\ud800b')).toBe('a\ufffdb');
    const emoji = `${'x'.repeat(63)}😀`; // the cut at 64 falls inside the pair
    expect((capture(emoji) as string).isWellFormed()).toBe(true);
  });

  it('summarises nesting deeper than maxDepth, and hostile nesting never overflows', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i += 1) deep = { next: deep };
    expect(capture(deep)).toEqual({ next: { next: { next: { next: '[Object]' } } } });
    expect(capture([[[[[1]]]]])).toEqual([[[['[Array(1)]']]]]);
  });

  it('keeps maxItems entries and counts the rest', () => {
    expect(capture([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 2, 3, 4, 5, '[+2 more items]']);
    expect(capture(new Set([1, 2, 3, 4, 5, 6]))).toEqual([1, 2, 3, 4, 5, '[+1 more items]']);
    const wide = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i]));
    expect(capture(wide)).toEqual({ k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, '[truncated]': '3 more keys' });
  });

  it('renames a __proto__ key instead of setting a prototype', () => {
    const out = capture(JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ '[__proto__]': { polluted: true }, ok: 1 });
  });

  it('stops spending once the byte budget is used up', () => {
    const capturer = new ValueCapturer({ maxStringLength: 100, maxDepth: 8, maxItems: 10_000 }, new Redactor());
    capturer.begin(1_000);
    const out = capturer.value(
      Array.from({ length: 1_000 }, () => 'y'.repeat(50)),
      0,
    ) as unknown[];
    expect(out.length).toBeLessThan(30);
    expect(out.at(-1)).toMatch(/^\[\+\d+ more items\]$/);
    expect(JSON.stringify(out).length).toBeLessThan(1_500);
  });
});
