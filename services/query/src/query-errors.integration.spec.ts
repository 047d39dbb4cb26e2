import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { knownEvents, T0 } from './__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from './__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from './__fixtures__/start-query-api';

// API keys on and off, and a real storage outage.

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), knownEvents);
  api = await startQueryApi(db.storage);
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

const from = T0.toString();
const to = (T0 + 10_000n).toString();

describe('API keys', () => {
  let guarded: RunningQueryApi;

  beforeAll(async () => {
    guarded = await startQueryApi(db.storage, { apiKeys: ['key-one', 'key-two'] });
  });

  afterAll(async () => {
    await guarded?.close();
  });

  it('require a valid bearer key on every /v1 route', async () => {
    for (const path of [
      '/v1/events?from=1&to=2',
      '/v1/ast-nodes/a/events',
      '/v1/correlations/c/events',
      '/v1/ast-nodes/active?from=1&to=2',
      '/v1/state?at=1',
      '/v1/events/e1/path',
      '/v1/stats',
    ]) {
      const missing = await guarded.call(path);
      expect([path, missing.status, missing.body]).toEqual([
        path,
        401,
        { error: 'unauthorized', message: 'missing header Authorization: Bearer <API key>' },
      ]);
      expect(missing.headers['www-authenticate']).toBe('Bearer realm="temporal-bridge"');
      const wrong = await guarded.call(path, { headers: { authorization: 'Bearer key-three' } });
      expect([path, wrong.status, wrong.body]).toEqual([
        path,
        401,
        { error: 'unauthorized', message: 'the API key is not valid' },
      ]);
      const right = await guarded.call(path, { headers: { authorization: 'Bearer key-two' } });
      expect([path, right.status]).toEqual([path, 200]);
    }
  });

  it('check the key before validating parameters', async () => {
    expect((await guarded.call('/v1/events?from=bad')).status).toBe(401);
  });

  it('leave health, readiness, metrics and docs open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/docs', '/openapi.json']) {
      expect([path, (await guarded.call(path)).status]).toEqual([path, 200]);
    }
  });

  it('are not required when none is configured', async () => {
    expect((await api.call('/v1/stats')).status).toBe(200);
  });
});

describe('storage outage', () => {
  it('answers 503 storage_unavailable while the database is gone, and recovers', async () => {
    const query = { query: 'DETACH DATABASE {db:Identifier}', query_params: { db: db.database } };
    await db.server.client.command(query);
    try {
      for (const path of [
        `/v1/events?from=${from}&to=${to}`,
        '/v1/correlations/c-root/events',
        '/v1/state?at=1',
        '/v1/stats',
      ]) {
        const answer = await api.call(path);
        expect([path, answer.status, answer.body]).toEqual([
          path,
          503,
          { error: 'storage_unavailable', message: expect.stringMatching(/^storage is unavailable: /) as unknown },
        ]);
      }
    } finally {
      await db.server.client.command({ ...query, query: 'ATTACH DATABASE {db:Identifier}' });
    }
    expect((await api.call(`/v1/events?from=${from}&to=${to}`)).status).toBe(200);
  });
});
