import { AsyncLocalStorage } from 'node:async_hooks';

import { EVENT_TYPE_PATTERN, parseEvent } from '@temporal-bridge/event-schema';

import { EventDataBuilder } from '../capture/event-data.builder';
import { Redactor } from '../capture/redactor';
import { EventSender } from '../pipeline/event-sender';
import { type StatsCounters } from '../pipeline/runtime-stats';
import { createTransport } from '../transports/create-transport';
import { type Transport } from '../transports/transport';
import { IdCheck, isValidId, type IdGenerator } from '../support/ids';
import { type CallContext } from './call-context';
import { CallTracer } from './call-tracer';
import { CurrentContext } from './current-context';
import { EventRecorder } from './event-recorder';
import { InstrumentationConfigError, type ResolvedOptions, type TransportConfig } from './runtime-options';
import { Sampler } from './sampler';

/**
 * Severity of a `log` event.
 *
 * @example
 * runtime.log('error', 'payment failed', { order: 7 });
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The parts of an enabled runtime, wired once. Each emit decides sampling
 * from the current call, builds `data` (redacted, bounded) and queues the
 * event; anything that goes wrong is counted, never thrown.
 */
export class RuntimeCore {
  readonly store = new AsyncLocalStorage<CallContext>();
  /** The call running now: automatic probes and `traced()` share it (see CurrentContext). */
  readonly context = new CurrentContext(this.store);
  readonly sender: EventSender;
  readonly tracer: CallTracer;
  readonly transportName: string;
  // Read by the automatic probes (src/auto), which build their events on the same pipeline.
  readonly recorder: EventRecorder;
  readonly data: EventDataBuilder;
  readonly sampler: Sampler;
  readonly ids: IdGenerator;
  readonly settings: {
    captureArgs: boolean;
    captureResult: boolean;
    maxStringLength: number;
    maxDataBytes: number;
  };
  private readonly idCheck = new IdCheck();

  constructor(
    options: ResolvedOptions,
    transportConfig: TransportConfig | Transport,
    readonly stats: StatsCounters,
  ) {
    const transport = createTransport(transportConfig);
    this.transportName = transport.name;
    this.sender = new EventSender(transport, options.queue, stats, options.random, options.retry);
    const ambientId = options.ids.next();
    if (!isValidId(ambientId))
      throw new InstrumentationConfigError(`ids.next() gave an invalid id: ${JSON.stringify(ambientId)}`);
    const producer = { service: options.service, instance: options.instance };
    this.recorder = new EventRecorder(this.sender, options.clock, producer, ambientId);
    this.data = new EventDataBuilder(options.capture, new Redactor(options.capture.redactKeys));
    this.sampler = new Sampler(options.sampling, options.random);
    this.ids = options.ids;
    this.settings = {
      captureArgs: options.capture.captureArgs,
      captureResult: options.capture.captureResult,
      maxStringLength: options.capture.maxStringLength,
      maxDataBytes: options.capture.maxDataBytes,
    };
    this.tracer = new CallTracer(
      this.store,
      this.context,
      this.recorder,
      this.data,
      this.sampler,
      options.ids,
      this.idCheck,
      stats,
      {
        module: options.module,
        captureArgs: options.capture.captureArgs,
        captureResult: options.capture.captureResult,
      },
    );
  }

  snapshot(eventType: string, key: 'state' | 'variables', values: unknown, astNodeId: string | undefined): void {
    const ctx = this.admit(astNodeId);
    if (ctx === null) return;
    try {
      this.recorder.record(eventType, ctx, astNodeId, this.data.snapshot(key, values));
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  message(eventType: string, messageId: string, extra: unknown, astNodeId: string | undefined): void {
    const ctx = this.admit(astNodeId);
    if (ctx === null) return;
    if (!isValidId(messageId)) {
      this.stats.dropped.invalid += 1;
      return;
    }
    try {
      this.recorder.record(eventType, ctx, astNodeId, this.data.message(messageId, extra));
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  errorEvent(error: unknown, extra: unknown, astNodeId: string | undefined): void {
    const ctx = this.admit(astNodeId);
    if (ctx === null) return;
    try {
      this.recorder.record('error', ctx, astNodeId, this.data.error(error, extra));
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  /** `always` bypasses sampling: the SDK's own drop reports are never sampled away. */
  logEvent(level: string, message: string, fields: unknown, astNodeId: string | undefined, always: boolean): void {
    const ctx = always ? undefined : this.admit(astNodeId);
    if (ctx === null) return;
    try {
      this.recorder.record('log', ctx, astNodeId, this.data.log(level, String(message), fields));
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  custom(eventType: string, extra: unknown, astNodeId: string | undefined): void {
    const ctx = this.admit(astNodeId);
    if (ctx === null) return;
    try {
      const data = extra === undefined ? undefined : this.data.custom(extra);
      // A custom call may name a well-known type with the wrong shape: check it like the bridge will.
      const probe = { event_id: 'probe', event_type: eventType, correlation_id: 'probe', data };
      if (typeof eventType !== 'string' || !EVENT_TYPE_PATTERN.test(eventType) || !parseEvent(probe).ok) {
        this.stats.dropped.invalid += 1;
        return;
      }
      this.recorder.record(eventType, ctx, astNodeId, data);
    } catch {
      this.stats.dropped.invalid += 1;
    }
  }

  /** The call to attribute an event to; null when sampling or an invalid id says not to emit it. */
  private admit(astNodeId: string | undefined): CallContext | undefined | null {
    const ctx = this.context.get();
    if (ctx !== undefined ? !ctx.sampled : !this.sampler.node(astNodeId)) {
      this.stats.sampledOut += 1;
      return null;
    }
    if (astNodeId !== undefined && !this.idCheck.valid(astNodeId)) {
      this.stats.dropped.invalid += 1;
      return null;
    }
    return ctx;
  }
}
