/**
 * Retry timing after a failed send.
 *
 * @example
 * new InstrumentationRuntime({ service: 'shop', transport, retry: { initialMs: 200, maxMs: 30_000 } });
 */
export interface RetryOptions {
  /** First wait, in ms (default 100). */
  initialMs?: number;
  /** Longest wait, in ms (default 10 000): the bound keeps recovery prompt after a long outage. */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": the wait doubles per failure up
 * to `maxMs`, and half of it is random so a fleet that lost its broker at the
 * same instant does not reconnect in lockstep.
 *
 * @example
 * const backoff = new Backoff({ initialMs: 100, maxMs: 5000 }, Math.random);
 * backoff.delay(0); // 50..100
 * backoff.delay(10); // 2500..5000
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(
    options: RetryOptions,
    private readonly random: () => number,
  ) {
    this.initialMs = Math.max(1, options.initialMs ?? 100);
    this.maxMs = Math.max(this.initialMs, options.maxMs ?? 10_000);
  }

  delay(failures: number): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(failures, 30));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}
