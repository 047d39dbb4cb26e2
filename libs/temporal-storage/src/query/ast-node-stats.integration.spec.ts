import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, call, event, storageSuite } from '../__fixtures__/storage-fixture';

const FROM = BASE_NS;
const TO = BASE_NS + 10_000n;

/**
 * fast: 4 calls of 10, 20, 30, 40 ns (one failed by an exit with data.error).
 * slow: 2 calls of 1000 and 3000 ns (one without duration_ns on its exit), one
 * open, and an error event in one. other-svc: a call in billing. late: entered after the window.
 */
const dataset = [
  ...call('f1', 100, 110, { ast_node_id: 'fast', service: 'web' }),
  ...call('f2', 200, 220, { ast_node_id: 'fast', service: 'web' }),
  ...call('f3', 300, 330, { ast_node_id: 'fast', service: 'web' }),
  ...call('f4', 400, null, { ast_node_id: 'fast', service: 'web' }),
  event('f4-exit', 440, 'function_exit', 'f4', { service: 'web', duration_ns: 40n, data: { error: 'nope' } }),
  ...call('s1', 500, 1500, { ast_node_id: 'slow', service: 'web' }),
  ...call('s2', 600, null, { ast_node_id: 'slow', service: 'web' }),
  event('s2-exit', 3600, 'function_exit', 's2', { service: 'web' }),
  event('s2-error', 700, 'error', 's2', { service: 'web', data: { message: 'retrying' } }),
  ...call('s3', 800, null, { ast_node_id: 'slow', service: 'web' }),
  ...call('b1', 900, 905, { ast_node_id: 'other-svc', service: 'billing' }),
  ...call('l1', 20_000, 20_001, { ast_node_id: 'late', service: 'web' }),
];

describe('getAstNodeStats', () => {
  const suite = storageSuite(startClickHouse);

  it('counts calls and failures and gives exact duration quantiles per node', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    expect(await storage.getAstNodeStats(FROM, TO)).toEqual({
      nodes: [
        { ast_node_id: 'fast', calls: 4, errors: 1, p50_ns: 20n, p95_ns: 40n, max_ns: 40n },
        // s3 is still open: counted as a call, no duration. s2's exit came without duration_ns.
        { ast_node_id: 'slow', calls: 3, errors: 1, p50_ns: 1000n, p95_ns: 3000n, max_ns: 3000n },
        { ast_node_id: 'other-svc', calls: 1, errors: 0, p50_ns: 5n, p95_ns: 5n, max_ns: 5n },
      ],
      truncated: false,
    });
  });

  it('sorts, filters by service and says when the list was cut', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    const order = async (opts: Parameters<typeof storage.getAstNodeStats>[2]) =>
      (await storage.getAstNodeStats(FROM, TO, opts)).nodes.map((n) => n.ast_node_id);
    expect(await order({ sort: 'p95' })).toEqual(['slow', 'fast', 'other-svc']);
    expect(await order({ sort: 'max' })).toEqual(['slow', 'fast', 'other-svc']);
    expect(await order({ sort: 'errors' })).toEqual(['fast', 'slow', 'other-svc']);
    expect(await order({ service: 'billing' })).toEqual(['other-svc']);
    expect(await storage.getAstNodeStats(FROM, TO, { limit: 2 })).toMatchObject({
      nodes: [{ ast_node_id: 'fast' }, { ast_node_id: 'slow' }],
      truncated: true,
    });
    expect(await storage.getAstNodeStats(FROM, TO, { limit: 3 })).toMatchObject({ truncated: false });
    expect(await storage.getAstNodeStats(TO + 1n, TO + 2n)).toEqual({ nodes: [], truncated: false });
  });
});
