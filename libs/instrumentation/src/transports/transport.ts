import type { SerializedEvent } from '@temporal-bridge/event-schema';

/**
 * One event of a batch that the destination refused, by position in the batch.
 *
 * @example
 * const refused: RejectedEvent = { index: 3, reason: 'data.state: a state_change needs data.state' };
 */
export interface RejectedEvent {
  index: number;
  reason: string;
}

/**
 * What the destination said about a batch it took.
 *
 * @example
 * const allTaken: SendResult = { rejected: [] };
 */
export interface SendResult {
  /** Events refused one by one (invalid); the others are stored. Empty when all were taken. */
  rejected: readonly RejectedEvent[];
}

/**
 * Where batches of events go: Kafka, the standalone HTTP ingest, a bridge in
 * this process, or anything else with the same two methods. A transport
 * resolves once the destination has the batch (Kafka acks=all, HTTP 2xx) and
 * rejects with a {@link TransportError} otherwise; the runtime owns retries.
 *
 * @example
 * const discard: Transport = {
 *   name: 'discard',
 *   send: async () => ({ rejected: [] }),
 *   close: async () => undefined,
 * };
 * new InstrumentationRuntime({ service: 'shop', transport: discard });
 */
export interface Transport {
  /** Shown in `stats().transport`. */
  readonly name: string;
  send(events: readonly SerializedEvent[]): Promise<SendResult>;
  /** Releases connections; called once, by `shutdown`. */
  close(): Promise<void>;
}

/**
 * A failed send. `retryable` tells the runtime whether to keep the batch and
 * retry it (network down, 5xx, no handler yet) or to count it as rejected and
 * move on (4xx: sending it again would fail the same way).
 *
 * @example
 * throw new TransportError('ingest answered 503', true, { status: 503 });
 */
export class TransportError extends Error {
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(message: string, retryable: boolean, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransportError';
    this.retryable = retryable;
    this.status = options.status;
  }
}

/** The message of anything thrown, for stats and error texts. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
