import { freePort, startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, event, openTestStorage, storageSuite } from './__fixtures__/storage-fixture';
import {
  InvalidArgumentError,
  QueryAbortedError,
  QueryTimeoutError,
  StorageError,
  StorageUnavailableError,
} from './errors';
import { TemporalStorage } from './temporal-storage';

describe('TemporalStorage', () => {
  const suite = storageSuite(startClickHouse);

  it('pings while open, and rejects every call with StorageUnavailableError once closed', async () => {
    const storage = await suite.open();
    await expect(storage.ping()).resolves.toBeUndefined();
    await storage.close();
    await expect(storage.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.insertEvents([event('a', 1, 'log', 'c')])).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.getEvent('a')).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('fails to open against an unreachable server with StorageUnavailableError', async () => {
    const port = await freePort();
    const opening = TemporalStorage.open({
      clickhouse: { kind: 'server', url: `http://127.0.0.1:${port}` },
      queryTimeoutMs: 2000,
    });
    await expect(opening).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('cancels a query when its signal aborts, and keeps answering afterwards', async () => {
    const storage = await suite.open();
    await storage.insertEvents([event('a', 1, 'log', 'c'), event('b', 2, 'log', 'c')]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(storage.getEventsInRange(BASE_NS, BASE_NS + 9n, { signal: aborted.signal })).rejects.toBeInstanceOf(
      QueryAbortedError,
    );
    const midway = new AbortController();
    const pending = storage.getActiveAstNodes(BASE_NS, BASE_NS + 9n, { signal: midway.signal });
    midway.abort();
    await expect(pending).rejects.toBeInstanceOf(QueryAbortedError);
    // The abandoned query must not leak into the next answers on the same connections.
    for (let i = 0; i < 4; i += 1) {
      expect((await storage.getEventsInRange(BASE_NS, BASE_NS + 9n)).events.map((e) => e.event_id)).toEqual(['a', 'b']);
    }
  });

  it('turns a query that outlives queryTimeoutMs into QueryTimeoutError', async () => {
    const database = await suite.clickhouse.createDatabase('timeout');
    const storage = await suite.open({ database });
    const events = Array.from({ length: 60_000 }, (_, i) =>
      event(`e${i}`, i, 'state_change', `c${i % 500}`, { data: { state: { [`k${i % 3000}`]: i } } }),
    );
    await storage.insertEvents(events);
    const impatient = await openTestStorage(suite.clickhouse, { database, queryTimeoutMs: 1 });
    try {
      await expect(impatient.reconstructStateAt(BASE_NS + 100_000n)).rejects.toBeInstanceOf(QueryTimeoutError);
    } finally {
      await impatient.close();
    }
  });

  it('rejects bad arguments from every method instead of throwing synchronously', async () => {
    const storage = await suite.open();
    const s = storage;
    const bad = 'x' as unknown as bigint;
    const calls: Array<() => Promise<unknown>> = [
      () => s.insertEvents('nope' as never),
      () => s.getEvent(''),
      () => s.getEventsInRange(bad, 1n),
      () => s.getEventsForAstNode(undefined as never),
      () => s.getEventsForCorrelation(''),
      () => s.getActiveAstNodes(5n, 4n),
      () => s.reconstructStateAt(bad),
      () => s.reconstructStateAt(1n, { service: '' }),
      () => s.traceExecutionPath(''),
      () => s.traceExecutionPath({ event_id: 'x' } as never),
    ];
    for (const call of calls) {
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = call();
      }).not.toThrow();
      await expect(pending).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(pending).rejects.toBeInstanceOf(StorageError);
    }
  });
});
