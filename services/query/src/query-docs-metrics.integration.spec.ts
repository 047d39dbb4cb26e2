import { startClickHouse } from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { knownEvents, T0 } from './__fixtures__/known-dataset';
import { openStorageWith, type StorageUnderTest } from './__fixtures__/real-storage';
import { startQueryApi, type RunningQueryApi } from './__fixtures__/start-query-api';

// The OpenAPI document generated from the code, its UI, CORS and metrics.

let db: StorageUnderTest;
let api: RunningQueryApi;

beforeAll(async () => {
  db = await openStorageWith(await startClickHouse(), knownEvents);
  api = await startQueryApi(db.storage, { corsOrigins: ['https://ui.example'] });
});

afterAll(async () => {
  await api?.close();
  await db?.stop();
});

interface Operation {
  parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }>;
  security?: unknown[];
}

describe('OpenAPI', () => {
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    const answer = await api.call('/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body as typeof doc;
  });

  const routes: Array<[string, Record<string, [string, boolean]>, string]> = [
    [
      '/v1/events',
      {
        from: ['query', true],
        to: ['query', true],
        service: ['query', false],
        limit: ['query', false],
        cursor: ['query', false],
      },
      'EventPage',
    ],
    [
      '/v1/ast-nodes/{id}/events',
      { id: ['path', true], limit: ['query', false], cursor: ['query', false] },
      'EventPage',
    ],
    [
      '/v1/correlations/{id}/events',
      { id: ['path', true], limit: ['query', false], cursor: ['query', false] },
      'EventPage',
    ],
    ['/v1/ast-nodes/active', { from: ['query', true], to: ['query', true] }, 'ActiveAstNodes'],
    ['/v1/ast-nodes/{id}', { id: ['path', true] }, 'AstNode'],
    [
      '/v1/ast-nodes/stats',
      {
        from: ['query', true],
        to: ['query', true],
        service: ['query', false],
        sort: ['query', false],
        limit: ['query', false],
      },
      'AstNodeStatsList',
    ],
    [
      '/v1/traces',
      {
        from: ['query', true],
        to: ['query', true],
        service: ['query', false],
        error: ['query', false],
        min_duration_ms: ['query', false],
        sort: ['query', false],
        limit: ['query', false],
        cursor: ['query', false],
      },
      'TracePage',
    ],
    [
      '/v1/traces/{trace_id}/events',
      { trace_id: ['path', true], limit: ['query', false], cursor: ['query', false] },
      'EventPage',
    ],
    ['/v1/state', { at: ['query', true], service: ['query', false], trace_id: ['query', false] }, 'StateSnapshot'],
    ['/v1/events/{event_id}/path', { event_id: ['path', true] }, 'ExecutionPath'],
    ['/v1/stats', {}, 'Stats'],
    [
      '/v1/calls',
      {
        from: ['query', true],
        to: ['query', true],
        service: ['query', false],
        trace_id: ['query', false],
        limit: ['query', false],
        cursor: ['query', false],
      },
      'CallPage',
    ],
    [
      '/v1/events/histogram',
      { from: ['query', true], to: ['query', true], buckets: ['query', true], service: ['query', false] },
      'EventHistogram',
    ],
  ];

  it.each(routes)('documents GET %s: every parameter, the answer and the errors', (path, parameters, answer) => {
    const operation = doc.paths[path]?.['get'];
    expect(operation, `${path} missing from ${Object.keys(doc.paths).join(', ')}`).toBeDefined();
    const documented = Object.fromEntries(operation!.parameters.map((p) => [p.name, [p.in, p.required]]));
    expect(documented).toEqual(parameters);
    expect(operation!.responses['200']?.content?.['application/json'].schema).toEqual({
      $ref: `#/components/schemas/${answer}`,
    });
    for (const status of ['400', '401', '503', '504']) {
      expect(operation!.responses[status]?.content?.['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
    expect(operation!.security).toEqual([{ bearer: [] }]);
  });

  it('documents parameter types and bounds from the validating schemas', () => {
    const events = doc.paths['/v1/events']!['get']!.parameters;
    expect(events.find((p) => p.name === 'limit')?.schema).toEqual({ type: 'integer', minimum: 1 });
    expect(events.find((p) => p.name === 'service')?.schema).toEqual({ type: 'string', minLength: 1, maxLength: 128 });
    expect(doc.paths['/v1/events/{event_id}/path']!['get']!.responses['404']).toBeDefined();
    expect(doc.paths['/v1/ast-nodes/{id}']!['get']!.responses['404']).toBeDefined();
  });

  it('documents the NDJSON export: its window, no limit, its media type', () => {
    const operation = doc.paths['/v1/events/export']!['get']!;
    expect(Object.fromEntries(operation.parameters.map((p) => [p.name, [p.in, p.required]]))).toEqual({
      from: ['query', true],
      to: ['query', true],
      service: ['query', false],
    });
    expect(Object.keys(operation.responses['200']?.content ?? {})).toEqual(['application/x-ndjson']);
    expect(operation.responses['400']?.content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('lists health, readiness and metrics, and defines every referenced schema', () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(doc.paths[path]?.['get']).toBeDefined();
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(new Set(refs)).toEqual(
      new Set([
        'EventPage',
        'Event',
        'ActiveAstNodes',
        'AstNode',
        'AstNodeLocation',
        'TracePage',
        'TraceSummary',
        'AstNodeStatsList',
        'AstNodeStats',
        'StateSnapshot',
        'StateEntry',
        'ActiveCall',
        'ExecutionPath',
        'PathStep',
        'Stats',
        'Error',
        'CallPage',
        'WindowCall',
        'EventHistogram',
      ]),
    );
    for (const ref of refs) expect(doc.components.schemas[ref], ref).toBeDefined();
  });

  it('serves the UI at /docs', async () => {
    const answer = await api.call('/docs');
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/swagger-ui/i);
  });
});

describe('CORS', () => {
  it('allows the configured origin, not others', async () => {
    const preflight = (origin: string) =>
      api.call('/v1/events', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://ui.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://ui.example');
    expect(String(allowed.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect((await preflight('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('metrics', () => {
  it('count requests and time them per route pattern and status, and time storage per primitive', async () => {
    await api.call(`/v1/events?from=${T0}&to=${T0 + 1000n}`);
    await api.call('/v1/correlations/c-root/events');
    await api.call('/v1/correlations/c-child/events');
    await api.call('/v1/events?from=bad');
    await api.call('/v1/nothing/here');
    const text = (await api.call('/metrics')).text;
    const line = (pattern: string) => text.split('\n').find((l) => l.startsWith(pattern));
    expect(line('tb_query_http_requests_total{method="GET",route="/v1/events",status="200"}')).toMatch(/ 1$/);
    expect(line('tb_query_http_requests_total{method="GET",route="/v1/correlations/:id/events",status="200"}')).toMatch(
      / 2$/,
    );
    expect(line('tb_query_http_requests_total{method="GET",route="/v1/events",status="400"}')).toMatch(/ 1$/);
    expect(line('tb_query_http_requests_total{method="GET",route="<unmatched>",status="404"}')).toMatch(/ 1$/);
    expect(
      line(
        'tb_query_http_request_duration_seconds_count{method="GET",route="/v1/correlations/:id/events",status="200"}',
      ),
    ).toMatch(/ 2$/);
    expect(
      line('tb_query_storage_query_duration_seconds_count{primitive="getEventsForCorrelation",outcome="ok"}'),
    ).toMatch(/ 2$/);
    expect(line('tb_query_storage_query_duration_seconds_count{primitive="getEventsInRange",outcome="ok"}')).toMatch(
      / 1$/,
    );
    expect(line('tb_query_process_cpu_user_seconds_total')).toBeDefined();
  });
});
