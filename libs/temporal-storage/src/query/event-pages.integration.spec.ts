import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, event, ids, storageSuite } from '../__fixtures__/storage-fixture';
import { InvalidArgumentError, InvalidCursorError } from '../errors';
import type { EventPage } from '../storage.types';

/** Follows next_cursor to the end. */
async function allPages(
  read: (cursor?: string) => Promise<EventPage>,
): Promise<{ pages: number; events: TemporalEvent[] }> {
  const events: TemporalEvent[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await read(cursor);
    pages += 1;
    events.push(...page.events);
    if (page.next_cursor === null) return { pages, events };
    cursor = page.next_cursor;
  }
}

describe('event pages', () => {
  const suite = storageSuite(startClickHouse);

  it('returns a range inclusive at both ends, and nothing outside it', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      event('before', 99, 'log', 'c'),
      event('from', 100, 'log', 'c'),
      event('middle', 150, 'log', 'c'),
      event('to', 200, 'log', 'c'),
      event('after', 201, 'log', 'c'),
    ]);
    const page = await storage.getEventsInRange(BASE_NS + 100n, BASE_NS + 200n);
    expect(ids(page.events)).toEqual(['from', 'middle', 'to']);
    expect(page.next_cursor).toBeNull();
    expect(ids((await storage.getEventsInRange(BASE_NS + 150n, BASE_NS + 150n)).events)).toEqual(['middle']);
  });

  it('orders ties on timestamp by seq (absent first), then event_id', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      event('z-seq2', 10, 'log', 'c', { seq: 2 }),
      event('b-seq1', 10, 'log', 'c', { seq: 1 }),
      event('a-seq1', 10, 'log', 'c', { seq: 1 }),
      event('y-noseq', 10, 'log', 'c'),
      event('x-noseq', 10, 'log', 'c'),
      event('earlier', 9, 'log', 'c', { seq: 99 }),
      event('seq0', 10, 'log', 'c', { seq: 0 }),
    ]);
    const expected = ['earlier', 'x-noseq', 'y-noseq', 'seq0', 'a-seq1', 'b-seq1', 'z-seq2'];
    expect(ids((await storage.getEventsInRange(BASE_NS, BASE_NS + 10n)).events)).toEqual(expected);
    expect(ids((await storage.getEventsForCorrelation('c')).events)).toEqual(expected);
  });

  it('pages through many events sharing one timestamp without gap or repeat', async () => {
    const storage = await suite.open();
    const same = Array.from({ length: 250 }, (_, i) =>
      event(`e-${String(i).padStart(3, '0')}`, 500, 'log', 'c', i % 3 === 0 ? {} : { seq: i % 5, ast_node_id: 'n' }),
    );
    await storage.insertEvents([event('first', 499, 'log', 'c'), ...same, event('last', 501, 'log', 'c')]);
    const whole = await storage.getEventsInRange(BASE_NS, BASE_NS + 1000n);
    expect(whole.events).toHaveLength(252);

    const paged = await allPages((cursor) => storage.getEventsInRange(BASE_NS, BASE_NS + 1000n, { limit: 7, cursor }));
    expect(paged.pages).toBe(36);
    expect(ids(paged.events)).toEqual(ids(whole.events));

    const byNode = await allPages((cursor) => storage.getEventsForAstNode('n', { limit: 11, cursor }));
    expect(ids(byNode.events)).toEqual(ids(whole.events.filter((e) => e.ast_node_id === 'n')));
    const byCorrelation = await allPages((cursor) => storage.getEventsForCorrelation('c', { limit: 50, cursor }));
    expect(ids(byCorrelation.events)).toEqual(ids(whole.events));
  });

  it('ends the last full page with a null cursor when nothing follows', async () => {
    const storage = await suite.open();
    await storage.insertEvents([event('a', 1, 'log', 'c'), event('b', 2, 'log', 'c')]);
    const first = await storage.getEventsInRange(BASE_NS, BASE_NS + 10n, { limit: 1 });
    expect(ids(first.events)).toEqual(['a']);
    const second = await storage.getEventsInRange(BASE_NS, BASE_NS + 10n, { limit: 1, cursor: first.next_cursor! });
    expect(ids(second.events)).toEqual(['b']);
    expect(second.next_cursor).toBeNull();
  });

  it('filters a range by service', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      event('a', 1, 'log', 'c', { service: 'orders' }),
      event('b', 2, 'log', 'c', { service: 'billing' }),
      event('c', 3, 'log', 'c'),
      event('d', 4, 'log', 'c', { service: 'orders' }),
    ]);
    const page = await storage.getEventsInRange(BASE_NS, BASE_NS + 10n, { service: 'orders' });
    expect(ids(page.events)).toEqual(['a', 'd']);
  });

  it('finds every event of an AST node and of a correlation, and nothing else', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      event('n1-a', 30, 'log', 'c1', { ast_node_id: 'src/a.ts:1:1' }),
      event('n2-a', 10, 'log', 'c2', { ast_node_id: 'src/a.ts:2:1' }),
      event('n1-b', 20, 'log', 'c2', { ast_node_id: 'src/a.ts:1:1' }),
      event('none', 25, 'log', 'c1'),
    ]);
    expect(ids((await storage.getEventsForAstNode('src/a.ts:1:1')).events)).toEqual(['n1-b', 'n1-a']);
    expect(ids((await storage.getEventsForCorrelation('c1')).events)).toEqual(['none', 'n1-a']);
    expect(ids((await storage.getEventsForCorrelation('c2')).events)).toEqual(['n2-a', 'n1-b']);
  });

  it('answers empty lists, a null cursor and undefined when nothing matches', async () => {
    const storage = await suite.open();
    await storage.insertEvents([event('a', 1, 'log', 'c', { ast_node_id: 'n' })]);
    expect(await storage.getEventsInRange(BASE_NS + 2n, BASE_NS + 3n)).toEqual({ events: [], next_cursor: null });
    expect(await storage.getEventsForAstNode('other')).toEqual({ events: [], next_cursor: null });
    expect(await storage.getEventsForCorrelation('other')).toEqual({ events: [], next_cursor: null });
    expect(await storage.getEvent('other')).toBeUndefined();
  });

  it('rejects malformed and foreign cursors with InvalidCursorError', async () => {
    const storage = await suite.open();
    await storage.insertEvents([event('a', 1, 'log', 'c'), event('b', 2, 'log', 'c')]);
    const page = await storage.getEventsInRange(BASE_NS, BASE_NS + 10n, { limit: 1 });
    await expect(storage.getEventsInRange(BASE_NS, BASE_NS + 10n, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(
      storage.getEventsInRange(BASE_NS, BASE_NS + 11n, { cursor: page.next_cursor! }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(storage.getEventsForCorrelation('c', { cursor: page.next_cursor! })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('rejects bad arguments with InvalidArgumentError, asynchronously', async () => {
    const storage = await suite.open({ maxResultRows: 50 });
    const pending = storage.getEventsInRange(BASE_NS + 2n, BASE_NS + 1n);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.getEventsInRange(BASE_NS, BASE_NS, { limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.getEventsInRange(BASE_NS, BASE_NS, { limit: 51 })).rejects.toThrow(/maximum 50/);
    await expect(storage.getEventsInRange(-1n, BASE_NS)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.getEventsInRange(1 as unknown as bigint, BASE_NS)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(storage.getEventsForAstNode('')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('caps a page at maxResultRows by default', async () => {
    const storage = await suite.open({ maxResultRows: 5 });
    await storage.insertEvents(
      Array.from({ length: 12 }, (_, i) => event(`e${String(i).padStart(2, '0')}`, i, 'log', 'c')),
    );
    const page = await storage.getEventsInRange(BASE_NS, BASE_NS + 100n);
    expect(ids(page.events)).toEqual(['e00', 'e01', 'e02', 'e03', 'e04']);
    expect(page.next_cursor).not.toBeNull();
  });
});
