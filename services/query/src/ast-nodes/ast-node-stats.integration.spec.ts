import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { knownEvents, T0 } from '../__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from '../__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from '../__fixtures__/start-query-api';
import { astNodeStatsListSchema } from '../openapi/response.schemas';

// GET /v1/ast-nodes/stats over HTTP on real ClickHouse holding the known
// dataset: main() never exits and its call raised an error event, work()
// took 2000 ns, charge() 5500 ns.

const ns = (offset: number): string => (T0 + BigInt(offset)).toString();

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

describe('GET /v1/ast-nodes/stats', () => {
  it('answers calls, errors and p50/p95/max per node, durations as decimal strings', async () => {
    const answer = await api.call(`/v1/ast-nodes/stats?from=${ns(0)}&to=${ns(9000)}`);
    expect(answer.status, answer.text).toBe(200);
    expect(astNodeStatsListSchema.safeParse(answer.body).success).toBe(true);
    expect(answer.body).toEqual({
      from: ns(0),
      to: ns(9000),
      nodes: [
        { ast_node_id: 'app.ts:1:1', calls: 1, errors: 1, p50_ns: null, p95_ns: null, max_ns: null },
        { ast_node_id: 'bill.ts:1:1', calls: 1, errors: 0, p50_ns: '5500', p95_ns: '5500', max_ns: '5500' },
        { ast_node_id: 'lib.ts:10:1', calls: 1, errors: 0, p50_ns: '2000', p95_ns: '2000', max_ns: '2000' },
      ],
      truncated: false,
    });
  });

  it('sorts, filters by service, and shows the cut at limit', async () => {
    const ids = async (query: string) => {
      const answer = await api.call(`/v1/ast-nodes/stats?from=${ns(0)}&to=${ns(9000)}${query}`);
      expect(answer.status, answer.text).toBe(200);
      const body = answer.body as { nodes: Array<{ ast_node_id: string }>; truncated: boolean };
      return [body.nodes.map((n) => n.ast_node_id), body.truncated];
    };
    expect(await ids('&sort=max')).toEqual([['bill.ts:1:1', 'lib.ts:10:1', 'app.ts:1:1'], false]);
    expect(await ids('&sort=errors&limit=1')).toEqual([['app.ts:1:1'], true]);
    expect(await ids('&service=billing')).toEqual([['bill.ts:1:1'], false]);
  });

  it.each([
    ['sort=slowest', /^sort: must be one of calls, errors, p50, p95, max, got "slowest"$/],
    ['limit=0', /^limit: must be an integer from 1 to 1000/],
    ['servce=x', /^unknown query parameter "servce"/],
  ])('rejects %s with a 400 naming the parameter', async (query, message) => {
    const answer = await api.call(`/v1/ast-nodes/stats?from=${ns(0)}&to=${ns(9000)}&${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid_parameter',
      message: expect.stringMatching(message) as unknown,
    });
  });
});
