import { describe, expect, it } from 'vitest';

import { CounterIdGenerator, isValidId } from './ids';

describe('CounterIdGenerator', () => {
  it('gives <prefix>-<counter in base 36>, across the table boundaries of the last two digits', () => {
    const ids = new CounterIdGenerator();
    const first = ids.next();
    const prefix = first.slice(0, first.indexOf('-') + 1);
    expect(prefix).toMatch(/^[0-9a-f]{16}-$/);
    expect(first).toBe(`${prefix}1`);
    for (let n = 2; n <= 36 ** 3 + 5; n += 1) {
      const id = ids.next();
      if (id !== prefix + n.toString(36)) expect(id).toBe(prefix + n.toString(36));
    }
    expect(isValidId(ids.next())).toBe(true);
  });

  it('draws a fresh prefix per generator', () => {
    expect(new CounterIdGenerator().next()).not.toBe(new CounterIdGenerator().next());
  });
});
