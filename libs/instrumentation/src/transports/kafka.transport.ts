import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { Kafka, logLevel, Partitioners, type KafkaConfig, type Producer } from 'kafkajs';

import { describeError, TransportError, type SendResult, type Transport } from './transport';

/**
 * Default topic of the distributed mode (docs/architecture.md).
 *
 * @example
 * new KafkaTransport({ brokers, topic: DEFAULT_TOPIC });
 */
export const DEFAULT_TOPIC = 'temporal.events';

/**
 * Options of the Kafka transport (`{ kind: 'kafka', ... }`).
 *
 * @example
 * const options: KafkaTransportOptions = { brokers: ['kafka:9092'], kafka: { ssl: true, sasl: { mechanism: 'plain', username, password } } };
 */
export interface KafkaTransportOptions {
  brokers: string[];
  /** Default `temporal.events`. */
  topic?: string;
  /** Default `temporal-bridge-sdk`. */
  clientId?: string;
  /**
   * Idempotent producer (no duplicates from the producer's own retries).
   * `'auto'` (default) tries it and falls back to a plain producer when the
   * cluster cannot start one while a plain one connects (librdkafka's mock
   * cluster is such a cluster); `true` insists, `false` never tries.
   */
  idempotent?: boolean | 'auto';
  /** Any other kafkajs client setting (ssl, sasl, timeouts, logLevel...). Logging defaults to none: failures show in `stats()`. */
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

// Kafka errors that would fail again identically: the batch is refused for good.
const PERMANENT = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/**
 * Publishes batches with a kafkajs producer, acks=all. The message key is the
 * trace id (the correlation id when there is none), so one trace lands in one
 * partition and its events stay in order; the value is the JSON wire event.
 * Connects lazily on the first batch and again after a failure.
 *
 * @example
 * const runtime = new InstrumentationRuntime({
 *   service: 'shop',
 *   transport: { kind: 'kafka', brokers: ['kafka-1:9092'], topic: 'temporal.events' },
 * });
 */
export class KafkaTransport implements Transport {
  readonly name = 'kafka';
  private readonly client: Kafka;
  private readonly topic: string;
  private mode: boolean | 'auto';
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(options: KafkaTransportOptions) {
    this.topic = options.topic ?? DEFAULT_TOPIC;
    this.mode = options.idempotent ?? 'auto';
    this.client = new Kafka({
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      ...options.kafka,
      brokers: options.brokers,
      clientId: options.clientId ?? 'temporal-bridge-sdk',
    });
  }

  /** Whether the connected producer is idempotent; undefined until the first connection. */
  get idempotent(): boolean | undefined {
    return this.producer === undefined ? undefined : this.mode === true;
  }

  async send(events: readonly SerializedEvent[]): Promise<SendResult> {
    const producer = await this.connected();
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: events.map((event) => ({
          key: event.trace_id ?? event.correlation_id,
          value: JSON.stringify(event),
        })),
      });
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      const permanent = typeof type === 'string' && PERMANENT.has(type);
      throw new TransportError(`Kafka produce to ${this.topic} failed: ${describeError(error)}`, !permanent, {
        cause: error,
      });
    }
    return { rejected: [] };
  }

  async close(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.producer !== undefined) return Promise.resolve(this.producer);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Producer> {
    if (this.mode !== false) {
      const producer = this.newProducer(true);
      try {
        await producer.connect();
        this.mode = true;
        return (this.producer = producer);
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        if (this.mode === true) {
          throw new TransportError(`Kafka idempotent producer did not start: ${describeError(error)}`, true, {
            cause: error,
          });
        }
      }
    }
    const producer = this.newProducer(false);
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new TransportError(`Kafka producer did not connect: ${describeError(error)}`, true, { cause: error });
    }
    // Reachable, yet no idempotent producer: this cluster does not allow it. Decide once.
    this.mode = false;
    return (this.producer = producer);
  }

  private newProducer(idempotent: boolean): Producer {
    return this.client.producer({
      idempotent,
      // Idempotence in kafkajs needs one request in flight; order per trace wants it anyway.
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
    });
  }
}
