import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthService, METRICS_REGISTRY } from '@temporal-bridge/service-kit';
import { TemporalBridge } from '@temporal-bridge/temporal-bridge';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { BRIDGE_CONFIG, BRIDGE_LOGGER } from '../app/tokens';
import type { BridgeConfig } from '../config/bridge.config';
import { kafkaFetchSizes } from '../config/kafka-fetch';
import { DeadLetterProducer } from '../ingest/dead-letter.producer';
import { OffsetCommitter } from '../ingest/offset-committer';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { OtlpBatchProcessor } from './otlp-batch.processor';
import { OtlpKafkaMetrics } from './otlp-kafka.metrics';

const RECONNECT_DELAY_MS = 2_000;
/** Pause the OTLP topic above this share of the buffer bound, resume below the lower one. */
const PAUSE_AT = 0.8;
const RESUME_AT = 0.5;

/**
 * Consumes OTLP (KAFKA_OTLP_TOPIC, as the OpenTelemetry Collector's Kafka
 * exporter writes it) into the same bridge as the native topic, in a
 * consumer group of its own (KAFKA_OTLP_GROUP_ID, default
 * `<KAFKA_GROUP_ID>-otlp`): a group's partitions are shared among all its
 * members whatever each subscribed to, so one group for two consumers would
 * hand native partitions to this one. Off when KAFKA_OTLP_TOPIC is unset.
 */
@Injectable()
export class OtlpKafkaConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly topic: string | undefined;
  private consumer: Consumer | undefined;
  private deadLetters: DeadLetterProducer | undefined;
  private processor: OtlpBatchProcessor | undefined;
  private committer: OffsetCommitter | undefined;
  private joined = false;
  private stopping = false;
  private paused = false;
  private starting: Promise<void> | undefined;
  private flowTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(BRIDGE_CONFIG) private readonly config: BridgeConfig,
    @Inject(BRIDGE_LOGGER) private readonly logger: Logger,
    @Inject(TemporalBridge) private readonly bridge: TemporalBridge,
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {
    this.topic = config.KAFKA_OTLP_TOPIC;
  }

  onApplicationBootstrap(): void {
    const topic = this.topic;
    if (topic === undefined) return;
    const kafka = createKafkaClient(this.config, this.logger);
    const consumer = kafka.consumer({
      groupId: this.config.KAFKA_OTLP_GROUP_ID ?? `${this.config.KAFKA_GROUP_ID}-otlp`,
      sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: this.config.KAFKA_HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: Math.max(60_000, this.config.KAFKA_SESSION_TIMEOUT_MS),
      ...kafkaFetchSizes(this.config),
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.deadLetters = new DeadLetterProducer(kafka, this.config.KAFKA_DLQ_TOPIC);
    this.committer = new OffsetCommitter(consumer, this.bridge, this.logger);
    this.processor = new OtlpBatchProcessor(
      this.bridge,
      this.deadLetters,
      this.committer,
      new OtlpKafkaMetrics(this.registry),
      {
        encoding: this.config.KAFKA_OTLP_ENCODING,
        maxDataBytes: this.config.MAX_EVENT_DATA_BYTES,
        heartbeatIntervalMs: this.config.KAFKA_HEARTBEAT_INTERVAL_MS,
      },
    );
    const committer = this.committer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      committer.assigned(payload.memberAssignment);
      this.logger.info({ topic, assignment: payload.memberAssignment }, 'joined the OTLP consumer group');
    });
    for (const event of [consumer.events.CRASH, consumer.events.STOP, consumer.events.DISCONNECT])
      consumer.on(event, () => (this.joined = false));
    this.health.register('kafka-otlp', async () => {
      if (!this.joined) throw new Error(`not a member of the OTLP consumer group (topic ${topic})`);
    });
    this.starting = this.startWithRetry(consumer, topic);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const { consumer, processor, committer, topic } = this;
    if (consumer === undefined || processor === undefined || committer === undefined || topic === undefined) return;
    this.stopping = true;
    await this.starting;
    clearInterval(this.flowTimer);
    const deadline = setTimeout(() => processor.abortWaiting(), this.config.SHUTDOWN_TIMEOUT_MS);
    try {
      try {
        consumer.pause([{ topic }]);
      } catch {
        // Never joined: nothing is being fetched.
      }
      await processor.idle();
      await committer.drain(processor.shutdownSignal);
      await consumer.disconnect();
    } finally {
      clearTimeout(deadline);
    }
    await this.deadLetters?.disconnect();
  }

  private async startWithRetry(consumer: Consumer, topic: string): Promise<void> {
    while (!this.stopping) {
      try {
        await this.deadLetters!.connect();
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.config.KAFKA_PARTITIONS_CONCURRENTLY,
          eachBatch: (payload) => this.processor!.process(payload),
        });
        this.flowTimer = setInterval(() => this.flowControl(consumer, topic), 200);
        return;
      } catch (error) {
        this.logger.error({ err: error, topic }, `cannot consume the OTLP topic; retrying in ${RECONNECT_DELAY_MS} ms`);
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }

  /** As the native topic: stop fetching while storage fails or the buffer is nearly full, resume by itself. */
  private flowControl(consumer: Consumer, topic: string): void {
    const stats = this.bridge.localStats();
    const bound = stats.config.max_buffered_events;
    if (!this.paused && (stats.retrying || stats.events_buffered >= bound * PAUSE_AT)) {
      consumer.pause([{ topic }]);
      this.paused = true;
    } else if (this.paused && !stats.retrying && stats.events_buffered <= bound * RESUME_AT) {
      consumer.resume([{ topic }]);
      this.paused = false;
    }
  }
}
