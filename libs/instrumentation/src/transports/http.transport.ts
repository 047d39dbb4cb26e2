import type { SerializedEvent } from '@temporal-bridge/event-schema';

import {
  DEFAULT_HTTP_TIMEOUT_MS,
  endpointUrl,
  errorBody,
  isTimeout,
  readJson,
  requestHeaders,
  type HttpEndpointOptions,
} from '../support/http';
import { describeError, TransportError, type RejectedEvent, type SendResult, type Transport } from './transport';

/**
 * POSTs each batch as a JSON array to `{baseUrl}/v1/events`, the standalone
 * mode's ingest. A 2xx means stored (per-event rejections come back as
 * `{rejected: [{index, reason}]}`); a 4xx with that same body (422: no event
 * of the batch was valid) rejects every event with its own reason; 408, 429,
 * 5xx and network errors are retried; any other 4xx refuses the whole batch
 * for good.
 *
 * @example
 * const runtime = new InstrumentationRuntime({
 *   service: 'shop',
 *   transport: { kind: 'http', baseUrl: 'http://localhost:4000', apiKey: process.env.TB_API_KEY },
 * });
 */
export class HttpTransport implements Transport {
  readonly name = 'http';
  private readonly url: URL;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: HttpEndpointOptions) {
    this.url = endpointUrl(options.baseUrl, 'v1/events');
    this.headers = requestHeaders(options.apiKey, true);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  async send(events: readonly SerializedEvent[]): Promise<SendResult> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const what = isTimeout(error) ? `no answer within ${this.timeoutMs} ms` : describeError(error);
      throw new TransportError(`POST ${this.url.href} failed: ${what}`, true, { cause: error });
    }
    const body = await readJson(response).catch(() => undefined);
    if (response.ok) return { rejected: rejectedOf(body, events.length) };
    const refused = everyEventRejected(response.status, body, events.length);
    if (refused !== undefined) return { rejected: refused };
    const { error, message } = errorBody(body);
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    const detail = [error, message].filter((part) => part !== undefined).join(': ');
    throw new TransportError(
      `POST ${this.url.href} answered ${response.status}${detail ? ` (${detail})` : ''}`,
      retryable,
      {
        status: response.status,
      },
    );
  }

  async close(): Promise<void> {}
}

/**
 * A 4xx carrying the ingest's per-index body with nothing accepted: each
 * event is final (sending it again fails the same way), so it is reported as
 * rejected with its own reason rather than as a failed batch. An index the
 * body does not name still was not stored, so it gets the status as reason.
 */
function everyEventRejected(status: number, body: unknown, count: number): RejectedEvent[] | undefined {
  if (status < 400 || status >= 500 || status === 408 || status === 429) return undefined;
  const answer = body as { accepted?: unknown; rejected?: unknown } | undefined;
  if (answer?.accepted !== 0 || !Array.isArray(answer.rejected)) return undefined;
  const reasons = new Map(rejectedOf(body, count).map((r) => [r.index, r.reason]));
  return Array.from({ length: count }, (_, index) => ({
    index,
    reason: reasons.get(index) ?? `ingest answered ${status} with no reason for this event`,
  }));
}

/** The per-event rejections of a 2xx answer; anything malformed is ignored (2xx means stored). */
function rejectedOf(body: unknown, count: number): RejectedEvent[] {
  const list = (body as { rejected?: unknown } | undefined)?.rejected;
  if (!Array.isArray(list)) return [];
  const out: RejectedEvent[] = [];
  for (const item of list as unknown[]) {
    const { index, reason } = (item ?? {}) as { index?: unknown; reason?: unknown };
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count) continue;
    out.push({ index, reason: typeof reason === 'string' ? reason : JSON.stringify(reason) });
  }
  return out;
}
