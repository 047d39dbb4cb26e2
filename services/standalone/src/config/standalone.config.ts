import { resolve } from 'node:path';

import { DEFAULT_MAX_CLOCK_SKEW_SECONDS } from '@temporal-bridge/event-schema';
import { checkLimits, queryApiEnvShape } from '@temporal-bridge/query';
import { envInt, envString, loadConfig } from '@temporal-bridge/service-kit';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Standalone mode's environment (README, "Configuration"): every setting has
 * a default, so `npm start` needs none. The query API's settings are the
 * query service's own.
 */
export const standaloneConfigSchema = z
  .object({
    PORT: envInt(4000, { min: 0, max: 65_535 }),
    // Loopback unless told otherwise: captured arguments and state can hold personal data.
    HOST: envString('127.0.0.1'),
    DATA_DIR: envString('./data').transform((dir) => resolve(dir)),
    LOG_LEVEL: envString('info').pipe(
      z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(issue.input)}"` }),
    ),
    RETENTION_DAYS: envInt(30, { min: 0, max: 36_500 }),
    // How far ahead of this host a producer's clock may run (see timestampWindowProblem).
    MAX_CLOCK_SKEW_SECONDS: envInt(DEFAULT_MAX_CLOCK_SKEW_SECONDS, { min: 0, max: 31_536_000 }),
    BUFFER_SIZE: envInt(1000, { min: 1, max: 1_000_000 }),
    FLUSH_INTERVAL_MS: envInt(100, { min: 1, max: 600_000 }),
    FLUSH_CONCURRENCY: envInt(1, { min: 1, max: 16 }),
    // Buffered events are the largest part of the heap (~4 KB each decoded): 20,000 keeps the
    // process within docs/operations.md "Memory" and still holds two rounds of 8 x 1000-event posts.
    MAX_BUFFERED_EVENTS: envInt(20_000, { min: 1 }),
    MAX_EVENT_DATA_BYTES: envInt(65_536, { min: 1024, max: 16 * 1_048_576 }),
    INGEST_MAX_BODY_BYTES: envInt(16 * 1_048_576, { min: 1024, max: 1_073_741_824 }),
    INGEST_MAX_EVENTS: envInt(10_000, { min: 1, max: 1_000_000 }),
    INGEST_TIMEOUT_MS: envInt(30_000, { min: 100, max: 600_000 }),
    // Bytes of request bodies ingest holds at once (each parsed body costs ~3x its size in heap
    // until it is answered); past it a request gets 503 ingest_busy + Retry-After, unread.
    INGEST_MAX_PENDING_BYTES: envInt(16 * 1_048_576, { min: 1024, max: 1_073_741_824 }),
    // ~0.5 KB of heap per call and message pair, kept until their TTL (one hour): 100,000 is
    // ~55 MiB when full; an open call evicted earlier is recovered from storage at its exit.
    CORRELATION_CACHE_ENTRIES: envInt(100_000, { min: 1_000 }),
    // Old-generation growth allowed past the live heap before a full GC (V8 flag
    // --heap-growing-percent, set at start; 0: V8's own heuristic, which lets the heap reach
    // 3-4x the live size under sustained ingest). 50 measured in docs/operations.md "Memory".
    V8_HEAP_GROWING_PERCENT: envInt(50, { min: 0, max: 1_000 }),
    SHUTDOWN_TIMEOUT_MS: envInt(30_000, { min: 1_000 }),
    ...queryApiEnvShape,
  })
  .superRefine(checkLimits);

export type StandaloneConfig = z.output<typeof standaloneConfigSchema>;

export function loadStandaloneConfig(env: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  return loadConfig(standaloneConfigSchema, env);
}

/** Loopback addresses: only this machine can connect. */
const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost|::ffff:127(\.\d{1,3}){3})$/i;

/**
 * The warning to log at start when the server is reachable beyond this
 * machine with no API_KEYS (anyone who can reach it reads and writes every
 * event), or undefined.
 */
export function exposureWarning(config: Pick<StandaloneConfig, 'HOST' | 'API_KEYS'>): string | undefined {
  if (LOOPBACK.test(config.HOST) || config.API_KEYS.length > 0) return undefined;
  return `listening on ${config.HOST} without API_KEYS: anyone who can reach this port can read every stored event (captured arguments and state can hold personal data) and write new ones; set API_KEYS, or HOST=127.0.0.1`;
}
