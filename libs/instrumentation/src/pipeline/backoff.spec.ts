import { describe, expect, it } from 'vitest';

import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles up to the bound, with half of each wait random', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0);
    const high = new Backoff({ initialMs: 100, maxMs: 1_000 }, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 50].map((n) => low.delay(n))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 50].map((n) => high.delay(n))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});
