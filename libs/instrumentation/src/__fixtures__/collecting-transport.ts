import { parseEvent, type SerializedEvent } from '@temporal-bridge/event-schema';

import { TransportError, type SendResult, type Transport } from '../transports/transport';

/**
 * A transport for unit tests: records every batch it accepts; `failWith`
 * makes the next sends fail (retryable or not) until cleared.
 */
export class CollectingTransport implements Transport {
  readonly name = 'collecting';
  readonly batches: SerializedEvent[][] = [];
  attempts = 0;
  closed = false;
  failWith: TransportError | undefined;
  /** Per-event rejections to answer with on the next accepted batch. */
  rejectNext: Array<{ index: number; reason: string }> = [];

  get events(): SerializedEvent[] {
    return this.batches.flat();
  }

  async send(events: readonly SerializedEvent[]): Promise<SendResult> {
    this.attempts += 1;
    if (this.failWith !== undefined) throw this.failWith;
    this.batches.push([...events]);
    const rejected = this.rejectNext;
    this.rejectNext = [];
    return { rejected };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export const retryable = (message = 'down'): TransportError => new TransportError(message, true);
export const permanent = (message = 'refused'): TransportError => new TransportError(message, false, { status: 400 });

/** Throws with the problems when any event would be refused by the bridge's parser. */
export function assertAllValid(events: readonly SerializedEvent[]): void {
  for (const event of events) {
    // Through JSON, as Kafka and HTTP carry it.
    const result = parseEvent(JSON.parse(JSON.stringify(event)));
    if (!result.ok) throw new Error(`invalid event ${JSON.stringify(event)}: ${JSON.stringify(result.problems)}`);
  }
}
