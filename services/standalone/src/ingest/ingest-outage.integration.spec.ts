import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import { clickHouseClient, pollUntil } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStandaloneApp } from '../app/create-standalone-app';
import { loadStandaloneConfig } from '../config/standalone.config';

/**
 * HTTP ingest while storage is down or refuses rows, on the real standalone
 * application and its embedded ClickHouse (the test opens a second
 * connection on the same data directory to detach the database, or to add a
 * constraint that makes ClickHouse refuse a row).
 */
const TIMEOUT_MS = 600;
const BASE = BigInt(Date.now() - 600_000) * 1_000_000n;

let dataDir: string;
let app: NestFastifyApplication;
let admin: Awaited<ReturnType<typeof clickHouseClient>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tb-ingest-outage-'));
  const config = loadStandaloneConfig({
    DATA_DIR: dataDir,
    BUFFER_SIZE: '5',
    MAX_BUFFERED_EVENTS: '5',
    FLUSH_INTERVAL_MS: '20',
    INGEST_TIMEOUT_MS: String(TIMEOUT_MS),
    LOG_LEVEL: 'silent',
  });
  app = await createStandaloneApp(config, createLogger('ingest-outage', 'silent'));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  admin = await clickHouseClient({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse') });
});

afterAll(async () => {
  await admin?.close();
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function batch(tag: string, count: number, type = 'log'): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    event_id: `${tag}-${i}`,
    event_type: type,
    correlation_id: tag,
    timestamp: (BASE + BigInt(i)).toString(),
  }));
}

async function post(body: unknown) {
  const started = Date.now();
  const response = await app.inject({ method: 'POST', url: '/v1/events', payload: body as object });
  return {
    status: response.statusCode,
    retryAfter: response.headers['retry-after'],
    body: response.json<{ error?: string; message?: string; accepted?: number; rejected?: unknown[] }>(),
    ms: Date.now() - started,
  };
}

async function stored(correlation: string): Promise<number> {
  const response = await app.inject({ method: 'GET', url: `/v1/correlations/${correlation}/events` });
  return response.json<{ events: unknown[] }>().events.length;
}

describe('POST /v1/events during a storage outage', () => {
  it('answers 503 within INGEST_TIMEOUT_MS for every wait, and says which events will still be stored', async () => {
    await admin.command({ query: 'DETACH DATABASE temporal_bridge' });
    let attached = false;
    try {
      // Fits the buffer, cannot be stored: kept, and stored once storage is back.
      const kept = await post(batch('kept', 5));
      expect(kept.status).toBe(503);
      expect(kept.retryAfter).toBe('5');
      expect(kept.body.error).toBe('storage_unavailable');
      expect(kept.body.message).toMatch(
        /the 5 valid events were not stored within 600 ms.*all kept and will be stored/,
      );

      // The buffer is full: this one waits for space, and must not wait past the deadline.
      const refused = await post(batch('refused', 3));
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('5');
      expect(refused.body.message).toMatch(/none of the events were accepted.*nothing of this request will be stored/);
      expect(refused.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(refused.ms).toBeLessThan(TIMEOUT_MS + 3_000);

      await admin.command({ query: 'ATTACH DATABASE temporal_bridge' });
      attached = true;
    } finally {
      if (!attached) await admin.command({ query: 'ATTACH DATABASE temporal_bridge' });
    }
    await pollUntil(async () => (await stored('kept')) === 5, { timeoutMs: 20_000, description: 'kept events stored' });
    const flush = await app.inject({ method: 'POST', url: '/v1/flush' });
    expect(flush.statusCode).toBe(200);
    // What the answer said would not be stored is not stored later.
    expect(await stored('refused')).toBe(0);
  });
});

describe('POST /v1/events with an event ClickHouse refuses', () => {
  it('stores the others and rejects that one by index with ClickHouse reason', async () => {
    await admin.command({
      query: "ALTER TABLE temporal_bridge.events ADD CONSTRAINT no_poison CHECK event_type != 'poison'",
    });
    try {
      const body = [...batch('mixed', 3), { ...batch('mixed-p', 1, 'poison')[0], correlation_id: 'mixed' }];
      body.push({ ...batch('mixed-late', 1)[0], correlation_id: 'mixed' });
      const answer = await post(body);
      expect(answer.status).toBe(202);
      expect(answer.body.accepted).toBe(4);
      expect(answer.body.rejected).toEqual([
        { index: 3, reason: expect.stringMatching(/^storage refused the event: .*no_poison/) as unknown },
      ]);
      expect(await stored('mixed')).toBe(4);
    } finally {
      await admin.command({ query: 'ALTER TABLE temporal_bridge.events DROP CONSTRAINT no_poison' });
    }
  });
});
