import {
  DEFAULT_HTTP_TIMEOUT_MS,
  endpointUrl,
  errorBody,
  isTimeout,
  readJson,
  requestHeaders,
  type HttpEndpointOptions,
} from '../support/http';
import { describeError } from '../transports/transport';
import { RemoteBridgeError } from './remote-bridge.error';

/**
 * JSON over HTTP to the temporal-bridge REST API (query service or
 * standalone), with every failure mapped to a RemoteBridgeError.
 */
export class RestClient {
  private readonly timeoutMs: number;

  constructor(private readonly endpoint: HttpEndpointOptions) {
    this.timeoutMs = endpoint.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  get(route: string, query?: Record<string, string | undefined>): Promise<unknown> {
    return this.request('GET', route, query, undefined);
  }

  post(route: string, body?: unknown): Promise<unknown> {
    return this.request('POST', route, undefined, body);
  }

  /**
   * The lines of a streamed (NDJSON) answer, as they arrive. The timeout is
   * an idle timeout here: an export may last minutes, but never `timeoutMs`
   * without a byte. A body cut before its end (the server lost storage
   * mid-stream) rejects with `incomplete_answer`, never ends quietly.
   */
  async *lines(route: string, query?: Record<string, string | undefined>): AsyncGenerator<string> {
    const url = endpointUrl(this.endpoint.baseUrl, route, query);
    const what = `GET ${url.pathname}${url.search}`;
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(new DOMException('idle', 'TimeoutError')), this.timeoutMs);
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new DOMException('idle', 'TimeoutError')), this.timeoutMs);
    };
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: requestHeaders(this.endpoint.apiKey, false),
          signal: controller.signal,
        });
      } catch (error) {
        throw this.unreachable(what, error);
      }
      if (!response.ok || response.body === null) {
        const answer = await readJson(response).catch(() => undefined);
        throw this.failed(what, response.status, answer);
      }
      const decoder = new TextDecoder();
      let rest = '';
      try {
        for await (const chunk of response.body) {
          touch();
          rest += decoder.decode(chunk as Uint8Array, { stream: true });
          const parts = rest.split('\n');
          rest = parts.pop() ?? '';
          for (const line of parts) if (line !== '') yield line;
        }
      } catch (error) {
        throw new RemoteBridgeError(`${what}: the answer was cut before its end (${describeError(error)})`, {
          status: response.status,
          code: isTimeout(error) ? 'timeout' : 'incomplete_answer',
          cause: error,
        });
      }
      rest += decoder.decode();
      if (rest !== '') yield rest;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }

  private async request(
    method: 'GET' | 'POST',
    route: string,
    query: Record<string, string | undefined> | undefined,
    body: unknown,
  ): Promise<unknown> {
    const url = endpointUrl(this.endpoint.baseUrl, route, query);
    const what = `${method} ${url.pathname}${url.search}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: requestHeaders(this.endpoint.apiKey, body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(what, error);
    }
    let answer: unknown;
    try {
      answer = await readJson(response);
    } catch (error) {
      throw new RemoteBridgeError(`${what}: the answer could not be read`, {
        status: response.status,
        code: 'bad_response',
        cause: error,
      });
    }
    if (response.ok) return answer;
    throw this.failed(what, response.status, answer);
  }

  private unreachable(what: string, error: unknown): RemoteBridgeError {
    const timeout = isTimeout(error);
    const reason = timeout ? `no answer within ${this.timeoutMs} ms` : describeError(error);
    return new RemoteBridgeError(`${what} failed: ${reason}`, {
      code: timeout ? 'timeout' : 'network_error',
      cause: error,
    });
  }

  private failed(what: string, status: number, answer: unknown): RemoteBridgeError {
    const { error, message } = errorBody(answer);
    return new RemoteBridgeError(message ?? `${what} answered ${status}`, {
      status,
      code: error ?? `http_${status}`,
      body: answer,
    });
  }
}
