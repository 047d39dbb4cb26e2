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
      const timeout = isTimeout(error);
      const reason = timeout ? `no answer within ${this.timeoutMs} ms` : describeError(error);
      throw new RemoteBridgeError(`${what} failed: ${reason}`, {
        code: timeout ? 'timeout' : 'network_error',
        cause: error,
      });
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
    const { error, message } = errorBody(answer);
    throw new RemoteBridgeError(message ?? `${what} answered ${response.status}`, {
      status: response.status,
      code: error ?? `http_${response.status}`,
      body: answer,
    });
  }
}
