import { deserializeEvent, serializeEvent, type SerializedEvent } from '@temporal-bridge/event-schema';
import { StorageUnavailableError } from '@temporal-bridge/temporal-storage';
import { startClickHouse } from '@temporal-bridge/testing';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiOrder, knownEvents, T0, tiedEvents } from '../__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from '../__fixtures__/real-storage';
import { StandInStorage } from '../__fixtures__/stand-in-storage';
import { startQueryApi, type RunningQueryApi } from '../__fixtures__/start-query-api';

// GET /v1/events/export over HTTP on real ClickHouse, with a server whose
// pages are tiny (MAX_RESULT_ROWS 7) and whose range cap is one second, so
// that the stream must page internally across a window the cap would refuse.

const DAY = 86_400_000_000_000n;
const old = { ...knownEvents[0]!, event_id: 'two-days-ago', timestamp: T0 - 2n * DAY, correlation_id: 'c-old' };
const everything = [old, ...knownEvents, ...tiedEvents(30)].sort(apiOrder);

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), everything);
  api = await startQueryApi(db.storage, { limits: { maxResultRows: 7, defaultLimit: 7, maxRangeSeconds: 1 } });
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

function lines(text: string): SerializedEvent[] {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SerializedEvent);
}

describe('GET /v1/events/export', () => {
  it('streams every event of a window wider than MAX_RANGE_SECONDS as NDJSON, in order, paging inside', async () => {
    const answer = await api.call(`/v1/events/export?from=${T0 - 3n * DAY}&to=${T0 + DAY}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(lines(answer.text)).toEqual(everything.map(serializeEvent));
    expect(lines(answer.text).map(deserializeEvent)).toEqual(everything);
  });

  it('filters by service, and answers an empty body for an empty window', async () => {
    const billing = await api.call(`/v1/events/export?from=${T0}&to=${T0 + DAY}&service=billing`);
    expect(lines(billing.text).map((e) => e.event_id)).toEqual(['e8', 'e9']);
    const empty = await api.call(`/v1/events/export?from=${T0 + DAY}&to=${T0 + 2n * DAY}`);
    expect([empty.status, empty.text]).toEqual([200, '']);
  });

  it.each([
    [`from=${T0 + 1n}&to=${T0}`, /^from: must not be after to/],
    [`from=${T0}`, /^to: /],
    [`from=${T0}&to=${T0}&limit=5`, /^unknown query parameter "limit"/],
  ])('rejects %s with a JSON 400 naming the parameter', async (query, message) => {
    const answer = await api.call(`/v1/events/export?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid_parameter',
      message: expect.stringMatching(message) as unknown,
    });
  });
});

describe('GET /v1/events/export when storage fails', () => {
  const storage = new StandInStorage();
  let failing: RunningQueryApi;
  beforeAll(async () => {
    failing = await startQueryApi(storage);
  });
  afterAll(async () => {
    await failing?.close();
  });

  it('answers a JSON 503 when the first page fails', async () => {
    storage.behaviour.getEventsInRange = async () => Promise.reject(new StorageUnavailableError('ClickHouse is down'));
    const answer = await failing.call(`/v1/events/export?from=0&to=${T0}`);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'storage_unavailable' });
  });

  it('cuts the connection when a later page fails, so the export never looks complete', async () => {
    let calls = 0;
    storage.behaviour.getEventsInRange = async () => {
      calls += 1;
      if (calls === 1) return { events: knownEvents.slice(0, 2), next_cursor: 'more' };
      throw new StorageUnavailableError('ClickHouse went away');
    };
    const response = await request(`${failing.base}/v1/events/export?from=0&to=${T0}`);
    expect(response.statusCode).toBe(200);
    await expect(response.body.text()).rejects.toThrow();
    expect(calls).toBe(2);
  });
});
