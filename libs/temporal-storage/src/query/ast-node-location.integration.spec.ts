import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, event, storageSuite } from '../__fixtures__/storage-fixture';

const PLACE = 'src/orders/service.ts:OrderService.place:method';
const ANON = 'src/orders/service.ts:<module>/arrow#1';

/** A manifest event as the runtime publishes it (docs/auto-instrumentation.md). */
function manifest(id: string, at: number, service: string | undefined, file: string, nodes: object[]) {
  return event(id, at, 'tb.ast_nodes', 'runtime-1', {
    ...(service === undefined ? {} : { service }),
    data: { file, nodes: nodes as never },
  });
}

const node = (ast_node_id: string, line: number, extra: object = {}) => ({
  ast_node_id,
  kind: 'method',
  name: 'OrderService.place',
  line,
  column: 3,
  end_line: line + 9,
  end_column: 4,
  hash: '0123456789abcdef',
  async: true,
  generator: false,
  ...extra,
});

describe('getAstNodeLocations (ast_nodes, fed by tb.ast_nodes events)', () => {
  const suite = storageSuite(startClickHouse);

  it('answers where a node is, per service, from the latest manifest of each', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      manifest('m1', 100, 'orders', 'src/orders/service.ts', [node(PLACE, 10), node(ANON, 30, { kind: 'arrow' })]),
      manifest('m2', 200, 'billing', 'src/orders/service.ts', [node(PLACE, 12)]),
    ]);
    // The orders service restarts with an edited file: its newer manifest wins; billing's stays.
    await storage.insertEvents([manifest('m3', 300, 'orders', 'src/orders/service.ts', [node(PLACE, 14)])]);
    expect(await storage.getAstNodeLocations(PLACE)).toEqual([
      {
        service: 'billing',
        file: 'src/orders/service.ts',
        line: 12,
        column: 3,
        end_line: 21,
        end_column: 4,
        kind: 'method',
        name: 'OrderService.place',
        hash: '0123456789abcdef',
        seen_at: BASE_NS + 200n,
      },
      expect.objectContaining({ service: 'orders', line: 14, seen_at: BASE_NS + 300n }),
    ]);
    expect(await storage.getAstNodeLocations(ANON)).toEqual([
      expect.objectContaining({ service: 'orders', line: 30, kind: 'arrow', seen_at: BASE_NS + 100n }),
    ]);
  });

  it('keeps the newest per service even when the older manifest arrives later', async () => {
    const storage = await suite.open();
    await storage.insertEvents([manifest('new', 500, 'orders', 'a.ts', [node(PLACE, 50)])]);
    await storage.insertEvents([manifest('old', 100, 'orders', 'a.ts', [node(PLACE, 10)])]);
    expect((await storage.getAstNodeLocations(PLACE)).map((l) => l.line)).toEqual([50]);
  });

  it('is empty for an unknown node, skips nodes without an id, omits an absent service', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      manifest('m1', 100, undefined, 'b.ts', [node('', 1), { kind: 'function' }, node('b.ts:f:function', 2)]),
      event('not-a-manifest', 200, 'log', 'c1', { ast_node_id: 'x.ts:g:function', data: { nodes: [] } }),
    ]);
    expect(await storage.getAstNodeLocations('x.ts:g:function')).toEqual([]);
    const [only, ...rest] = await storage.getAstNodeLocations('b.ts:f:function');
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ file: 'b.ts', line: 2 });
    expect(only).not.toHaveProperty('service');
  });
});
