import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Logger } from 'pino';

import { BRIDGE_CONFIG, BRIDGE_LOGGER } from '../app/tokens';
import type { BridgeConfig } from '../config/bridge.config';
import { KafkaIngestConsumer } from '../ingest/kafka-ingest.consumer';

/**
 * Publishes this replica's stats to storage every REPORT_INTERVAL_MS, so the
 * query service's GET /v1/stats can show every replica of the fleet. A
 * failed report is logged and skipped: it must never affect ingest.
 */
@Injectable()
export class BridgeReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(BRIDGE_CONFIG) private readonly config: BridgeConfig,
    @Inject(BRIDGE_LOGGER) private readonly logger: Logger,
    @Inject(TemporalBridge) private readonly bridge: TemporalBridge,
    @Inject(KafkaIngestConsumer) private readonly consumer: KafkaIngestConsumer,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.REPORT_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => void this.report(), this.config.REPORT_INTERVAL_MS);
    this.timer.unref();
    void this.report();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async report(): Promise<void> {
    try {
      await this.bridge.publishStats(this.config.BRIDGE_INSTANCE, {
        kafka: { topic: this.config.KAFKA_TOPIC, group_id: this.config.KAFKA_GROUP_ID, paused: this.consumer.paused },
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish stats');
    }
  }
}
