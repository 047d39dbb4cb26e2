import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@temporal-bridge/service-kit';
import { Histogram, type Registry } from 'prom-client';

import type { QueryApiOptions } from '../api/query-api.options';
import { QUERY_API_OPTIONS, TEMPORAL_STORAGE } from '../api/query-api.tokens';
import type { QueryStorage } from '../api/query-storage';
import { ApiError } from '../errors/api-error';
import { storageErrorToApiError } from '../errors/storage-error.mapping';

/** The storage primitives, as labelled in the latency metric. */
export type StoragePrimitive = Exclude<keyof QueryStorage, 'ping'>;

/**
 * Every storage call of the API goes through here, which
 * - times it per primitive (histogram `<prefix>storage_query_duration_seconds`);
 * - gives it one AbortSignal that fires when the client disconnects (so the
 *   ClickHouse query is cancelled, not left running for nobody) or when
 *   QUERY_TIMEOUT_MS passes (a deadline even for a call stuck before ClickHouse);
 * - turns storage's typed errors into HTTP answers.
 */
@Injectable()
export class StorageQueries {
  private readonly latency: Histogram<'primitive' | 'outcome'>;

  constructor(
    @Inject(TEMPORAL_STORAGE) private readonly storage: QueryStorage,
    @Inject(QUERY_API_OPTIONS) private readonly options: QueryApiOptions,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.latency = new Histogram({
      name: `${options.metricsPrefix ?? 'tb_'}storage_query_duration_seconds`,
      help: 'Latency of storage (ClickHouse) calls made by the query API, per primitive.',
      labelNames: ['primitive', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Runs `call` on storage under the request's signal and the deadline; see the class comment. */
  async run<T>(
    primitive: StoragePrimitive,
    clientSignal: AbortSignal | undefined,
    call: (storage: QueryStorage, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    // A storage call that ignores its signal must not hold the request past the deadline.
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
    });
    const timeoutMs = this.options.queryTimeoutMs;
    const deadline = setTimeout(() => controller.abort(deadlineError(timeoutMs)), timeoutMs);
    const onClientGone = (): void => controller.abort(clientSignal?.reason);
    if (clientSignal?.aborted === true) onClientGone();
    else clientSignal?.addEventListener('abort', onClientGone, { once: true });
    const stop = this.latency.startTimer({ primitive });
    try {
      const result = await Promise.race([call(this.storage, controller.signal), aborted]);
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: 'error' });
      // Whatever error the aborted call raised, the abort's reason is the answer.
      if (controller.signal.aborted && controller.signal.reason instanceof ApiError) throw controller.signal.reason;
      throw storageErrorToApiError(error) ?? error;
    } finally {
      clearTimeout(deadline);
      clientSignal?.removeEventListener('abort', onClientGone);
    }
  }
}

function deadlineError(timeoutMs: number): ApiError {
  return new ApiError(504, 'query_timeout', `the query did not finish within ${timeoutMs} ms (QUERY_TIMEOUT_MS)`);
}
