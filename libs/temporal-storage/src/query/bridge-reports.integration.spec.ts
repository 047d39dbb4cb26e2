import { clickHouseClient, startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { openTestStorage, storageSuite } from '../__fixtures__/storage-fixture';
import { InvalidArgumentError, StorageUnavailableError } from '../errors';

const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

describe('bridge reports', () => {
  const suite = storageSuite(startClickHouse);

  it('lists the latest report of each recent instance', async () => {
    const storage = await suite.open();
    const t = nowNs();
    await storage.recordBridgeReport({ instance: 'b-2', reported_at: t - 2_000_000_000n, stats: { events_stored: 1 } });
    await storage.recordBridgeReport({
      instance: 'b-1',
      reported_at: t - 1_000_000_000n,
      stats: { events_stored: 10 },
    });
    await storage.recordBridgeReport({
      instance: 'b-1',
      reported_at: t,
      stats: { events_stored: 20, nested: { paused: false } },
    });
    await storage.recordBridgeReport({
      instance: 'b-old',
      reported_at: t - 600_000_000_000n,
      stats: { events_stored: 5 },
    });
    expect(await storage.listBridgeReports()).toEqual([
      { instance: 'b-1', reported_at: t, stats: { events_stored: 20, nested: { paused: false } } },
      { instance: 'b-2', reported_at: t - 2_000_000_000n, stats: { events_stored: 1 } },
    ]);
    expect((await storage.listBridgeReports({ maxAgeMs: 3_600_000 })).map((r) => r.instance)).toEqual([
      'b-1',
      'b-2',
      'b-old',
    ]);
  });

  it('answers an empty list when nothing reported, and refuses bad arguments', async () => {
    const storage = await suite.open();
    expect(await storage.listBridgeReports()).toEqual([]);
    await expect(storage.listBridgeReports({ maxAgeMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(storage.recordBridgeReport({ instance: '', reported_at: nowNs(), stats: {} })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});

describe('a storage whose database is gone', () => {
  it('rejects with StorageUnavailableError, and works again once it is back', async () => {
    const clickhouse = await startClickHouse();
    const storage = await openTestStorage(clickhouse);
    const admin = await clickHouseClient(clickhouse.target);
    try {
      await admin.command({ query: 'DETACH DATABASE {db:Identifier}', query_params: { db: storage.database } });
      await expect(storage.getStats()).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(storage.listBridgeReports()).rejects.toBeInstanceOf(StorageUnavailableError);
      await admin.command({ query: 'ATTACH DATABASE {db:Identifier}', query_params: { db: storage.database } });
      expect((await storage.getStats()).total_events).toBe(0);
    } finally {
      await admin.close();
      await storage.close();
      await clickhouse.stop();
    }
  });
});
