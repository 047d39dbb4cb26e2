/**
 * The process-wide event handler: the TemporalBridge that called
 * `registerAsHandler()`, which the SDK's in-process transport sends to.
 *
 * It lives here, not in libs/temporal-bridge, because the SDK may depend only
 * on event-schema. The slot is a global symbol so that two copies of this
 * package in one process (an app bundling its own) still find each other.
 */
export interface EventHandler {
  /**
   * Validates, correlates and buffers one event (wire form or in-memory
   * form); rejects with the validation problems when it is invalid.
   */
  correlateEvent(event: unknown): Promise<unknown>;
  /**
   * Optional batch form: validates and buffers many events at once, in
   * order, and reports the invalid ones by index (one promise per batch
   * instead of one per event).
   */
  correlateEvents?(events: readonly unknown[]): Promise<{ rejected: ReadonlyArray<{ index: number; reason: string }> }>;
}

const SLOT = Symbol.for('temporal-bridge.event-handler.v1');

type Registry = { [SLOT]?: EventHandler };

/** Installs `handler` as the process-wide handler (undefined removes it). */
export function setRegisteredHandler(handler: EventHandler | undefined): void {
  (globalThis as Registry)[SLOT] = handler;
}

/** The process-wide handler, if one is registered. */
export function getRegisteredHandler(): EventHandler | undefined {
  return (globalThis as Registry)[SLOT];
}
