import { describe, expect, it } from 'vitest';

import { EventDataBuilder } from '../capture/event-data.builder';
import { Redactor } from '../capture/redactor';
import { FastArgs } from './fast-args';

const node = { astNodeId: 'a.ts:f:function', module: 'a.ts', fn: 'f', entryData: {}, generator: false };
const limits = { maxStringLength: 16, maxDepth: 8, maxItems: 100, maxDataBytes: 65_536 };
const general = new EventDataBuilder(limits, new Redactor());
const fast = new FastArgs(limits.maxStringLength, limits.maxDataBytes);

describe('FastArgs', () => {
  it('gives exactly what the capture rules give for plain primitives', () => {
    const args = [1, -0.5, true, null, undefined, 'short', ''];
    const expected = general.entry('a.ts', 'f', [...args]);
    expect(expected['args']).toEqual([1, -0.5, true, null, null, 'short', '']);
    expect(fast.entry(node, args)).toEqual(expected);
  });

  it.each([
    ['an object', [{ password: 'x' }]],
    ['a string over maxStringLength', ['x'.repeat(17)]],
    ['a lone surrogate', ['\ud800']],
    ['NaN', [Number.NaN]],
    ['a bigint', [1n]],
    ['a function', [() => 1]],
    ['too many arguments', new Array(17).fill(1)],
  ])('leaves %s to the capture rules', (_what, args: unknown[]) => {
    expect(fast.entry(node, args)).toBeUndefined();
  });
});
