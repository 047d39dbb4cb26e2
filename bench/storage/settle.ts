import { createClient } from '@clickhouse/client';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/**
 * Waits until ClickHouse has no merge running on the database (three quiet
 * polls in a row) or `maxMs` passed, and returns how long that took. Right
 * after a bulk load the merges of 10M rows take minutes and slow every query
 * down; the benchmark reports both situations.
 */
export async function waitForMerges(dataDir: string, database: string, maxMs: number): Promise<number> {
  const { createChdbConnection } = await import('chdb/connection');
  const client = createClient({ connection: createChdbConnection({ path: dataDir }) as unknown as ClientConnection });
  const start = performance.now();
  try {
    let quiet = 0;
    while (quiet < 3 && performance.now() - start < maxMs) {
      const result = await client.query({
        query: 'SELECT count() AS running FROM system.merges WHERE database = {db:String}',
        query_params: { db: database },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ running: string | number }>();
      quiet = Number(row?.running ?? 0) === 0 ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    await client.close();
  }
  return performance.now() - start;
}
