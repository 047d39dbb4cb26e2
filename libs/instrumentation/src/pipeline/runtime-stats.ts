/**
 * Why events did not reach the transport's destination.
 *
 * @example
 * const { queue_full, rejected } = runtime.stats().dropped;
 */
export interface DropCounts {
  /** The queue was full: the drop policy discarded one (oldest or newest). */
  queue_full: number;
  /** The destination refused it (HTTP 4xx for the batch, a per-event rejection, a handler rejection). */
  rejected: number;
  /** The SDK could not form a valid event (bad ast_node_id, message id, event type). */
  invalid: number;
  /** Still queued when `shutdown` ran out of time. */
  shutdown: number;
}

/**
 * Counters of one runtime; see `InstrumentationRuntime.stats()`.
 *
 * @example
 * setInterval(() => metrics.gauge('tb_sdk_queue_depth', runtime.stats().queue_depth), 10_000);
 */
export interface RuntimeStats {
  enabled: boolean;
  transport: string;
  /** Events accepted into the queue (including those later dropped). */
  emitted: number;
  /** Events the transport confirmed. */
  sent: number;
  /** Events not emitted because their trace or AST node was not sampled (by design, not a loss). */
  sampled_out: number;
  dropped: DropCounts & { total: number };
  /** Failed send attempts (each is retried while the events fit in the queue). */
  send_failures: number;
  /** Events waiting in the queue, and in the batch being sent. */
  queue_depth: number;
  in_flight: number;
  /** The message of the most recent send failure, if any. */
  last_error?: string;
}

/** Mutable counters behind `RuntimeStats`; plain fields so the hot path only increments. */
export class StatsCounters {
  emitted = 0;
  sent = 0;
  sampledOut = 0;
  sendFailures = 0;
  lastError: string | undefined = undefined;
  readonly dropped: DropCounts = { queue_full: 0, rejected: 0, invalid: 0, shutdown: 0 };

  totalDropped(): number {
    const d = this.dropped;
    return d.queue_full + d.rejected + d.invalid + d.shutdown;
  }
}
