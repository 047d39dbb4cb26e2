import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startOtlpTestApp, type OtlpTestApp } from './test-support/otlp-test-app';

/**
 * Under backpressure OTLP/HTTP answers 429 with Retry-After (exporters retry
 * then) instead of holding requests; what was answered 200 is stored.
 */
let app: OtlpTestApp;

beforeAll(async () => {
  app = await startOtlpTestApp({ MAX_BUFFERED_EVENTS: '100', BUFFER_SIZE: '50' });
});

afterAll(async () => {
  await app?.close();
});

const now = BigInt(Date.now()) * 1_000_000n;

/** 30 spans (60 events): two such requests do not fit the 100-event buffer at once. */
function request(): { body: string; spanIds: string[] } {
  const traceId = randomBytes(16).toString('hex');
  const spans = Array.from({ length: 30 }, (_, i) => ({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: `op-${i}`,
    startTimeUnixNano: String(now + BigInt(i)),
    endTimeUnixNano: String(now + BigInt(i) + 100n),
  }));
  return {
    body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    spanIds: spans.map((s) => s.spanId),
  };
}

describe('POST /v1/traces under backpressure', () => {
  it('answers 429 with Retry-After while the buffer is full, and stores every span it answered 200 for', async () => {
    const requests = Array.from({ length: 24 }, request);
    const answers = await Promise.all(
      requests.map(async ({ body }) => {
        const response = await fetch(`${app.url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: await response.json(),
        };
      }),
    );
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    for (const answer of refused) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({
        error: 'too_many_requests',
        message: expect.stringContaining('the bridge buffer is full') as string,
      });
    }
    const stored = answers.flatMap((a, i) => (a.status === 200 ? requests[i]!.spanIds : []));
    expect(stored.length).toBeGreaterThan(0);
    for (const spanId of stored) expect(await app.events(spanId)).toHaveLength(2);
    expect(await app.metrics()).toMatch(
      /tb_standalone_otlp_requests_refused_total\{signal="traces",reason="backpressure"\} [1-9]/,
    );
  });

  it('a request larger than the whole buffer is 413, not a retry that can never succeed', async () => {
    const spans = [request(), request()].flatMap(
      ({ body }) =>
        (JSON.parse(body) as { resourceSpans: [{ scopeSpans: [{ spans: unknown[] }] }] }).resourceSpans[0].scopeSpans[0]
          .spans,
    );
    const response = await fetch(`${app.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toContain('MAX_BUFFERED_EVENTS');
  });
});
