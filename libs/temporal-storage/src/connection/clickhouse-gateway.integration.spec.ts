import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ClientGateway } from './clickhouse-gateway';
import { createClients } from './client-factory';

describe('ClientGateway on embedded ClickHouse', () => {
  let dataDir: string;
  let gateway: ClientGateway;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tb-gateway-'));
    const handles = await createClients({ kind: 'embedded', dataDir, sessions: 2 }, 30_000);
    gateway = new ClientGateway(handles, true, 30_000);
  });

  afterAll(async () => {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends statements to an idle session, not behind a long one on the busy session', async () => {
    let slowDone = false;
    // About 4 s (two blocks of one row, 2 s each: ClickHouse caps sleep at 3 s per block), so that
    // three trivial selects fit inside it even on a loaded machine; routed behind it, they would
    // finish after it whatever the load.
    const slow = gateway
      .select<{ s: number }>({
        sql: 'SELECT sleepEachRow(2) AS s FROM numbers(2) SETTINGS max_block_size = 1',
        what: 'slow',
      })
      .finally(() => (slowDone = true));
    // In turn, the second of these would land on the session running sleep() and wait for it.
    for (let i = 0; i < 3; i += 1) {
      expect(await gateway.select<{ n: number }>({ sql: 'SELECT 1 AS n', what: 'quick' })).toEqual([{ n: 1 }]);
      expect(slowDone).toBe(false);
    }
    await expect(slow).resolves.toEqual([{ s: 0 }, { s: 0 }]);
  });

  it('keeps a query on all its threads under the embedded memory cap', async () => {
    // Under max_server_memory_usage = 1 GiB, ClickHouse's default of 1 GiB free per thread ran
    // every query on one thread. EXPLAIN PIPELINE shows the lanes the query would get; four are
    // asked for so that the answer does not depend on the machine's cores.
    const lanes = async (extra: string): Promise<number> => {
      const rows = await gateway.select<{ explain: string }>({
        sql: `EXPLAIN PIPELINE SELECT sum(number) FROM numbers_mt(1000000) SETTINGS max_threads = 4${extra}`,
        what: 'explain',
      });
      const widths = rows.map((row) => /× (\d+)/.exec(row.explain)?.[1]).filter((n) => n !== undefined);
      return Math.max(1, ...widths.map(Number));
    };
    expect(await lanes('')).toBe(4);
    // The same query with ClickHouse's default shows what the setting prevents.
    expect(await lanes(', max_threads_min_free_memory_per_thread = 1073741824')).toBe(1);
  });
});
