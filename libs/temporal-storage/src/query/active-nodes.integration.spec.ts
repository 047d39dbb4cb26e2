import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, call, event, storageSuite } from '../__fixtures__/storage-fixture';

const WINDOW = { from: BASE_NS + 1000n, to: BASE_NS + 2000n };

describe('getActiveAstNodes', () => {
  const suite = storageSuite(startClickHouse);

  it('counts calls overlapping the window, including one entered before it and still open', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('still-open', 100, null, { ast_node_id: 'fn:still-open' }),
      ...call('exits-inside', 200, 1500, { ast_node_id: 'fn:exits-inside' }),
      ...call('exits-after', 300, 5000, { ast_node_id: 'fn:exits-after' }),
      ...call('exits-at-from', 400, 1000, { ast_node_id: 'fn:exits-at-from' }),
      ...call('done-before', 500, 999, { ast_node_id: 'fn:done-before' }),
      ...call('enters-inside', 1200, 1300, { ast_node_id: 'fn:enters-inside' }),
      ...call('enters-at-to', 2000, 2500, { ast_node_id: 'fn:enters-at-to' }),
      ...call('enters-after', 2001, 2100, { ast_node_id: 'fn:enters-after' }),
      event('log-inside', 1700, 'log', 'done-before', { ast_node_id: 'stmt:log' }),
      event('log-after', 2001, 'log', 'still-open', { ast_node_id: 'stmt:late' }),
    ]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual([
      'fn:enters-at-to',
      'fn:enters-inside',
      'fn:exits-after',
      'fn:exits-at-from',
      'fn:exits-inside',
      'fn:still-open',
      'stmt:log',
    ]);
  });

  it('lists a node once when it is both in the window and in a call open across it', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('long', 100, null, { ast_node_id: 'fn:shared' }),
      ...call('short', 1500, 1600, { ast_node_id: 'fn:shared' }),
      event('inside', 1700, 'log', 'long', { ast_node_id: 'a:first' }),
      event('inside-2', 1800, 'log', 'long', { ast_node_id: 'z:last' }),
    ]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual(['a:first', 'fn:shared', 'z:last']);
  });

  it('lets an exit close only its own call, never another call of the same function', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('first', 100, 300, { ast_node_id: 'fn:shared' }),
      ...call('second', 200, null, { ast_node_id: 'fn:second' }),
      ...call('third', 250, null, { ast_node_id: 'fn:shared' }),
    ]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual(['fn:second', 'fn:shared']);
    expect(await storage.getActiveAstNodes(BASE_NS + 400n, BASE_NS + 400n)).toEqual(['fn:second', 'fn:shared']);
  });

  it('closes a call whose exit carries no duration_ns or arrives in a later batch', async () => {
    const storage = await suite.open();
    const [entry, exit] = call('unpaired', 100, 500, { ast_node_id: 'fn:unpaired' });
    await storage.insertEvents([entry!, ...call('open', 150, null, { ast_node_id: 'fn:open' })]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual(['fn:open', 'fn:unpaired']);
    const { duration_ns: _duration, ...withoutDuration } = exit!;
    await storage.insertEvents([withoutDuration]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual(['fn:open']);
    expect(await storage.getActiveAstNodes(BASE_NS + 400n, BASE_NS + 600n)).toEqual(['fn:open', 'fn:unpaired']);
  });

  it('answers an empty list when nothing ran', async () => {
    const storage = await suite.open();
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual([]);
    await storage.insertEvents([...call('early', 1, 2, { ast_node_id: 'fn:early' })]);
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual([]);
    expect(await storage.getActiveAstNodes(0n, 0n)).toEqual([]);
  });

  it('findActiveAstNodes caps the list at maxResultRows (or the limit) and says so', async () => {
    const storage = await suite.open({ maxResultRows: 2 });
    await storage.insertEvents([
      ...call('a', 1100, 1200, { ast_node_id: 'fn:a' }),
      ...call('b', 1100, 1200, { ast_node_id: 'fn:b' }),
      ...call('c', 100, null, { ast_node_id: 'fn:c' }),
    ]);
    expect(await storage.findActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual({
      ast_node_ids: ['fn:a', 'fn:b'],
      truncated: true,
    });
    expect(await storage.findActiveAstNodes(WINDOW.from, WINDOW.to, { limit: 1 })).toEqual({
      ast_node_ids: ['fn:a'],
      truncated: true,
    });
    expect(await storage.findActiveAstNodes(BASE_NS + 1150n, BASE_NS + 1150n, { limit: 2 })).toMatchObject({
      truncated: true,
    });
    expect(await storage.getActiveAstNodes(WINDOW.from, WINDOW.to)).toEqual(['fn:a', 'fn:b', 'fn:c']);
  });
});
