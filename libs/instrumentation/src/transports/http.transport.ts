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
 * `{rejected: [{index, reason}]}`); 408, 429, 5xx and network errors are
 * retried; any other 4xx refuses the whole batch for good.
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
