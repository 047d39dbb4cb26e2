import { describe, expect, it } from 'vitest';

import { readUrlState, writeUrlState } from './url-state';

describe('URL state', () => {
  it('round-trips window, trace, service, cursor, event and live', () => {
    const state = {
      from: 1_796_000_000_000_000_000n,
      to: 1_796_000_001_000_000_000n,
      trace: 'T 1/ä',
      service: 'shop',
      at: 1_796_000_000_500_000_000n,
      event: 'e:1',
      live: true,
    };
    const search = writeUrlState(state);
    expect(readUrlState(search)).toEqual({ state, problems: [] });
  });

  it('accepts ISO instants in links and reports values that are not times', () => {
    const { state, problems } = readUrlState('?at=2026-11-30T08:13:20Z&from=soon&to=1796000000000000000');
    expect(state.at).toBe(1_796_026_400_000_000_000n);
    expect(state.from).toBeUndefined();
    expect(problems).toEqual(['from: "soon" is not a time (nanoseconds, ISO-8601 or "5 minutes ago")']);
  });

  it('swaps a window given backwards, and says so', () => {
    const { state, problems } = readUrlState('?from=20&to=10');
    expect([state.from, state.to]).toEqual([10n, 20n]);
    expect(problems).toHaveLength(1);
  });

  it('holds nothing for an empty view', () => {
    expect(writeUrlState({})).toBe('');
  });
});
