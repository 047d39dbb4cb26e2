import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { knownEvents, T0 } from './__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from './__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from './__fixtures__/start-query-api';

// Bad input of every kind gets a 4xx JSON answer naming the problem, never a
// 500 and never a silent empty answer.

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), knownEvents);
  api = await startQueryApi(db.storage, { limits: { maxResultRows: 500, maxRangeSeconds: 3600 } });
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

const from = T0.toString();
const to = (T0 + 10_000n).toString();
const long = 'x'.repeat(129);

/** [what, method, path, status, error code, message pattern] */
const badInputs: Array<[string, string, string, number, string, RegExp]> = [
  ['missing from and to', 'GET', '/v1/events', 400, 'invalid_parameter', /^from: is required; to: is required$/],
  [
    'malformed timestamp',
    'GET',
    `/v1/events?from=yesterday&to=${to}`,
    400,
    'invalid_parameter',
    /^from: must be nanoseconds .*got "yesterday"$/,
  ],
  [
    'impossible ISO date',
    'GET',
    `/v1/events?from=2026-02-30T00:00:00Z&to=${to}`,
    400,
    'invalid_parameter',
    /^from: must be/,
  ],
  [
    'ISO without zone',
    'GET',
    `/v1/events?from=2026-01-01T00:00:00&to=${to}`,
    400,
    'invalid_parameter',
    /^from: must be/,
  ],
  [
    'timestamp beyond int64',
    'GET',
    `/v1/events?from=${from}&to=9223372036854775808`,
    400,
    'invalid_parameter',
    /^to: must be/,
  ],
  ['negative timestamp', 'GET', `/v1/events?from=-1&to=${to}`, 400, 'invalid_parameter', /^from: must be/],
  ['from after to', 'GET', `/v1/events?from=${to}&to=${from}`, 400, 'invalid_parameter', /^from: must not be after to/],
  [
    'range above the maximum',
    'GET',
    `/v1/events?from=0&to=3600000000001`,
    400,
    'invalid_parameter',
    /^to: the range from\.\.to spans 3600\.000000001 s; at most 3600 s/,
  ],
  [
    'active range above the maximum',
    'GET',
    `/v1/ast-nodes/active?from=0&to=7200000000000`,
    400,
    'invalid_parameter',
    /^to: the range .* at most 3600 s/,
  ],
  [
    'limit above the maximum',
    'GET',
    `/v1/events?from=${from}&to=${to}&limit=501`,
    400,
    'invalid_parameter',
    /^limit: must be an integer from 1 to 500, got "501"$/,
  ],
  [
    'limit zero',
    'GET',
    '/v1/correlations/c/events?limit=0',
    400,
    'invalid_parameter',
    /^limit: must be an integer from 1 to 500/,
  ],
  [
    'limit not a number',
    'GET',
    '/v1/ast-nodes/a/events?limit=lots',
    400,
    'invalid_parameter',
    /^limit: must be an integer/,
  ],
  [
    'repeated parameter',
    'GET',
    `/v1/events?from=${from}&from=${from}&to=${to}`,
    400,
    'invalid_parameter',
    /^from: must be given once, got 2$/,
  ],
  [
    'unknown parameter',
    'GET',
    `/v1/events?from=${from}&to=${to}&servce=a`,
    400,
    'invalid_parameter',
    /^unknown query parameter "servce" \(this route accepts: from, to, service, limit, cursor\)$/,
  ],
  [
    'parameter on a route without any',
    'GET',
    '/v1/stats?verbose=1',
    400,
    'invalid_parameter',
    /^unknown query parameter "verbose" \(this route accepts: none\)$/,
  ],
  ['garbage query string', 'GET', '/v1/state?&&==&%%%&at', 400, 'invalid_parameter', /^at: must be/],
  ['query string of separators only', 'GET', '/v1/correlations/c/events?&&&', 200, '', /.*/],
  ['missing instant', 'GET', '/v1/state?service=a', 400, 'invalid_parameter', /^at: is required$/],
  [
    'bracket syntax',
    'GET',
    '/v1/state?at[]=1',
    400,
    'invalid_parameter',
    /^at: is required; unknown query parameter "at\[\]" \(this route accepts: at, service, trace_id\)$/,
  ],
  ['matrix-style parameters', 'GET', '/v1/state?at=1;x=2', 400, 'invalid_parameter', /^at: must be .*got "1;x=2"$/],
  ['overlong UTF-8 in the path', 'GET', '/v1/correlations/%C0%AF/events', 400, 'invalid_url', /not valid/],
  [
    'service too long',
    'GET',
    `/v1/state?at=${from}&service=${long}`,
    400,
    'invalid_parameter',
    /^service: must be at most 128 characters, got 129$/,
  ],
  [
    'empty trace id',
    'GET',
    `/v1/state?at=${from}&trace_id=`,
    400,
    'invalid_parameter',
    /^trace_id: must not be empty$/,
  ],
  [
    'AST node id too long',
    'GET',
    `/v1/ast-nodes/${long}/events`,
    400,
    'invalid_parameter',
    /^id: must be at most 128 characters, got 129$/,
  ],
  [
    'encoded id too long',
    'GET',
    `/v1/correlations/${'%2F'.repeat(129)}/events`,
    400,
    'invalid_parameter',
    /^id: must be at most 128 characters, got 129$/,
  ],
  ['event id too long', 'GET', `/v1/events/${long}/path`, 400, 'invalid_parameter', /^event_id: must be at most 128/],
  [
    'absurdly long path parameter',
    'GET',
    `/v1/events/${'y'.repeat(5000)}/path`,
    414,
    'uri_too_long',
    /^a path parameter is longer than \d+ characters; ids are at most 128$/,
  ],
  ['malformed percent-encoding in the path', 'GET', '/v1/ast-nodes/%E0%A4%A/events', 400, 'invalid_url', /not valid/],
  ['bad cursor', 'GET', '/v1/correlations/c-root/events?cursor=not-a-cursor', 400, 'invalid_parameter', /^cursor: /],
  [
    'empty cursor',
    'GET',
    '/v1/correlations/c-root/events?cursor=',
    400,
    'invalid_parameter',
    /^cursor: must not be empty/,
  ],
  [
    'oversized cursor',
    'GET',
    `/v1/correlations/c-root/events?cursor=${'c'.repeat(1025)}`,
    400,
    'invalid_parameter',
    /^cursor: is not a cursor this server issued/,
  ],
  [
    'unknown route',
    'GET',
    '/v1/nothing',
    404,
    'not_found',
    /^no route GET \/v1\/nothing; the routes are listed at \/docs$/,
  ],
  ['unknown version', 'GET', '/v2/events', 404, 'not_found', /^no route GET \/v2\/events/],
  [
    'route with a missing segment',
    'GET',
    '/v1/ast-nodes//events',
    404,
    'not_found',
    /^no route GET \/v1\/ast-nodes\/\/events/,
  ],
  [
    'wrong method',
    'POST',
    '/v1/events',
    405,
    'method_not_allowed',
    /^POST is not allowed on \/v1\/events; use GET, HEAD$/,
  ],
  [
    'wrong method with a body',
    'DELETE',
    '/v1/state?at=1',
    405,
    'method_not_allowed',
    /^DELETE is not allowed on \/v1\/state/,
  ],
  ['wrong method on an unknown route', 'PUT', '/v1/nothing', 404, 'not_found', /^no route PUT \/v1\/nothing/],
];

describe('bad input gets a 4xx JSON error naming the problem', () => {
  it.each(badInputs)('%s', async (_what, method, path, status, code, message) => {
    const answer = await api.call(path, { method, body: method === 'DELETE' ? '{"x":' : undefined });
    expect(answer.status, answer.text).toBe(status);
    if (status === 200) return;
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ error: code, message: expect.stringMatching(message) as unknown });
  });

  it('answers HEAD like GET, without a body', async () => {
    const bad = await api.call('/v1/state?at=bad', { method: 'HEAD' });
    expect([bad.status, bad.headers['content-type'], bad.text]).toEqual([
      400,
      expect.stringMatching(/^application\/json/) as unknown,
      '',
    ]);
    expect((await api.call(`/v1/state?at=${from}`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers a wrong method with the allowed ones', async () => {
    expect((await api.call('/v1/stats', { method: 'PATCH' })).headers['allow']).toBe('GET, HEAD');
  });

  it('rejects a cursor from another query instead of answering wrongly', async () => {
    const first = (await api.call('/v1/correlations/c-root/events?limit=1')).body as { next_cursor: string };
    const answer = await api.call(
      `/v1/events?from=${from}&to=${to}&cursor=${encodeURIComponent(first.next_cursor)}&limit=1`,
    );
    // Either storage tells the cursors apart (400), or the cursor is a pure position and still valid.
    expect([200, 400]).toContain(answer.status);
    if (answer.status === 400)
      expect(answer.body).toMatchObject({
        error: 'invalid_parameter',
        message: expect.stringMatching(/^cursor: /) as unknown,
      });
  });
});
