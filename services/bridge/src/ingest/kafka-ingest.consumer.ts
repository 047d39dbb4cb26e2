import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthService } from '@temporal-bridge/service-kit';
import { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';

import { BRIDGE_CONFIG, BRIDGE_LOGGER } from '../app/tokens';
import type { BridgeConfig } from '../config/bridge.config';
import { kafkaFetchSizes } from '../config/kafka-fetch';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { BridgeMetrics } from '../metrics/bridge-metrics';
import { BackpressureController } from './backpressure.controller';
import { BatchProcessor } from './batch-processor';
import { DeadLetterProducer } from './dead-letter.producer';
import { OffsetCommitter } from './offset-committer';

const RECONNECT_DELAY_MS = 2_000;

/**
 * The Kafka side of the bridge service: a consumer-group member that feeds
 * each fetched batch through the bridge (BatchProcessor), dead-letters
 * invalid messages and pauses under backpressure; offsets are committed
 * by the OffsetCommitter once stored. It starts in the background (readiness
 * says when it joined), so a Kafka outage at start is retried rather than
 * fatal. On shutdown it stops fetching, lets what it read be stored and
 * committed, and only then leaves the group.
 */
@Injectable()
export class KafkaIngestConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumer: Consumer;
  private readonly deadLetters: DeadLetterProducer;
  private readonly backpressure: BackpressureController;
  private readonly processor: BatchProcessor;
  private readonly committer: OffsetCommitter;
  private joined = false;
  private stopping = false;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(BRIDGE_CONFIG) private readonly config: BridgeConfig,
    @Inject(BRIDGE_LOGGER) private readonly logger: Logger,
    private readonly bridge: TemporalBridge,
    private readonly metrics: BridgeMetrics,
    private readonly health: HealthService,
  ) {
    const kafka = createKafkaClient(config, logger);
    const fetchSizes = kafkaFetchSizes(config);
    // Derived from MAX_BUFFERED_EVENTS unless set: say what they came to.
    logger.info({ ...fetchSizes, maxBufferedEvents: config.MAX_BUFFERED_EVENTS }, 'kafka fetch sizes');
    this.consumer = kafka.consumer({
      groupId: config.KAFKA_GROUP_ID,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.KAFKA_HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: Math.max(60_000, config.KAFKA_SESSION_TIMEOUT_MS),
      ...fetchSizes,
      allowAutoTopicCreation: false,
    });
    this.deadLetters = new DeadLetterProducer(kafka, config.KAFKA_DLQ_TOPIC);
    this.committer = new OffsetCommitter(this.consumer, bridge, logger);
    this.processor = new BatchProcessor(
      bridge,
      this.deadLetters,
      this.committer,
      metrics,
      config.KAFKA_HEARTBEAT_INTERVAL_MS,
      logger,
    );
    this.backpressure = new BackpressureController(this.consumer, config.KAFKA_TOPIC, bridge, metrics, logger);
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.committer.assigned(payload.memberAssignment);
      this.logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
    });
    this.consumer.on(CRASH, ({ payload }) => {
      this.joined = false;
      this.logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    });
    for (const event of [STOP, DISCONNECT]) this.consumer.on(event, () => (this.joined = false));
  }

  onApplicationBootstrap(): void {
    this.metrics.watch(this.bridge);
    this.health.register('kafka', async () => {
      if (!this.joined) throw new Error('not a member of the consumer group');
    });
    this.health.register('clickhouse', () => this.bridge.pingStorage());
    this.health.register('redis', () => this.bridge.pingCorrelationCache());
    // Servers that answer are not enough: the bridge must be able to write.
    this.health.register('flush', async () => {
      const stats = this.bridge.localStats();
      if (stats.retrying) throw new Error(`writes failing: ${stats.last_flush_error ?? 'unknown error'}`);
    });
    this.starting = this.startWithRetry();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    this.backpressure.stop();
    // Stop fetching but stay in the group, so that what was read can be
    // stored and committed. If storage is down that could be forever: past
    // the deadline it is left uncommitted and consumed again after the restart.
    const deadline = setTimeout(() => this.processor.abortWaiting(), this.config.SHUTDOWN_TIMEOUT_MS);
    try {
      try {
        this.consumer.pause([{ topic: this.config.KAFKA_TOPIC }]);
      } catch {
        // Not running (never joined): nothing is being fetched.
      }
      await this.processor.idle();
      await this.committer.drain(this.processor.shutdownSignal);
      await this.consumer.disconnect();
    } finally {
      clearTimeout(deadline);
    }
    await this.deadLetters.disconnect();
    this.logger.info('left the consumer group');
  }

  get paused(): boolean {
    return this.backpressure.isPaused;
  }

  private async startWithRetry(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.deadLetters.connect();
        await this.consumer.connect();
        await this.consumer.subscribe({ topics: [this.config.KAFKA_TOPIC], fromBeginning: true });
        await this.consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.config.KAFKA_PARTITIONS_CONCURRENTLY,
          eachBatch: (payload) => this.processor.process(payload),
        });
        this.backpressure.start();
        return;
      } catch (error) {
        this.logger.error({ err: error }, `cannot start consuming; retrying in ${RECONNECT_DELAY_MS} ms`);
        await this.consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }
}
