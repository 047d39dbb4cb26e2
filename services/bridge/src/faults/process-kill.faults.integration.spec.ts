import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { uuidv7 } from '@temporal-bridge/event-schema';
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

import { bridgeEnv, committedToEnd, metricValue, newSetup, produce, waitReady } from '../test-support/bridge-harness';
import { BASE_NS, calls } from '../test-support/event-factory';
import { FaultReport, peakRssMb } from './fault-report';

/**
 * The fault matrix, part 2: processes killed with SIGKILL, started from the
 * build as in production. The children hold the embedded ClickHouse data
 * directory exclusively, so this file opens it only once they are gone.
 */
let kafka: KafkaTestCluster;
let redis: RedisTestServer;
let dataDir: string;
const report = new FaultReport();

beforeAll(async () => {
  [kafka, redis] = await Promise.all([
    startKafka(),
    startRedis(),
    buildProjects('services/bridge/tsconfig.app.json'),
    buildProjects('services/standalone/tsconfig.app.json'),
  ]);
  dataDir = await mkdtemp(join(tmpdir(), 'fault-kill-'));
});

afterAll(async () => {
  report.print();
  await Promise.all([kafka?.stop(), redis?.stop()]);
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

interface Child {
  proc: TetheredProcess;
  url: string;
  /** Peak RSS of the program, read just before it is killed or stopped. */
  peak(): Promise<number>;
}

async function spawn(main: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort();
  const proc = TetheredProcess.spawn(process.execPath, [repoPath(main)], {
    tether: true,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'fatal' },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, 90_000);
  } catch (error) {
    throw new Error(`${main} did not become ready:\n${proc.output()}`, { cause: error });
  }
  return { proc, url, peak: async () => peakRssMb(await proc.pid()) };
}

// Three kills and restarts, each waiting for a group rejoin (a session
// timeout with the mock cluster): ~40 s on a quiet machine, more under load.
const KILL_CASE_TIMEOUT_MS = 180_000;

describe('fault matrix (processes killed)', () => {
  it(
    'bridge killed with SIGKILL mid-batch, restarted, three times: stored set = produced set, no duplicates',
    async () => {
      const setup = await newSetup(kafka, redis);
      const env = bridgeEnv(setup, { kind: 'embedded', dataDir: join(dataDir, 'clickhouse') }, 'kill3', {
        BUFFER_SIZE: '200',
      });
      const batches = Array.from({ length: 8 }, (_, i) => calls(150, { tag: `kill3-${i}` }));
      const produced = batches.flatMap((b) => b.eventIds);
      let peak = 0;
      let child = await spawn('services/bridge/dist/main.js', env);
      let lastRestart = Date.now();
      for (const [i, batch] of batches.entries()) {
        await produce(kafka, setup.topic, batch.messages);
        if (i === 1 || i === 3 || i === 5) {
          // Mid-batch: something stored, the rest of what was fetched buffered or in flight.
          const before = await metricValue(child.url, 'tb_bridge_events_stored_total');
          await pollUntil(async () => (await metricValue(child.url, 'tb_bridge_events_stored_total')) > before, {
            timeoutMs: 30_000,
          });
          peak = Math.max(peak, await child.peak());
          await child.proc.signal('SIGKILL');
          expect(await child.proc.exited).toBe(137);
          lastRestart = Date.now();
          child = await spawn('services/bridge/dist/main.js', env);
        }
      }
      await pollUntil(() => committedToEnd(kafka, setup.groupId, setup.topic), {
        timeoutMs: 120_000,
        intervalMs: 500,
        description: 'every offset committed after the restarts',
      });
      const recoverMs = Date.now() - lastRestart;
      peak = Math.max(peak, await child.peak());
      await child.proc.signal('SIGTERM');
      expect(await child.proc.exited).toBe(0);

      const storage = await TemporalStorage.open({
        clickhouse: { kind: 'embedded', dataDir: join(dataDir, 'clickhouse') },
        database: 'kill3',
      });
      try {
        const stored: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await storage.getEventsInRange(0n, BASE_NS * 2n, { cursor, limit: 10_000 });
          stored.push(...page.events.map((e) => e.event_id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor !== undefined);
        expect(new Set(stored)).toEqual(new Set(produced));
        expect(stored).toHaveLength(produced.length);
        // Calls paired across the kills: every exit has its duration.
        for (const id of ['kill3-1-call-149', 'kill3-3-call-0', 'kill3-5-call-75']) {
          const { events } = await storage.getEventsForCorrelation(id);
          expect(events.find((e) => e.event_type === 'function_exit')?.duration_ns).toBe(1_000_000n);
        }
        report.add({
          case: 'bridge SIGKILL mid-batch x3, restarted',
          sent: produced.length,
          stored: stored.length,
          duplicates: stored.length - new Set(stored).size,
          recoverMs,
          peakRssMb: peak,
        });
      } finally {
        await storage.close();
      }
    },
    KILL_CASE_TIMEOUT_MS,
  );

  it(
    'standalone killed with SIGKILL right after a 2xx, restarted (three times): everything acknowledged is there',
    async () => {
      const env = { DATA_DIR: dataDir, FLUSH_INTERVAL_MS: '50' };
      const acknowledged: string[] = [];
      let peak = 0;
      let recoverMs = 0;
      let child = await spawn('services/standalone/dist/main.js', env);
      const post = (body: unknown): Promise<Response> =>
        fetch(`${child.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      // An open call before the kills: after them, its child and its exit arrive (issue: restart breaks open traces).
      const open = {
        event_id: uuidv7(),
        event_type: 'function_entry',
        correlation_id: 'sa-open',
        timestamp: BASE_NS.toString(),
      };
      expect((await post([open])).status).toBe(202);
      acknowledged.push(open.event_id);
      for (let round = 0; round < 3; round += 1) {
        for (let request = 0; request < 5; request += 1) {
          const events = Array.from({ length: 40 }, (_, i) => ({
            event_id: uuidv7(),
            event_type: 'log',
            correlation_id: `kill-sa-${round}-${request}`,
            timestamp: (BASE_NS + BigInt(round * 1000 + request * 50 + i)).toString(),
          }));
          const response = await post(events);
          expect(response.status).toBe(202);
          acknowledged.push(...events.map((e) => e.event_id));
          if (request === 4) {
            // Right after the 2xx: no graceful flush, no chance to finish anything.
            peak = Math.max(peak, await child.peak());
            await child.proc.signal('SIGKILL');
            expect(await child.proc.exited).toBe(137);
            const restarted = Date.now();
            child = await spawn('services/standalone/dist/main.js', env);
            recoverMs = Math.max(recoverMs, Date.now() - restarted);
          }
          await response.arrayBuffer().catch(() => undefined);
        }
      }
      const late = [
        {
          event_id: uuidv7(),
          event_type: 'function_entry',
          correlation_id: 'sa-child',
          parent_id: 'sa-open',
          timestamp: (BASE_NS + 5_000n).toString(),
        },
        {
          event_id: uuidv7(),
          event_type: 'function_exit',
          correlation_id: 'sa-open',
          timestamp: (BASE_NS + 9_000n).toString(),
        },
      ];
      expect((await post(late)).status).toBe(202);
      acknowledged.push(...late.map((e) => e.event_id));
      const child1 = (await (await fetch(`${child.url}/v1/correlations/sa-child/events`)).json()) as {
        events: Array<{ trace_id?: string }>;
      };
      expect(child1.events[0]?.trace_id).toBe('sa-open');
      const root = (await (await fetch(`${child.url}/v1/correlations/sa-open/events`)).json()) as {
        events: Array<{ event_type: string; duration_ns?: string }>;
      };
      expect(root.events.find((e) => e.event_type === 'function_exit')?.duration_ns).toBe('9000');

      const stored: string[] = [];
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({
          from: BASE_NS.toString(),
          to: (BASE_NS + 10_000n).toString(),
          limit: '10000',
          ...(cursor === undefined ? {} : { cursor }),
        });
        const answer = await fetch(`${child.url}/v1/events?${query.toString()}`);
        expect(answer.status).toBe(200);
        const page = (await answer.json()) as {
          events: Array<{ event_id: string }>;
          next_cursor: string | null;
        };
        stored.push(...page.events.map((e) => e.event_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined);
      const kept = stored.filter((id) => acknowledged.includes(id));
      expect(new Set(kept)).toEqual(new Set(acknowledged));
      expect(kept).toHaveLength(acknowledged.length);
      peak = Math.max(peak, await child.peak());
      await child.proc.signal('SIGTERM');
      await child.proc.exited;
      report.add({
        case: 'standalone SIGKILL right after a 2xx x3, restarted',
        sent: acknowledged.length,
        stored: kept.length,
        duplicates: kept.length - new Set(kept).size,
        recoverMs,
        peakRssMb: peak,
      });
    },
    KILL_CASE_TIMEOUT_MS,
  );
});
