import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { startClickHouse, startRedis, type ClickHouseTestServer, type RedisTestServer } from '@temporal-bridge/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TemporalBridge } from '../temporal-bridge';
import type { BridgeStorage } from '../storage/bridge-storage';
import type { CorrelationCache } from './correlation-cache';
import type { RecoveryReport } from './correlator';
import { MemoryCorrelationCache } from './memory-correlation.cache';
import { RedisCorrelationCache } from './redis-correlation.cache';

/**
 * A correlation cache that lost its state (standalone restarted: a new
 * memory cache; Redis flushed or restarted empty) must not break open traces:
 * what the cache misses is looked up in storage, once per batch.
 */
const BASE = BigInt(Date.now() - 600_000) * 1_000_000n;
const at = (offset: number): string => (BASE + BigInt(offset)).toString();

let clickhouse: ClickHouseTestServer;
let redis: RedisTestServer;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [clickhouse, redis] = await Promise.all([startClickHouse(), startRedis()]);
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await Promise.all([clickhouse?.stop(), redis?.stop()]);
});

/** The real storage, counting findCalls: the adapter the bridge is given, unchanged otherwise. */
function counting(storage: TemporalStorage): { storage: BridgeStorage; lookups: number[] } {
  const lookups: number[] = [];
  const wrapped = Object.create(storage) as TemporalStorage;
  wrapped.findCalls = (ids, opts) => {
    lookups.push(ids.length);
    return storage.findCalls(ids, opts);
  };
  return { storage: wrapped, lookups };
}

async function bridgeOn(
  storage: BridgeStorage,
  cache: CorrelationCache,
  reports: RecoveryReport[] = [],
): Promise<TemporalBridge> {
  const bridge = await TemporalBridge.start({
    temporalStorage: storage,
    correlationCache: cache,
    flushIntervalMs: 20,
    observer: { correlationRecovery: (report) => void reports.push(report) },
  });
  cleanup.push(() => bridge.stop());
  return bridge;
}

/** Before the "restart": a root call R with an open child C1. */
const before = [
  { event_id: 'r-in', event_type: 'function_entry', correlation_id: 'R', ast_node_id: 'n:R', timestamp: at(0) },
  { event_id: 'c1-in', event_type: 'function_entry', correlation_id: 'C1', parent_id: 'R', timestamp: at(10) },
];
/** After it: a grandchild C2 opens and closes, then C1 and R close; plus an exit nobody entered. */
const after = [
  { event_id: 'c2-in', event_type: 'function_entry', correlation_id: 'C2', parent_id: 'C1', timestamp: at(20) },
  { event_id: 'c3-in', event_type: 'function_entry', correlation_id: 'C3', parent_id: 'C2', timestamp: at(25) },
  { event_id: 'c2-out', event_type: 'function_exit', correlation_id: 'C2', timestamp: at(30) },
  { event_id: 'c1-out', event_type: 'function_exit', correlation_id: 'C1', timestamp: at(40) },
  { event_id: 'r-out', event_type: 'function_exit', correlation_id: 'R', timestamp: at(100) },
  { event_id: 'ghost-out', event_type: 'function_exit', correlation_id: 'ghost', timestamp: at(101) },
];

async function restartScenario(firstCache: CorrelationCache, secondCache: CorrelationCache) {
  const storage = await TemporalStorage.open({
    clickhouse: clickhouse.target,
    database: await clickhouse.createDatabase('recover'),
  });
  cleanup.push(() => storage.close());
  const first = await bridgeOn(storage, firstCache);
  await first.submit(before);
  await first.stop();

  const reports: RecoveryReport[] = [];
  const { storage: watched, lookups } = counting(storage);
  const second = await bridgeOn(watched, secondCache, reports);
  await second.waitUntilStored((await second.submit(after)).ticket, { timeoutMs: 20_000 });
  const byId = new Map((await second.getEventsInRange(BASE, BASE + 1_000n)).map((e) => [e.event_id, e]));
  return { byId, reports, lookups, stats: second.localStats() };
}

function expectRecovered({ byId, reports, lookups, stats }: Awaited<ReturnType<typeof restartScenario>>): void {
  // A child posted after the restart gets its trace id; so does its own child in the same batch.
  expect(byId.get('c2-in')?.trace_id).toBe('R');
  expect(byId.get('c3-in')?.trace_id).toBe('R');
  // The exits of calls entered before the restart get their duration (and trace, node).
  expect(byId.get('c1-out')).toMatchObject({ duration_ns: 30n, trace_id: 'R', parent_id: 'R' });
  expect(byId.get('r-out')).toMatchObject({ duration_ns: 100n, trace_id: 'R', ast_node_id: 'n:R' });
  // Entered after the restart: the cache knew it.
  expect(byId.get('c2-out')).toMatchObject({ duration_ns: 10n, trace_id: 'R' });
  // What storage does not hold either is said, not guessed.
  expect(byId.get('ghost-out')?.duration_ns).toBeUndefined();
  expect(reports).toEqual([{ recovered: 4, unrecovered: ['ghost'] }]);
  expect([stats.correlations_recovered, stats.correlations_unrecovered]).toEqual([4, 1]);
  // One query for the whole batch, not one per event.
  expect(lookups).toEqual([3]);
}

describe('correlation recovery from storage', () => {
  it('after a standalone restart (a new, empty memory cache)', async () => {
    expectRecovered(await restartScenario(new MemoryCorrelationCache(), new MemoryCorrelationCache()));
  });

  it('after Redis lost its state (a replica on an empty Redis keyspace)', async () => {
    const lost = redis.keyPrefix('lost');
    const caches = [
      new RedisCorrelationCache({ redis: redis.url, keyPrefix: lost }),
      // Same Redis, nothing of the first one's keys: what a restarted Redis without persistence holds.
      new RedisCorrelationCache({ redis: redis.url, keyPrefix: redis.keyPrefix('empty') }),
    ];
    for (const cache of caches) cleanup.push(() => cache.close());
    expectRecovered(await restartScenario(caches[0]!, caches[1]!));
  });

  it('queries storage only when the cache misses', async () => {
    const storage = await TemporalStorage.open({
      clickhouse: clickhouse.target,
      database: await clickhouse.createDatabase('recover'),
    });
    cleanup.push(() => storage.close());
    const { storage: watched, lookups } = counting(storage);
    const bridge = await bridgeOn(watched, new MemoryCorrelationCache());
    await bridge.waitUntilStored((await bridge.submit([...before, ...after.slice(0, 5)])).ticket);
    expect(lookups).toEqual([]);
    expect(bridge.localStats().correlations_recovered).toBe(0);
  });
});
