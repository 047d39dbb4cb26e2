import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { DEFAULT_QUERY_LIMITS } from '../api/query-api.options';
import { eventsRangeQuery, pageQuery } from '../events/events.schema';
import { describeIssues } from './describe-issues';

const limits = { ...DEFAULT_QUERY_LIMITS, maxResultRows: 500, defaultLimit: 100, maxRangeSeconds: 60 };
const schema = eventsRangeQuery(limits);

/** What the pipe would answer: the parsed value, or the 400 message. */
function check(input: Record<string, unknown>, s: z.ZodObject = schema): unknown {
  const result = s.safeParse(input);
  return result.success ? result.data : describeIssues(result.error.issues, input, 'query', Object.keys(s.shape));
}

describe('route parameter schemas', () => {
  it('parses decimal and ISO-8601 timestamps to bigint nanoseconds and applies the default limit', () => {
    expect(check({ from: '1795514400000000000', to: '2026-11-24T10:00:00.000000001Z' })).toEqual({
      from: 1795514400000000000n,
      to: 1795514400000000001n,
      limit: 100,
    });
  });

  it('names a missing, repeated or malformed parameter', () => {
    expect(check({ to: '1' })).toBe('from: is required');
    expect(check({ from: ['1', '2'], to: '3' })).toBe('from: must be given once, got 2');
    expect(check({ from: 'yesterday', to: '3' })).toMatch(
      /^from: must be nanoseconds since the epoch .* or ISO-8601 with a zone .*, got "yesterday"$/,
    );
    expect(check({ from: '2026-02-30T00:00:00Z', to: '3' })).toMatch(/^from: must be nanoseconds/);
    expect(check({ from: '99999999999999999999', to: '3' })).toMatch(/^from: must be nanoseconds/);
  });

  it('rejects from after to, and a range wider than the maximum', () => {
    expect(check({ from: '5', to: '4' })).toBe('from: must not be after to (from=5, to=4)');
    expect(check({ from: '0', to: '60000000000' })).toMatchObject({ from: 0n, to: 60_000_000_000n });
    expect(check({ from: '0', to: '60000000001' })).toBe(
      'to: the range from..to spans 60.000000001 s; at most 60 s is allowed (MAX_RANGE_SECONDS)',
    );
  });

  it('bounds limit by the configured maximum', () => {
    const page = pageQuery(limits);
    expect(check({ limit: '500' }, page)).toEqual({ limit: 500 });
    for (const bad of ['0', '501', '-1', '1.5', '1e3', '', 'ten']) {
      expect(check({ limit: bad }, page)).toBe(`limit: must be an integer from 1 to 500, got ${JSON.stringify(bad)}`);
    }
  });

  it('rejects unknown parameters, listing the accepted ones', () => {
    expect(check({ from: '1', to: '2', servce: 'x' })).toBe(
      'unknown query parameter "servce" (this route accepts: from, to, service, limit, cursor)',
    );
  });

  it('bounds ids and cursors', () => {
    expect(check({ from: '1', to: '2', service: 'x'.repeat(129) })).toBe(
      'service: must be at most 128 characters, got 129',
    );
    expect(check({ from: '1', to: '2', service: '' })).toBe('service: must not be empty');
    expect(check({ from: '1', to: '2', cursor: '' })).toBe('cursor: must not be empty (omit it for the first page)');
  });

  it('reports every problem at once', () => {
    expect(check({ limit: '0' })).toBe(
      'from: is required; to: is required; limit: must be an integer from 1 to 500, got "0"',
    );
  });
});
