import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, InvalidCursorError } from '../errors';
import { BASE_NS, call, event, storageSuite } from '../__fixtures__/storage-fixture';

const WINDOW = { from: BASE_NS + 1000n, to: BASE_NS + 2000n };

describe('getCallsInWindow', () => {
  const suite = storageSuite(startClickHouse);

  it('answers the calls overlapping the window with exits, open calls and errors', async () => {
    const storage = await suite.open();
    const [failingEntry] = call('fails', 1200, null, { ast_node_id: 'fn:fails', trace_id: 't1' });
    await storage.insertEvents([
      ...call('still-open', 100, null, { ast_node_id: 'fn:open', trace_id: 't1', service: 'shop' }),
      ...call('exits-inside', 200, 1500, { ast_node_id: 'fn:inside', parent_id: 'still-open', trace_id: 't1' }),
      ...call('done-before', 500, 999),
      ...call('exits-at-from', 400, 1000),
      ...call('enters-at-to', 2000, 2500),
      ...call('enters-after', 2001, 2100),
      failingEntry!,
      event('fails-exit', 1300, 'function_exit', 'fails', { duration_ns: 100n, data: { error: { message: 'no' } } }),
    ]);
    const page = await storage.getCallsInWindow(WINDOW.from, WINDOW.to);
    expect(page.next_cursor).toBeNull();
    expect(page.calls.map((c) => c.correlation_id)).toEqual([
      'still-open',
      'exits-inside',
      'exits-at-from',
      'fails',
      'enters-at-to',
    ]);
    const [open, inside] = page.calls;
    expect(open).toEqual({
      correlation_id: 'still-open',
      entry_event_id: 'still-open-entry',
      entry_timestamp: BASE_NS + 100n,
      exit_timestamp: null,
      duration_ns: null,
      error: false,
      trace_id: 't1',
      ast_node_id: 'fn:open',
      service: 'shop',
      function: 'still-open',
      module: 'mod',
    });
    expect(inside).toMatchObject({
      exit_timestamp: BASE_NS + 1500n,
      exit_event_id: 'exits-inside-exit',
      duration_ns: 1300n,
      parent_id: 'still-open',
      error: false,
    });
    expect(page.calls.find((c) => c.correlation_id === 'fails')).toMatchObject({ error: true, duration_ns: 100n });
  });

  it('closes a call whose exit has no duration_ns, and drops it when that exit precedes the window', async () => {
    const storage = await suite.open();
    const [entry, exit] = call('unpaired', 100, 500);
    const { duration_ns: _d, ...bare } = exit!;
    const [entry2, exit2] = call('unpaired-late', 150, 1600);
    const { duration_ns: _d2, ...bare2 } = exit2!;
    await storage.insertEvents([entry!, bare, entry2!, bare2]);
    const page = await storage.getCallsInWindow(WINDOW.from, WINDOW.to);
    expect(page.calls).toHaveLength(1);
    expect(page.calls[0]).toMatchObject({ correlation_id: 'unpaired-late', exit_timestamp: BASE_NS + 1600n });
  });

  it('filters by trace and service, and pages with a cursor without gaps or repeats', async () => {
    const storage = await suite.open();
    const many = Array.from({ length: 25 }, (_, i) =>
      call(`c${String(i).padStart(2, '0')}`, 1000 + i, 1100 + i, {
        trace_id: i % 2 === 0 ? 'even' : 'odd',
        service: 's',
      }),
    ).flat();
    await storage.insertEvents(many);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await storage.getCallsInWindow(WINDOW.from, WINDOW.to, { trace_id: 'even', limit: 5, cursor });
      seen.push(...page.calls.map((c) => c.correlation_id));
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => `c${String(i * 2).padStart(2, '0')}`));
    expect(pages).toBe(3);
    expect((await storage.getCallsInWindow(WINDOW.from, WINDOW.to, { service: 'other' })).calls).toEqual([]);
    const first = await storage.getCallsInWindow(WINDOW.from, WINDOW.to, { limit: 5 });
    await expect(
      storage.getCallsInWindow(WINDOW.from, WINDOW.to, { trace_id: 'odd', cursor: first.next_cursor! }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('rejects from after to', async () => {
    const storage = await suite.open();
    await expect(storage.getCallsInWindow(WINDOW.to, WINDOW.from)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('getEventHistogram', () => {
  const suite = storageSuite(startClickHouse);

  it('counts distinct events and errors per bucket, empty buckets included', async () => {
    const storage = await suite.open();
    const events = [
      event('a', 1000, 'log', 'c'),
      event('b', 1099, 'log', 'c', { service: 'x' }),
      event('c', 1350, 'error', 'c'),
      event('d', 1399, 'function_exit', 'c', { data: { error: { message: 'e' } } }),
      event('e', 2000, 'log', 'c'),
      event('outside', 2001, 'log', 'c'),
    ];
    await storage.insertEvents(events);
    await storage.insertEvents(events.slice(0, 2)); // re-sent: still counted once
    const histogram = await storage.getEventHistogram(WINDOW.from, WINDOW.to, 10);
    // 1001 ns over 10 buckets: 101 ns each, so 10 buckets cover up to +2009.
    expect(histogram.bucket_ns).toBe(101n);
    expect(histogram.buckets).toHaveLength(10);
    expect(histogram.buckets.map((b) => b.events)).toEqual([2, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
    expect(histogram.buckets.map((b) => b.errors)).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(histogram.buckets[3]!.start).toBe(WINDOW.from + 303n);
    const x = await storage.getEventHistogram(WINDOW.from, WINDOW.to, 1, { service: 'x' });
    expect(x.buckets).toEqual([{ start: WINDOW.from, events: 1, errors: 0 }]);
  });

  it('answers fewer buckets than asked when the range has fewer nanoseconds', async () => {
    const storage = await suite.open();
    const histogram = await storage.getEventHistogram(BASE_NS, BASE_NS + 2n, 100);
    expect(histogram.bucket_ns).toBe(1n);
    expect(histogram.buckets.map((b) => b.events)).toEqual([0, 0, 0]);
  });

  it('rejects a bucket count out of bounds', async () => {
    const storage = await suite.open();
    await expect(storage.getEventHistogram(WINDOW.from, WINDOW.to, 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.getEventHistogram(WINDOW.from, WINDOW.to, 10_001)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
