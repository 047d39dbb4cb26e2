import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import {
  buildProjects,
  freePort,
  pollUntil,
  repoPath,
  startKafka,
  startRedis,
  TetheredProcess,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bridgeEnv, committedToEnd, metricValue, newSetup, produce, waitReady } from './test-support/bridge-harness';
import { BASE_NS, calls } from './test-support/event-factory';

/**
 * The bridge as it runs in production: a separate process started from the
 * build. This file opens no ClickHouse of its own until the end, because
 * the child holds the embedded data directory exclusively while it runs.
 */
let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let dataDir: string;

beforeAll(async () => {
  [kafka, redis] = await Promise.all([startKafka(), startRedis(), buildProjects('services/bridge/tsconfig.app.json')]);
  dataDir = await mkdtemp(join(tmpdir(), 'bridge-process-'));
});

afterAll(async () => {
  await Promise.all([kafka?.stop(), redis?.stop()]);
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function spawnBridge(env: Record<string, string>): Promise<{ proc: TetheredProcess; url: string }> {
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [repoPath('services/bridge/dist/main.js')], {
    tether: true,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, 90_000);
  } catch (error) {
    throw new Error(`bridge did not become ready:\n${proc.output()}`, { cause: error });
  }
  return { proc, url };
}

describe('bridge process', () => {
  it('survives kill -9 mid-stream: after a restart the stored set equals the produced set, without duplicates', async () => {
    const setup = await newSetup(kafka, redis);
    const env = bridgeEnv(setup, { kind: 'embedded', dataDir }, 'crash', { BUFFER_SIZE: '200' });
    const batches = Array.from({ length: 10 }, (_, i) => calls(250, { tag: `crash-${i}` }));
    const produced = batches.flatMap((b) => b.eventIds);

    let { proc, url } = await spawnBridge(env);
    for (const [i, batch] of batches.entries()) {
      await produce(kafka, setup.topic, batch.messages);
      if (i === 3) {
        // Mid-stream: some batches stored and committed, some in flight.
        await pollUntil(async () => (await metricValue(url, 'tb_bridge_events_stored_total')) > 0, {
          timeoutMs: 30_000,
        });
        await proc.signal('SIGKILL');
        expect(await proc.exited).toBe(137);
        ({ proc, url } = await spawnBridge(env));
      }
    }
    await pollUntil(() => committedToEnd(kafka, setup.groupId, setup.topic), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'every offset committed after the restart',
    });

    // Graceful stop: SIGTERM flushes, commits and leaves the group.
    await proc.signal('SIGTERM');
    expect(await proc.exited).toBe(0);

    const storage = await TemporalStorage.open({ clickhouse: { kind: 'embedded', dataDir }, database: 'crash' });
    try {
      const stored: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.getEventsInRange(0n, BASE_NS * 2n, { cursor, limit: 10_000 });
        stored.push(...page.events.map((e) => e.event_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
      expect(stored).toHaveLength(produced.length);
      expect(new Set(stored)).toEqual(new Set(produced));
      expect((await storage.getStats()).total_events).toBe(produced.length);
    } finally {
      await storage.close();
    }
  });

  it('refuses to start on a bad environment, naming the variable', async () => {
    const proc = TetheredProcess.spawn(process.execPath, [repoPath('services/bridge/dist/main.js')], {
      tether: true,
      env: {
        ...process.env,
        KAFKA_BROKERS: 'not a broker list',
        REDIS_URL: 'http://nope',
        CLICKHOUSE_DATA_DIR: dataDir,
      },
    });
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toMatch(/KAFKA_BROKERS: must be host:port/);
    expect(proc.output()).toMatch(/REDIS_URL: must start with redis:\/\/ or rediss:\/\//);
  });
});
