import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { T0 } from '../__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from '../__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from '../__fixtures__/start-query-api';
import { astNodeSchema } from '../openapi/response.schemas';

// GET /v1/ast-nodes/{id} over HTTP on real ClickHouse fed by manifest events,
// with the ids the transform really produces ("/", "#", ":" inside).

const NAMED = 'src/orders/service.ts:OrderService.place:method';
const ANONYMOUS = 'src/orders/service.ts:<module>/arrow#2';

function manifest(id: string, offset: number, service: string, nodes: object[]): TemporalEvent {
  return {
    event_id: id,
    timestamp: T0 + BigInt(offset),
    event_type: 'tb.ast_nodes',
    correlation_id: `runtime-${service}`,
    service,
    timestamp_inferred: false,
    data: { file: 'src/orders/service.ts', nodes: nodes as never },
  };
}

const node = (ast_node_id: string, line: number, kind: string, name: string) => ({
  ast_node_id,
  kind,
  name,
  line,
  column: 3,
  end_line: line + 4,
  end_column: 4,
  hash: 'a1b2c3d4e5f60718',
  async: false,
  generator: false,
});

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), [
    manifest('m1', 100, 'orders', [node(NAMED, 10, 'method', 'OrderService.place'), node(ANONYMOUS, 40, 'arrow', '')]),
    manifest('m2', 200, 'orders', [node(NAMED, 12, 'method', 'OrderService.place')]),
    manifest('m3', 150, 'billing', [node(NAMED, 11, 'method', 'OrderService.place')]),
  ]);
  api = await startQueryApi(db.storage);
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

describe('GET /v1/ast-nodes/{id}', () => {
  it('answers where the node is, per service, from the latest manifest of each', async () => {
    const answer = await api.call(`/v1/ast-nodes/${encodeURIComponent(NAMED)}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      ast_node_id: NAMED,
      locations: [
        {
          service: 'billing',
          file: 'src/orders/service.ts',
          line: 11,
          column: 3,
          end_line: 15,
          end_column: 4,
          kind: 'method',
          name: 'OrderService.place',
          hash: 'a1b2c3d4e5f60718',
          seen_at: (T0 + 150n).toString(),
        },
        expect.objectContaining({ service: 'orders', line: 12, seen_at: (T0 + 200n).toString() }),
      ],
    });
    expect(astNodeSchema.safeParse(answer.body).success).toBe(true);
  });

  it('finds an anonymous function id holding "/", "#" and ":" when URL-encoded', async () => {
    const answer = await api.call(`/v1/ast-nodes/${encodeURIComponent(ANONYMOUS)}`);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ ast_node_id: ANONYMOUS, locations: [{ service: 'orders', line: 40 }] });
  });

  it('answers 404 JSON naming the id when no manifest names it', async () => {
    const answer = await api.call(`/v1/ast-nodes/${encodeURIComponent('src/x.ts:nope:function')}`);
    expect([answer.status, answer.body]).toEqual([
      404,
      { error: 'not_found', message: 'id: no instrumentation manifest names the AST node "src/x.ts:nope:function"' },
    ]);
  });

  it('leaves the static routes and the events of a node where they were', async () => {
    const active = await api.call(`/v1/ast-nodes/active?from=${T0}&to=${T0 + 1000n}`);
    expect(active.status, active.text).toBe(200);
    expect(active.body).toHaveProperty('ast_node_ids');
    const events = await api.call(`/v1/ast-nodes/${encodeURIComponent(NAMED)}/events`);
    expect([events.status, events.body]).toEqual([200, { events: [], next_cursor: null }]);
  });

  it('rejects a query parameter it does not take', async () => {
    const answer = await api.call(`/v1/ast-nodes/${encodeURIComponent(NAMED)}?service=orders`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid_parameter',
      message: expect.stringContaining('"service"') as unknown,
    });
  });
});
