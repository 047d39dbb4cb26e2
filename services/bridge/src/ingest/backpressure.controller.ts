import type { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';

import type { BridgeMetrics } from '../metrics/bridge-metrics';

/**
 * Pauses fetching while storage or Redis cannot keep up (a flush is failing,
 * or the buffer is above 80 % of its bound) and resumes by itself once the
 * bridge is healthy and the buffer below 50 %. Batches in flight keep
 * heartbeating meanwhile, so the group does not churn; memory stays bounded
 * because nothing new is fetched.
 */
export class BackpressureController {
  private timer: NodeJS.Timeout | undefined;
  private paused = false;
  private pausedForFailures = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
    private readonly bridge: TemporalBridge,
    private readonly metrics: BridgeMetrics,
    private readonly logger: Logger,
    private readonly checkEveryMs = 200,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.check(), this.checkEveryMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private check(): void {
    const stats = this.bridge.localStats();
    const bound = stats.config.max_buffered_events;
    if (!this.paused && (stats.retrying || stats.events_buffered >= bound * 0.8)) {
      this.consumer.pause([{ topic: this.topic }]);
      this.paused = true;
      this.pausedForFailures = stats.retrying;
      this.metrics.paused.set(1);
      // A full buffer under a backlog is ordinary flow control; failing writes are not.
      this.logger[stats.retrying ? 'warn' : 'debug'](
        { buffered: stats.events_buffered, lastError: stats.last_flush_error },
        stats.retrying ? 'pausing consumption: storage writes are failing' : 'pausing consumption: buffer is full',
      );
    } else if (this.paused && stats.retrying && !this.pausedForFailures) {
      this.pausedForFailures = true;
      this.logger.warn({ lastError: stats.last_flush_error }, 'consumption stays paused: storage writes are failing');
    } else if (this.paused && !stats.retrying && stats.events_buffered <= bound * 0.5) {
      this.consumer.resume([{ topic: this.topic }]);
      this.paused = false;
      this.metrics.paused.set(0);
      this.logger[this.pausedForFailures ? 'info' : 'debug'](
        { buffered: stats.events_buffered },
        'resuming consumption',
      );
    }
  }
}
