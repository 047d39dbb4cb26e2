import { getRegisteredHandler, type SerializedEvent } from '@temporal-bridge/event-schema';

import { describeError, TransportError, type RejectedEvent, type SendResult, type Transport } from './transport';

/**
 * Hands events to the TemporalBridge of this process: the one that called
 * `registerAsHandler()` (event-schema's process-wide handler slot). Looked up
 * on every batch, so a bridge registered after the runtime started is found.
 * No handler is a retryable failure: events wait in the queue (up to its
 * capacity) until one registers.
 *
 * @example
 * const runtime = new InstrumentationRuntime({ service: 'shop', transport: { kind: 'in-process' } });
 */
export class InProcessTransport implements Transport {
  readonly name = 'in-process';

  async send(events: readonly SerializedEvent[]): Promise<SendResult> {
    const handler = getRegisteredHandler();
    if (handler === undefined) {
      throw new TransportError('no TemporalBridge is registered in this process (registerAsHandler)', true);
    }
    if (handler.correlateEvents !== undefined) {
      let rejected: ReadonlyArray<RejectedEvent>;
      try {
        // Resolves once the bridge has stored the batch; it fails if the bridge stopped first.
        ({ rejected } = await handler.correlateEvents(events));
      } catch (error) {
        throw new TransportError(`the TemporalBridge did not store the batch: ${describeError(error)}`, true, {
          cause: error,
        });
      }
      return { rejected: rejected.map(({ index, reason }) => ({ index, reason })) };
    }
    const rejected: RejectedEvent[] = [];
    // One by one, in order: the bridge correlates entries before their exits.
    for (let index = 0; index < events.length; index += 1) {
      try {
        await handler.correlateEvent(events[index]);
      } catch (error) {
        // The bridge rejects an event it finds invalid; that event would fail again.
        rejected.push({ index, reason: describeError(error) });
      }
    }
    return { rejected };
  }

  async close(): Promise<void> {}
}
