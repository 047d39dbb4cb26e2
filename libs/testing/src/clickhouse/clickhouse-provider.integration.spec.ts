import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clickHouseClient, startClickHouse, type ClickHouseTestServer } from './clickhouse-provider';

describe('ClickHouse provider', () => {
  let clickhouse: ClickHouseTestServer;

  beforeAll(async () => {
    clickhouse = await startClickHouse();
  });

  afterAll(async () => {
    await clickhouse?.stop();
  });

  it('creates, inserts and selects with bound query parameters in a database of its own', async () => {
    const database = await clickhouse.createDatabase('provider');
    const client = await clickHouseClient(clickhouse.target);
    try {
      await client.command({
        query:
          'CREATE TABLE {db:Identifier}.items (id String, ts DateTime64(9), n UInt32) ENGINE = MergeTree ORDER BY (id, ts)',
        query_params: { db: database },
      });
      await client.insert({
        table: `${database}.items`,
        format: 'JSONEachRow',
        values: [
          { id: 'a', ts: '2026-11-24 10:00:00.000000001', n: 1 },
          { id: 'b', ts: '2026-11-24 10:00:00.000000002', n: 2 },
          { id: "b' OR '1'='1", ts: '2026-11-24 10:00:00.000000003', n: 3 },
        ],
      });
      const result = await client.query({
        query:
          'SELECT id, n, toString(toUnixTimestamp64Nano(ts)) AS ns FROM {db:Identifier}.items WHERE id = {id:String} ORDER BY ts',
        query_params: { db: database, id: "b' OR '1'='1" },
        format: 'JSONEachRow',
      });
      // The hostile value is data, never SQL.
      expect(await result.json()).toEqual([{ id: "b' OR '1'='1", n: 3, ns: '1795514400000000003' }]);

      const tables = await clickhouse.client.query({
        query: 'SELECT name FROM system.tables WHERE database = {db:String}',
        query_params: { db: database },
        format: 'JSONEachRow',
      });
      expect(await tables.json()).toEqual([{ name: 'items' }]);
    } finally {
      await client.close();
    }
  });

  it('gives every test a separate database', async () => {
    const a = await clickhouse.createDatabase();
    const b = await clickhouse.createDatabase();
    expect(a).not.toEqual(b);
  });
});
