import { startRedis, pollUntil, type RedisTestServer } from '@temporal-bridge/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CallRecord, CorrelationCache } from './correlation-cache';
import { MemoryCorrelationCache } from './memory-correlation.cache';
import { RedisCorrelationCache } from './redis-correlation.cache';

let redis: RedisTestServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

const call = (id: string, extra: Partial<CallRecord> = {}): CallRecord => ({
  entryTimestamp: '1000',
  entryEventId: `entry-${id}`,
  ...extra,
});

/** The behaviour both adapters promise: the same spec runs against each. */
describe.each([
  ['memory', () => new MemoryCorrelationCache()],
  ['redis', () => new RedisCorrelationCache({ redis: redis.url, keyPrefix: redis.keyPrefix('cc') })],
])('CorrelationCache contract: %s', (_name, create: () => CorrelationCache) => {
  it('remembers an open call and answers it', async () => {
    const cache = create();
    await cache.execute([{ op: 'open_call', correlationId: 'c1', record: call('c1', { astNodeId: 'n1' }) }]);
    expect(
      await cache.execute([
        { op: 'get_call', correlationId: 'c1' },
        { op: 'get_call', correlationId: 'nope' },
      ]),
    ).toEqual([{ entryTimestamp: '1000', entryEventId: 'entry-c1', astNodeId: 'n1', traceId: 'c1' }, null]);
    await cache.close();
  });

  it('resolves traces: a root is its own trace, a child takes its parent’s, a given trace wins', async () => {
    const cache = create();
    const traces = await cache.execute([
      { op: 'open_call', correlationId: 'root', record: call('root') },
      { op: 'open_call', correlationId: 'child', record: call('child', { parentId: 'root' }) },
      { op: 'open_call', correlationId: 'grandchild', record: call('gc', { parentId: 'child' }) },
      { op: 'open_call', correlationId: 'explicit', record: call('x', { parentId: 'root', traceId: 'T9' }) },
      { op: 'open_call', correlationId: 'orphan', record: call('o', { parentId: 'never-seen' }) },
    ]);
    expect(traces).toEqual(['root', 'root', 'root', 'T9', null]);
    await cache.close();
  });

  it('sees a parent opened in an earlier batch (another replica, for Redis)', async () => {
    const cache = create();
    await cache.execute([{ op: 'open_call', correlationId: 'p', record: call('p', { traceId: 'TP' }) }]);
    const [trace] = await cache.execute([
      { op: 'open_call', correlationId: 'k', record: call('k', { parentId: 'p' }) },
    ]);
    expect(trace).toBe('TP');
    await cache.close();
  });

  it('keeps the first send of a message and answers it to receivers', async () => {
    const cache = create();
    const results = await cache.execute([
      { op: 'get_message', messageId: 'm1' },
      { op: 'put_message', messageId: 'm1', eventId: 'send-1' },
      { op: 'put_message', messageId: 'm1', eventId: 'send-2' },
      { op: 'get_message', messageId: 'm1' },
    ]);
    expect(results).toEqual([null, 'send-1', 'send-1', 'send-1']);
    await cache.close();
  });

  it('counts what it holds', async () => {
    const cache = create();
    await cache.execute([
      { op: 'open_call', correlationId: 'a', record: call('a') },
      { op: 'open_call', correlationId: 'b', record: call('b') },
      { op: 'put_message', messageId: 'm', eventId: 'e' },
    ]);
    expect(await cache.size()).toBe(3);
    await cache.close();
  });
});

describe('RedisCorrelationCache', () => {
  it('shares state between two instances (two bridge replicas) and expires keys', async () => {
    const prefix = redis.keyPrefix('shared');
    const a = new RedisCorrelationCache({ redis: redis.url, keyPrefix: prefix, ttlSeconds: 60 });
    const b = new RedisCorrelationCache({ redis: redis.url, keyPrefix: prefix, ttlSeconds: 60 });
    await a.execute([{ op: 'open_call', correlationId: 'c', record: call('c', { astNodeId: 'n' }) }]);
    expect(await b.execute([{ op: 'get_call', correlationId: 'c' }])).toEqual([
      { entryTimestamp: '1000', entryEventId: 'entry-c', astNodeId: 'n', traceId: 'c' },
    ]);
    const raw = new Redis(redis.url);
    const ttl = await raw.ttl(`${prefix}call:c`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    raw.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  it('does one round trip per batch, however large', async () => {
    const prefix = redis.keyPrefix('rtt');
    const client = new Redis(redis.url);
    const cache = new RedisCorrelationCache({ redis: client, keyPrefix: prefix });
    await cache.ping(); // connection and script cache warm
    const monitor = new Redis(redis.url);
    const info = async () => Number(/total_commands_processed:(\d+)/.exec(await monitor.info('stats'))?.[1]);
    const ops = Array.from({ length: 500 }, (_, i) => ({
      op: 'open_call' as const,
      correlationId: `c${i}`,
      record: call(`c${i}`, i > 0 ? { parentId: `c${i - 1}` } : {}),
    }));
    let writes = 0;
    const original = client.stream.write.bind(client.stream);
    client.stream.write = ((...args: Parameters<typeof original>) => {
      writes += 1;
      return original(...args);
    }) as typeof client.stream.write;
    const before = await info();
    const traces = await cache.execute(ops);
    const after = await info();
    expect(traces.every((t) => t === 'c0')).toBe(true);
    expect(after - before).toBeGreaterThanOrEqual(500);
    // ioredis writes a pipeline in a single socket write.
    expect(writes).toBe(1);
    client.disconnect();
    monitor.disconnect();
  });

  it('rejects with CorrelationCacheError when Redis is unreachable, and recovers', async () => {
    const server = await startRedis({ outageControl: true });
    const cache = new RedisCorrelationCache({ redis: server.url, keyPrefix: server.keyPrefix('outage') });
    await cache.execute([{ op: 'open_call', correlationId: 'x', record: call('x') }]);
    await server.outage!.stop();
    await expect(cache.execute([{ op: 'get_call', correlationId: 'x' }])).rejects.toThrow(/redis/i);
    await server.outage!.start();
    // The restarted server lost its data (no persistence) and its script cache.
    const [trace] = await pollUntil(() => cache.execute([{ op: 'open_call', correlationId: 'y', record: call('y') }]), {
      timeoutMs: 15_000,
      description: 'redis back',
    });
    expect(trace).toBe('y');
    await cache.close();
    await server.stop();
  });
});

describe('MemoryCorrelationCache', () => {
  it('stays within maxEntries, dropping the least recently used', async () => {
    const cache = new MemoryCorrelationCache({ maxEntries: 100 });
    for (let i = 0; i < 1000; i += 1) {
      await cache.execute([{ op: 'open_call', correlationId: `c${i}`, record: call(`c${i}`) }]);
    }
    expect(await cache.size()).toBe(100);
    expect(await cache.execute([{ op: 'get_call', correlationId: 'c0' }])).toEqual([null]);
    expect(await cache.execute([{ op: 'get_call', correlationId: 'c999' }])).not.toEqual([null]);
  });

  it('forgets entries after their TTL', async () => {
    const cache = new MemoryCorrelationCache({ ttlSeconds: 0.2 });
    await cache.execute([{ op: 'open_call', correlationId: 'c', record: call('c') }]);
    await pollUntil(async () => (await cache.execute([{ op: 'get_call', correlationId: 'c' }]))[0] === null, {
      timeoutMs: 3_000,
      description: 'entry expired',
    });
  });
});
