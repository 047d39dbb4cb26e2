import type { EventProblem } from '@temporal-bridge/event-schema';

/** Base of every error the bridge rejects with. */
export class TemporalBridgeError extends Error {
  override readonly name: string = 'TemporalBridgeError';
}

/** The event failed validation; `problems` name each field and reason. */
export class InvalidEventError extends TemporalBridgeError {
  override readonly name = 'InvalidEventError';

  constructor(readonly problems: EventProblem[]) {
    super(`invalid event: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
  }
}

/** The bridge was stopped; it accepts no more events. */
export class BridgeStoppedError extends TemporalBridgeError {
  override readonly name = 'BridgeStoppedError';

  constructor(name: string) {
    super(`temporal bridge "${name}" is stopped`);
  }
}

/** `TemporalBridge.getRegisteredBridge()` found no registered bridge. */
export class NotRegisteredError extends TemporalBridgeError {
  override readonly name = 'NotRegisteredError';

  constructor() {
    super('no temporal bridge is registered as handler (call registerAsHandler())');
  }
}

/** A bridge with that name is already running in this process. */
export class BridgeNameTakenError extends TemporalBridgeError {
  override readonly name = 'BridgeNameTakenError';

  constructor(name: string) {
    super(`a temporal bridge named "${name}" is already running`);
  }
}

/** `flushBuffer({ timeoutMs })` gave up waiting; the events stay buffered and are retried. */
export class FlushTimeoutError extends TemporalBridgeError {
  override readonly name = 'FlushTimeoutError';

  constructor(timeoutMs: number, cause?: unknown) {
    super(`flush did not complete within ${timeoutMs} ms; events stay buffered and are retried`, { cause });
  }
}

/** `traceExecutionPath` was given an event id that storage does not hold. */
export class EventNotFoundError extends TemporalBridgeError {
  override readonly name = 'EventNotFoundError';

  constructor(eventId: string) {
    super(`no event with event_id "${eventId}"`);
  }
}

/** The correlation cache (Redis) could not be reached or answered with an error. */
export class CorrelationCacheError extends TemporalBridgeError {
  override readonly name = 'CorrelationCacheError';
}
