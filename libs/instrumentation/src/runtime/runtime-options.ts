import { hostname } from 'node:os';

import { DEFAULT_MAX_DATA_BYTES, MAX_DATA_DEPTH, systemClock, type Clock } from '@temporal-bridge/event-schema';

import { DEFAULT_REDACT_KEYS } from '../capture/redactor';
import { type RetryOptions } from '../pipeline/backoff';
import { type DropPolicy } from '../pipeline/event-queue';
import { type KafkaTransportOptions } from '../transports/kafka.transport';
import { type Transport } from '../transports/transport';
import { type HttpEndpointOptions } from '../support/http';
import { CounterIdGenerator, isValidId, type IdGenerator } from '../support/ids';

/**
 * A transport by configuration; or pass any object implementing `Transport`.
 *
 * @example
 * const kafka: TransportConfig = { kind: 'kafka', brokers: ['kafka:9092'] };
 * const http: TransportConfig = { kind: 'http', baseUrl: 'http://localhost:4000' };
 * const local: TransportConfig = { kind: 'in-process' };
 */
export type TransportConfig =
  ({ kind: 'kafka' } & KafkaTransportOptions) | ({ kind: 'http' } & HttpEndpointOptions) | { kind: 'in-process' };

/**
 * The bounded queue between the application and the transport.
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, queue: { capacity: 50_000, batchSize: 1_000, lingerMs: 50 } });
 */
export interface QueueOptions {
  /** Events held while the transport is slow or down, in flight included (default 10 000). */
  capacity?: number;
  /** Events per send (default 500). */
  batchSize?: number;
  /** Wait for a fuller batch at most this long, in ms (default 20). */
  lingerMs?: number;
  /** Which event gives way when full (default `drop-oldest`: a debugger wants the latest history). */
  dropPolicy?: DropPolicy;
}

/**
 * Which traces and events are kept (see README, "Sampling").
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, sampling: { traceRate: 0.1, astNodeRates: { 'health.ts:3': 0 } } });
 */
export interface SamplingOptions {
  /** Rate for AST nodes not listed in `astNodeRates` (default 1). */
  defaultRate?: number;
  /** Rate per ast_node_id, 0..1. Applies where a trace starts and to events outside any call. */
  astNodeRates?: Record<string, number>;
  /** Share of traces kept, decided once at the root call (default 1). */
  traceRate?: number;
}

/**
 * What is recorded of application values, and how it is bounded.
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, capture: { redactKeys: ['password', 'cookie'], maxStringLength: 256 } });
 */
export interface CaptureOptions {
  /** Object keys whose values are masked (case-insensitive substrings, or RegExps). Default: password, token, secret, authorization. */
  redactKeys?: ReadonlyArray<string | RegExp>;
  /** Default 1024 characters. */
  maxStringLength?: number;
  /** Default 8 levels, at most 16. */
  maxDepth?: number;
  /** Items per array/set/map and keys per object (default 100). */
  maxItems?: number;
  /** Limit on serialized `data` (default 64 KiB, the bridge's default; never set it above the bridge's). */
  maxDataBytes?: number;
  /** Record arguments of traced calls when they are known (decorator, wrap, `args` option). Default true. */
  captureArgs?: boolean;
  /** Record return values of traced calls (default false: results are often large or private). */
  captureResult?: boolean;
}

/**
 * Drop counts since the last report, handed to `onDrops`.
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, onDrops: (d) => logger.warn({ dropped: d }, 'events dropped') });
 */
export type DropReport = Record<'queue_full' | 'rejected' | 'invalid' | 'shutdown', number>;

/**
 * Options of `new InstrumentationRuntime(...)` and `install(...)`; only `service` is required.
 *
 * @example
 * const runtime = new InstrumentationRuntime({
 *   service: 'checkout',
 *   transport: { kind: 'kafka', brokers: ['kafka:9092'] },
 *   queue: { capacity: 20_000 },
 *   sampling: { traceRate: 0.25 },
 * });
 */
export interface InstrumentationOptions {
  /** Who emits: stamped on every event (1..128 characters). */
  service: string;
  /** Default `<hostname>-<pid>`. */
  instance?: string;
  /** Default true; with `false`, or without a transport, every call costs next to nothing. */
  enabled?: boolean;
  transport?: TransportConfig | Transport;
  /** `data.module` of function_entry events from `traced()` without a module (default: the service). */
  module?: string;
  queue?: QueueOptions;
  retry?: RetryOptions;
  sampling?: SamplingOptions;
  capture?: CaptureOptions;
  /** How often drops are reported as a `log` event (default 10 000 ms; 0 turns the event off, not the counting). */
  dropReportIntervalMs?: number;
  /** Called with each drop report too, e.g. to log locally. */
  onDrops?: (dropped: DropReport) => void;
  clock?: Clock;
  /** Sampling and backoff jitter (default Math.random). */
  random?: () => number;
  /** Correlation ids (default: random prefix + counter). */
  ids?: IdGenerator;
}

/**
 * An option that cannot work; thrown by the constructor, never by emission.
 *
 * @example
 * try { new InstrumentationRuntime({ service: '' }); } catch (e) { if (e instanceof InstrumentationConfigError) console.error(e.message); }
 */
export class InstrumentationConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstrumentationConfigError';
  }
}

export type ResolvedOptions = ReturnType<typeof resolveOptions>;

/** Defaults applied and values checked once, at construction. */
export function resolveOptions(options: InstrumentationOptions) {
  if (!isValidId(options.service)) throw new InstrumentationConfigError('service must be 1..128 characters of text');
  const instance = options.instance ?? `${hostname()}-${process.pid}`.slice(0, 128);
  if (!isValidId(instance)) throw new InstrumentationConfigError('instance must be 1..128 characters of text');
  const queue = options.queue ?? {};
  const capacity = integer('queue.capacity', queue.capacity ?? 10_000, 1);
  const capture = options.capture ?? {};
  const sampling = options.sampling ?? {};
  for (const [id, rate] of Object.entries(sampling.astNodeRates ?? {})) checkRate(`sampling.astNodeRates.${id}`, rate);
  return {
    service: options.service,
    instance,
    enabled: (options.enabled ?? true) && options.transport !== undefined,
    module: options.module ?? options.service,
    queue: {
      capacity,
      // A batch counts against capacity while in flight: it cannot be larger.
      batchSize: Math.min(capacity, integer('queue.batchSize', queue.batchSize ?? 500, 1)),
      lingerMs: integer('queue.lingerMs', queue.lingerMs ?? 20, 0),
      dropPolicy: queue.dropPolicy ?? 'drop-oldest',
    },
    retry: options.retry ?? {},
    sampling: {
      defaultRate: checkRate('sampling.defaultRate', sampling.defaultRate ?? 1),
      traceRate: checkRate('sampling.traceRate', sampling.traceRate ?? 1),
      astNodeRates: new Map(Object.entries(sampling.astNodeRates ?? {})),
    },
    capture: {
      redactKeys: capture.redactKeys ?? DEFAULT_REDACT_KEYS,
      maxStringLength: integer('capture.maxStringLength', capture.maxStringLength ?? 1024, 16),
      maxDepth: Math.min(16, MAX_DATA_DEPTH, integer('capture.maxDepth', capture.maxDepth ?? 8, 1)),
      maxItems: integer('capture.maxItems', capture.maxItems ?? 100, 1),
      maxDataBytes: integer('capture.maxDataBytes', capture.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES, 4096),
      captureArgs: capture.captureArgs ?? true,
      captureResult: capture.captureResult ?? false,
    },
    dropReportIntervalMs: integer('dropReportIntervalMs', options.dropReportIntervalMs ?? 10_000, 0),
    onDrops: options.onDrops,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    ids: options.ids ?? new CounterIdGenerator(),
  };
}

function integer(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InstrumentationConfigError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkRate(name: string, rate: number): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    throw new InstrumentationConfigError(`${name} must be a rate between 0 and 1, got ${String(rate)}`);
  }
  return rate;
}
