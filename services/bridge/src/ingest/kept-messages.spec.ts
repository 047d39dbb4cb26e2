import { describe, expect, it } from 'vitest';

import { KeptMessages } from './kept-messages';

describe('KeptMessages', () => {
  it('keeps keys, values, offsets and headers as read, in a copy that does not share the fetch response', () => {
    // One response buffer, sliced as kafkajs slices it.
    const response = Buffer.from('k1{"a":1}{"b":2}hv');
    const messages = [
      { key: response.subarray(0, 2), value: response.subarray(2, 9), offset: '10', headers: {} },
      { key: null, value: response.subarray(9, 16), offset: '11', headers: { h: response.subarray(16, 18) } },
      { key: null, value: null, offset: '12' },
    ];
    const kept = new KeptMessages(messages);
    response.fill(0);

    expect(kept.length).toBe(3);
    const first = kept.message(0);
    expect(first.key?.toString()).toBe('k1');
    expect(first.value?.toString()).toBe('{"a":1}');
    expect(first.value?.buffer).not.toBe(response.buffer);
    expect(kept.message(1)).toMatchObject({ key: null, offset: '11' });
    expect(kept.message(1).value?.toString()).toBe('{"b":2}');
    expect(String(kept.message(1).headers?.['h'])).toBe('hv');
    expect(kept.message(2)).toEqual({ key: null, value: null, offset: '12', headers: undefined });
    expect(kept.offset(2)).toBe('12');
  });
});
