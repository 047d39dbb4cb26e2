import type { Clock, TimestampWindow } from '@temporal-bridge/event-schema';
import type { TemporalStorageOptions } from '@temporal-bridge/temporal-storage';

import type { IngestObserver } from './buffer/ingest-pipeline';
import type { CorrelationCache } from './correlation/correlation-cache';
import type { RedisCorrelationCacheOptions } from './correlation/redis-correlation.cache';
import { TemporalBridgeError } from './errors';
import type { BridgeStorage } from './storage/bridge-storage';

export interface TemporalBridgeOptions {
  /** Registers the bridge under this name in the process (`TemporalBridge.whereis(name)`). */
  name?: string;
  /**
   * A storage to use (the caller keeps ownership), or options to open one
   * (the bridge opens it and closes it on stop). Default: embedded ClickHouse
   * in `./data/clickhouse`.
   */
  temporalStorage?: BridgeStorage | TemporalStorageOptions;
  /** A flush starts as soon as this many events are buffered. Default 1000. */
  bufferSize?: number;
  /** Buffered events are flushed at least this often. Default 100 ms. */
  flushIntervalMs?: number;
  /**
   * A cache to use (the caller keeps ownership), or Redis options to open one
   * (the bridge opens it and closes it on stop). Default: an in-memory LRU.
   */
  correlationCache?: CorrelationCache | RedisCorrelationCacheOptions;
  /** Buffer bound: beyond it, producers wait (backpressure). Default max(10 x bufferSize, 10 000). */
  maxBufferedEvents?: number;
  /** Largest single insert when a backlog builds up. Default max(bufferSize, 10 000). */
  maxBatchEvents?: number;
  /**
   * Inserts in flight at once; they are released in order. Default 1: on
   * embedded chdb with 2 cores, 2 did not raise throughput and made the
   * ingest-to-queryable p99 worse (smaller batches, more parts to merge).
   * Worth raising for a ClickHouse server with cores of its own.
   */
  flushConcurrency?: number;
  /** Backoff of failed flushes. Default 100 ms doubling up to 5 s. */
  retry?: { initialDelayMs?: number; maxDelayMs?: number };
  /** How long stop() keeps trying to flush before giving up. Default 30 s. */
  stopTimeoutMs?: number;
  /** Limit on an event's serialized data. Default 64 KiB. */
  maxDataBytes?: number;
  /**
   * Explicit timestamps outside this window (before retention, beyond the
   * clock-skew allowance, or in an obviously wrong unit) are rejected with
   * the reason. Default: not checked (library users replaying fixed times);
   * the services always set it from RETENTION_DAYS and MAX_CLOCK_SKEW_SECONDS.
   */
  timestampWindow?: TimestampWindow;
  clock?: Clock;
  /** Hooks for metrics: flushes, failures, rejections. */
  observer?: IngestObserver;
}

export interface ResolvedBridgeConfig {
  bufferSize: number;
  flushIntervalMs: number;
  maxBufferedEvents: number;
  maxBatchEvents: number;
  flushConcurrency: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  stopTimeoutMs: number;
}

export const DEFAULT_STORAGE: TemporalStorageOptions = {
  clickhouse: { kind: 'embedded', dataDir: 'data/clickhouse' },
};

export function resolveConfig(options: TemporalBridgeOptions): ResolvedBridgeConfig {
  const bufferSize = positive('bufferSize', options.bufferSize ?? 1000);
  return {
    bufferSize,
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs ?? 100),
    maxBufferedEvents: positive('maxBufferedEvents', options.maxBufferedEvents ?? Math.max(bufferSize * 10, 10_000)),
    maxBatchEvents: positive('maxBatchEvents', options.maxBatchEvents ?? Math.max(bufferSize, 10_000)),
    flushConcurrency: positive('flushConcurrency', options.flushConcurrency ?? 1),
    initialRetryDelayMs: positive('retry.initialDelayMs', options.retry?.initialDelayMs ?? 100),
    maxRetryDelayMs: positive('retry.maxDelayMs', options.retry?.maxDelayMs ?? 5_000),
    stopTimeoutMs: positive('stopTimeoutMs', options.stopTimeoutMs ?? 30_000),
  };
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TemporalBridgeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

export function isStorageOptions(value: BridgeStorage | TemporalStorageOptions): value is TemporalStorageOptions {
  return 'clickhouse' in value && typeof (value as { insertEvents?: unknown }).insertEvents !== 'function';
}

export function isCacheOptions(
  value: CorrelationCache | RedisCorrelationCacheOptions,
): value is RedisCorrelationCacheOptions {
  return typeof (value as { execute?: unknown }).execute !== 'function';
}
