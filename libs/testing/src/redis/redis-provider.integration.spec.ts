import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startRedis, type RedisTestServer } from './redis-provider';

describe('Redis provider', () => {
  let redis: RedisTestServer;

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('stores and reads back through ioredis, under a key prefix of its own', async () => {
    const prefix = redis.keyPrefix('setget');
    expect(prefix).not.toEqual(redis.keyPrefix('setget'));
    const client = new Redis(redis.url, { keyPrefix: prefix });
    try {
      await client.set('greeting', 'hello', 'EX', 60);
      expect(await client.get('greeting')).toBe('hello');
      const raw = new Redis(redis.url);
      expect(await raw.get(`${prefix}greeting`)).toBe('hello');
      raw.disconnect();
    } finally {
      client.disconnect();
    }
  });
});

describe('Redis provider outage control', () => {
  let redis: RedisTestServer;

  beforeAll(async () => {
    redis = await startRedis({ outageControl: true });
  });

  afterAll(async () => {
    await redis?.stop();
  });

  it('stops the server and starts it again on the same address', async () => {
    const outage = redis.outage;
    if (outage === undefined) throw new Error('outageControl: true must give a server with outage control');
    const client = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => 100, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    expect(await client.ping()).toBe('PONG');

    await outage.stop();
    await expect(client.ping()).rejects.toThrow();

    await outage.start();
    const deadline = Date.now() + 10_000;
    let answer: string | undefined;
    while (answer === undefined && Date.now() < deadline) {
      answer = await client.ping().catch(() => undefined);
      if (answer === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toBe('PONG');
    client.disconnect();
  });
});
