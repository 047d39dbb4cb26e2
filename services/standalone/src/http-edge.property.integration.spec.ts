import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createStandaloneApp } from './app/create-standalone-app';
import { loadStandaloneConfig } from './config/standalone.config';

/**
 * Property-based tests of the HTTP edge: generated hostile requests (odd
 * encodings, huge numbers, deep JSON, unicode, NUL bytes, wrong types in
 * every parameter and body field) at every route of the OpenAPI document of
 * the real standalone application on embedded ClickHouse. Storage is up, so
 * no answer may be a 5xx (503/504 are for real outages only), and every
 * error is JSON naming the problem.
 */
interface Operation {
  method: 'GET' | 'POST';
  path: string;
  pathParams: string[];
  queryParams: string[];
}

let dataDir: string;
let app: NestFastifyApplication;
const operations: Operation[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tb-http-edge-'));
  const config = loadStandaloneConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', INGEST_TIMEOUT_MS: '5000' });
  app = await createStandaloneApp(config, createLogger('http-edge', 'silent'));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
  }>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (method !== 'get' && method !== 'post') continue;
      const params = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase() as 'GET' | 'POST',
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
});

afterAll(async () => {
  await app?.close();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Strings a careless or hostile client sends. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '%00',
    '%',
    '%E0%A4%A',
    '\uD800',
    '9'.repeat(400),
    '-9223372036854775809',
    '1e309',
    'NaN',
    '-0',
    '0x10',
    'now-10m',
    '2026-13-45T99:99:99Z',
    '[]',
    '{}',
    'null',
    'true',
    "' OR 1=1 --",
    '../../etc/passwd',
    '𝕿𝖊𝖒𝖕𝖔𝖗𝖆𝖑',
  ),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double().map(String),
);

/** JSON values of every shape, including deep nesting and wrong types. */
const deep = (depth: number): unknown => (depth === 0 ? 'x' : [deep(depth - 1)]);
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(deep(3000), { event_type: deep(200) }, 1e308, -0, null, true, 'string'),
  fc.array(
    fc.dictionary(
      fc.constantFrom(
        'event_id',
        'event_type',
        'correlation_id',
        'timestamp',
        'parent_id',
        'trace_id',
        'seq',
        'data',
        'service',
        'extra\u0000',
      ),
      fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 }), fc.constant(2 ** 64), fc.constant(null)),
    ),
    { maxLength: 5 },
  ),
);

function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    // A lone surrogate: send the raw bytes' percent-encoding as a client that does not check would.
    return Buffer.from(value, 'utf8').toString('hex').replace(/(..)/g, '%$1');
  }
}

async function expectSaneAnswer(response: Awaited<ReturnType<NestFastifyApplication['inject']>>, what: string) {
  expect(response.statusCode, `${what}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode >= 400) {
    const body = response.json<{ error?: unknown; message?: unknown }>();
    expect(typeof body.error, `${what}: error code`).toBe('string');
    expect(typeof body.message, `${what}: message`).toBe('string');
    expect((body.message as string).length, `${what}: message`).toBeGreaterThan(0);
  }
}

describe('the HTTP edge under generated hostile requests', () => {
  it('finds the routes of the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(8);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toContain('POST /v1/events');
  });

  it('answers every GET route with a 2xx or a JSON 4xx, never a 5xx', async () => {
    const gets = operations.filter((o) => o.method === 'GET' && o.path.startsWith('/v1'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...gets),
        fc.array(hostileString, { minLength: 4, maxLength: 4 }),
        fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
        fc.boolean(),
        async (op, values, extra, repeat) => {
          let path = op.path;
          op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, encode(values[i] ?? 'x') || 'x')));
          const query = op.queryParams.map((name, i) => `${name}=${encode(values[(i + 1) % 4]!)}`);
          // A parameter given twice, and parameters nobody declared.
          if (repeat && op.queryParams[0] !== undefined) query.push(`${op.queryParams[0]}=${encode(values[0]!)}`);
          for (const [k, v] of Object.entries(extra)) query.push(`${encode(k)}=${encode(v)}`);
          const url = `${path}?${query.join('&')}`;
          await expectSaneAnswer(await app.inject({ method: 'GET', url }), `GET ${url}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers POST /v1/events with a 2xx or a JSON 4xx for any body and content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileJson,
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'text/plain',
          'application/json; charset=latin1',
          '',
        ),
        fc.boolean(),
        async (value, contentType, asNdjson) => {
          const payload =
            asNdjson && Array.isArray(value)
              ? (value as unknown[]).map((v) => JSON.stringify(v)).join('\n')
              : (JSON.stringify(value) ?? 'undefined');
          const response = await app.inject({
            method: 'POST',
            url: '/v1/events',
            headers: contentType === '' ? {} : { 'content-type': contentType },
            payload,
          });
          await expectSaneAnswer(response, `POST /v1/events (${contentType}) ${payload.slice(0, 120)}`);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('answers malformed bodies (broken JSON, bad UTF-8, NUL bytes) with a JSON 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
          fc.constantFrom(
            Buffer.from('[{"a":'),
            Buffer.from([0x5b, 0xc3, 0x28, 0x5d]),
            Buffer.from('[\u0000]'),
            Buffer.from('\uFEFF[]'),
          ),
        ),
        async (payload) => {
          const response = await app.inject({
            method: 'POST',
            url: '/v1/events',
            headers: { 'content-type': 'application/json' },
            payload,
          });
          await expectSaneAnswer(response, `POST /v1/events bytes ${payload.toString('hex').slice(0, 80)}`);
        },
      ),
      { numRuns: 80 },
    );
  });
});
