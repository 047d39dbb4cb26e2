import type { EventProblem } from '@temporal-bridge/event-schema';

/**
 * A REST call of `RemoteTemporalBridge` that did not give an answer:
 * `status` is the HTTP status (undefined when no answer came: network error,
 * timeout), `code` the server's `error` field (or `network_error`,
 * `timeout`, `bad_response`), `message` the server's message.
 *
 * @example
 * try { await bridge.reconstructStateAt(t); }
 * catch (error) { if (error instanceof RemoteBridgeError && error.status === 400) console.log(error.message); }
 */
export class RemoteBridgeError extends Error {
  readonly status: number | undefined;
  readonly code: string;
  /** The parsed answer body, when there was one. */
  readonly body: unknown;

  constructor(message: string, options: { status?: number; code: string; body?: unknown; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'RemoteBridgeError';
    this.status = options.status;
    this.code = options.code;
    this.body = options.body;
  }
}

/**
 * `correlateEvent` was given an event that event-schema's parseEvent refuses,
 * or the SDK could not queue it.
 *
 * @example
 * await bridge.correlateEvent({}).catch((e: InvalidEventError) => e.problems); // [{ field, reason }, ...]
 */
export class InvalidEventError extends Error {
  constructor(readonly problems: EventProblem[]) {
    super(`invalid event: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`);
    this.name = 'InvalidEventError';
  }
}
