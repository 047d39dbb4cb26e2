import { type StatsCounters } from '../pipeline/runtime-stats';
import { type DropReport } from './runtime-options';

const KEYS = ['queue_full', 'rejected', 'invalid', 'shutdown'] as const;

/**
 * Makes drops visible beyond `stats()`: every interval (and on demand), when
 * anything was dropped since the last report, it emits a warning `log` event
 * with the counts and calls the application's `onDrops`. Never silent, never
 * more than one report per interval.
 */
export class DropReporter {
  private reported: DropReport = { queue_full: 0, rejected: 0, invalid: 0, shutdown: 0 };
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stats: StatsCounters,
    private readonly emit: (message: string, fields: Record<string, unknown>) => void,
    private readonly onDrops: ((dropped: DropReport) => void) | undefined,
    intervalMs: number,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.report(), intervalMs);
      // Reporting alone must not keep a finished application alive.
      this.timer.unref();
    }
  }

  report(): void {
    const now: DropReport = { ...this.stats.dropped };
    const delta: DropReport = { queue_full: 0, rejected: 0, invalid: 0, shutdown: 0 };
    let total = 0;
    for (const key of KEYS) {
      delta[key] = now[key] - this.reported[key];
      total += delta[key];
    }
    if (total === 0) return;
    this.reported = now;
    this.emit(`temporal-bridge SDK dropped ${total} events since the last report`, {
      dropped: delta,
      dropped_total: now,
    });
    try {
      this.onDrops?.(delta);
    } catch {
      // The application's callback failing must not stop reporting.
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
