import { request, type ClientRequest, type IncomingMessage } from 'node:http';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startOtlpTestApp, type OtlpTestApp } from '../otlp/test-support/otlp-test-app';

/**
 * INGEST_MAX_PENDING_BYTES: the bodies ingest holds at once are bounded in
 * bytes; a request past the bound is answered 503 ingest_busy with
 * Retry-After before it is read, stores nothing, and goes through once the
 * others are answered.
 */
const LIMIT = 4096;
let app: OtlpTestApp;

beforeAll(async () => {
  app = await startOtlpTestApp({ INGEST_MAX_PENDING_BYTES: String(LIMIT) });
});

afterAll(async () => {
  await app?.close();
});

/** Chunked requests left open by a failing test would keep the server from closing. */
const opened: ClientRequest[] = [];
afterEach(() => {
  for (const req of opened.splice(0)) req.destroy();
});

const BASE = BigInt(Date.now() - 60_000) * 1_000_000n;

/** A JSON array of `count` log events of correlation `id`, padded so the body has about `bytes` bytes. */
function body(id: string, count: number, bytes = 0): string {
  const pad = 'x'.repeat(Math.ceil(bytes / count));
  return JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      event_id: `${id}-${i}`,
      event_type: 'log',
      correlation_id: id,
      timestamp: (BASE + BigInt(i)).toString(),
      data: { pad },
    })),
  );
}

/** A POST /v1/events whose body is sent later, chunked (no Content-Length): it stays pending meanwhile. */
function openChunked(): { req: ClientRequest; answer: Promise<{ status: number; body: Record<string, unknown> }> } {
  const url = new URL('/v1/events', app.url);
  let req!: ClientRequest;
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res: IncomingMessage) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  opened.push(req);
  return { req, answer };
}

async function post(
  text: string,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${app.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('ingest bodies held at once (INGEST_MAX_PENDING_BYTES)', () => {
  it('answers 503 ingest_busy with Retry-After past the bound, stores nothing of it, and takes it once the others are answered', async () => {
    const pending = openChunked();
    const first = body('held', 2);
    pending.req.write(first.slice(0, 20));
    // Let the server admit the chunked request before the next one arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const big = body('pushed-back', 5, LIMIT);
    expect(Buffer.byteLength(big)).toBeGreaterThan(LIMIT);
    const refused = await post(big);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body['error']).toBe('ingest_busy');
    expect(String(refused.body['message'])).toMatch(
      /INGEST_MAX_PENDING_BYTES 4096.*nothing of it is stored.*send it again/,
    );

    // A small body still fits next to the pending one.
    expect((await post(body('small', 1))).status).toBe(202);

    pending.req.end(first.slice(20));
    expect((await pending.answer).status).toBe(202);
    expect(await app.events('pushed-back')).toHaveLength(0);

    // Alone, a body larger than the bound is admitted (it is within INGEST_MAX_BODY_BYTES).
    const again = await post(big);
    expect(again.status).toBe(202);
    expect(again.body['accepted']).toBe(5);
    expect(await app.events('pushed-back')).toHaveLength(5);
    expect(await app.events('held')).toHaveLength(2);
  });

  it('counts a chunked body as it arrives: one that overflows next to a pending request is answered 503 ingest_busy', async () => {
    const pending = openChunked();
    const first = body('held-2', 2);
    pending.req.write(first.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const overflowing = openChunked();
    overflowing.req.end(body('chunked-over', 5, LIMIT * 2));
    const answer = await overflowing.answer;
    expect(answer.status).toBe(503);
    expect(answer.body['error']).toBe('ingest_busy');

    pending.req.end(first.slice(20));
    expect((await pending.answer).status).toBe(202);
    expect(await app.events('chunked-over')).toHaveLength(0);
    expect(await app.events('held-2')).toHaveLength(2);
  });
});
