import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { clickHouseClient, pollUntil, startClickHouse, type ClickHouseTestServer } from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TemporalBridge } from '../temporal-bridge';
import type { StorageReject } from './batch-flusher';
import type { SubmitReject } from './ingest-pipeline';

/**
 * Poison batches on real embedded ClickHouse: a row ClickHouse itself refuses
 * (a CHECK constraint added to this test's database only: VIOLATED_CONSTRAINT,
 * the same path as a value a column type cannot hold) must be isolated and
 * set aside while the rest of its batch is stored; an outage (database
 * detached) must instead be retried until storage is back, refusing nothing.
 */
const BASE = BigInt(Date.now() - 600_000) * 1_000_000n;

let clickhouse: ClickHouseTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  clickhouse = await startClickHouse();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await clickhouse?.stop();
});

async function admin<T>(work: (client: Awaited<ReturnType<typeof clickHouseClient>>) => Promise<T>): Promise<T> {
  const client = await clickHouseClient(clickhouse.target);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** A bridge on a database of its own whose events table refuses event_type 'poison'. */
async function poisonableBridge(observed: StorageReject[] = []): Promise<{ bridge: TemporalBridge; db: string }> {
  const db = await clickhouse.createDatabase('poison');
  const storage = await TemporalStorage.open({ clickhouse: clickhouse.target, database: db });
  cleanup.push(() => storage.close());
  await admin((c) =>
    c.command({ query: `ALTER TABLE ${db}.events ADD CONSTRAINT no_poison CHECK event_type != 'poison'` }),
  );
  const bridge = await TemporalBridge.start({
    temporalStorage: storage,
    bufferSize: 1000,
    flushIntervalMs: 20,
    observer: { storageRejected: (rejects) => observed.push(...rejects) },
  });
  cleanup.push(() => bridge.stop());
  return { bridge, db };
}

function events(count: number, poisonAt: readonly number[]): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    event_id: `e-${i}`,
    event_type: poisonAt.includes(i) ? 'poison' : 'log',
    correlation_id: `c-${i}`,
    timestamp: (BASE + BigInt(i)).toString(),
    data: { i },
  }));
}

async function storedIds(bridge: TemporalBridge): Promise<string[]> {
  const stored = await bridge.getEventsInRange(BASE, BASE + 1_000_000n);
  return stored.map((e) => e.event_id);
}

describe('a batch ClickHouse refuses part of', () => {
  it('stores the good events, and hands the refused ones back by index with ClickHouse reason', async () => {
    const observed: StorageReject[] = [];
    const { bridge } = await poisonableBridge(observed);
    const refused: SubmitReject[] = [];
    const input = events(40, [3, 29]);
    // One invalid event too: its index must not shift the refused ones'.
    input.splice(10, 0, { event_type: 'log' });
    const result = await bridge.submit(input, { onStorageReject: (rejects) => void refused.push(...rejects) });
    expect(result.rejected.map((r) => r.index)).toEqual([10]);
    await bridge.waitUntilStored(result.ticket, { timeoutMs: 20_000 });

    expect(refused.map((r) => r.index).sort((a, b) => a - b)).toEqual([3, 30]);
    expect(refused.map((r) => r.event.event_id).sort()).toEqual(['e-29', 'e-3']);
    for (const { reason } of refused) {
      expect(reason).toMatch(/^storage refused the event: /);
      expect(reason).toMatch(/no_poison/);
    }
    expect(observed).toHaveLength(2);
    const ids = await storedIds(bridge);
    expect(ids).toHaveLength(38);
    expect(ids).not.toContain('e-3');
    expect(ids).not.toContain('e-29');
    const stats = bridge.localStats();
    expect(stats.events_refused_by_storage).toBe(2);
    expect(stats.events_stored).toBe(38);
    expect(stats.retrying).toBe(false);
    expect(stats.flush_failures).toBe(0);
  });

  it('keeps the pipeline moving: events behind a poisoned batch are stored without waiting for it', async () => {
    const observed: StorageReject[] = [];
    const { bridge } = await poisonableBridge(observed);
    // Only poison in the first submit, without a handler: counted and observed.
    await bridge.submit(events(5, [0, 1, 2, 3, 4]));
    const later = await bridge.submit(events(30, []).map((e, i) => ({ ...e, event_id: `later-${i}` })));
    await bridge.waitUntilStored(later.ticket, { timeoutMs: 20_000 });
    expect(observed.map((r) => r.position).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(await storedIds(bridge)).toHaveLength(30);
    expect(bridge.localStats().events_refused_by_storage).toBe(5);
  });

  it('retries the whole batch when setting the refused events aside fails (e.g. the dead-letter topic is down)', async () => {
    const { bridge } = await poisonableBridge();
    let attempts = 0;
    const refused: SubmitReject[] = [];
    const result = await bridge.submit(events(10, [7]), {
      onStorageReject: (rejects) => {
        attempts += 1;
        if (attempts === 1) throw new Error('dead-letter topic unavailable');
        refused.push(...rejects);
      },
    });
    await bridge.waitUntilStored(result.ticket, { timeoutMs: 20_000 });
    expect(attempts).toBe(2);
    expect(refused.map((r) => r.index)).toEqual([7]);
    expect(bridge.localStats().flush_failures).toBe(1);
    expect(await storedIds(bridge)).toHaveLength(9);
  });
});

describe('a submit that asked for its refused events', () => {
  it('is forgotten once its events are stored: its handler (and what it holds, e.g. a parsed body) can be collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { bridge } = await poisonableBridge();
    const collected = new Set<number>();
    const registry = new FinalizationRegistry<number>((round) => collected.add(round));
    for (let round = 0; round < 20; round += 1) {
      const body = events(50, []).map((e, i) => ({ ...e, event_id: `r${round}-${i}` }));
      const handler = (): void => void body.length;
      registry.register(handler, round);
      const result = await bridge.submit(body, { onStorageReject: handler });
      await bridge.waitUntilStored(result.ticket, { timeoutMs: 20_000 });
    }
    // One more submit after the last store: the point where stored submits are let go.
    await bridge.waitUntilStored((await bridge.submit(events(1, []))).ticket, { timeoutMs: 20_000 });
    await pollUntil(
      async () => {
        gc();
        // Finalization callbacks run in a later task.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return collected.size >= 19;
      },
      { timeoutMs: 10_000, intervalMs: 50, description: 'the handlers of stored submits collected' },
    );
    // The last round's handler may still be held by this test's own frame.
    expect([...collected].filter((round) => round < 19).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 19 }, (_, round) => round),
    );
  });
});

describe('storage that is unavailable', () => {
  it('is retried with backoff and refuses nothing, then stores everything once it is back', async () => {
    const observed: StorageReject[] = [];
    const { bridge, db } = await poisonableBridge(observed);
    await admin((c) => c.command({ query: `DETACH DATABASE ${db}` }));
    let attached = false;
    try {
      const result = await bridge.submit(events(20, []));
      await pollUntil(() => bridge.localStats().flush_failures >= 2, {
        timeoutMs: 20_000,
        description: 'flushes failing while the database is detached',
      });
      expect(bridge.localStats().retrying).toBe(true);
      expect(bridge.localStats().events_refused_by_storage).toBe(0);
      await admin((c) => c.command({ query: `ATTACH DATABASE ${db}` }));
      attached = true;
      await bridge.waitUntilStored(result.ticket, { timeoutMs: 20_000 });
    } finally {
      if (!attached) await admin((c) => c.command({ query: `ATTACH DATABASE ${db}` }));
    }
    expect(observed).toEqual([]);
    expect(await storedIds(bridge)).toHaveLength(20);
    expect(bridge.localStats().retrying).toBe(false);
  });
});
