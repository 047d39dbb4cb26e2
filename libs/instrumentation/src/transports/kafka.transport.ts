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
   * `'auto'` (default) tries it and falls back to a plain producer, for good
   * and with a process warning (`TB_KAFKA_NOT_IDEMPOTENT`), only when the
   * cluster answers that it cannot start one (an unsupported API or version,
   * an authorization refusal, or twice in a row a controller it does not
   * list, as librdkafka's mock cluster does) while a plain one connects. A
   * connect that fails for any other reason (broker down, timeout) is
   * retried and decides nothing. `true` insists, `false` never tries.
   */
  idempotent?: boolean | 'auto';
  /** Any other kafkajs client setting (ssl, sasl, timeouts, logLevel...). Logging defaults to none: failures show in `stats()`. */
  kafka?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

// Kafka errors that would fail again identically: the batch is refused for good.
const PERMANENT = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** Kafka protocol errors that mean "this cluster will not give you a producer id", not "try again". */
const IDEMPOTENCE_REFUSED = new Set([
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_REQUEST',
]);

/**
 * Why an idempotent producer did not start: 'unsupported' when the broker
 * said so, 'unconfirmed' when its metadata names a controller it does not
 * list (definite once seen twice in a row: it can also happen while a
 * controller moves), 'transient' otherwise (network, timeouts, retries
 * exhausted on those): only the first two may ever downgrade 'auto'.
 */
export function idempotenceVerdict(error: unknown): 'unsupported' | 'unconfirmed' | 'transient' {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth += 1) {
    const { name, type } = e as { name?: unknown; type?: unknown };
    if (name === 'KafkaJSServerDoesNotSupportApiKey') return 'unsupported';
    if (typeof type === 'string' && IDEMPOTENCE_REFUSED.has(type)) return 'unsupported';
    if (name === 'KafkaJSBrokerNotFound') return 'unconfirmed';
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return 'transient';
}

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
  private downgradeReason: string | undefined;

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

  /** 'auto' until the cluster settled it (true: idempotent; false: it said it cannot). */
  get idempotenceMode(): boolean | 'auto' {
    return this.mode;
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
      let failure = await this.startIdempotent();
      // A controller missing from the metadata can be a moving controller: ask once more.
      if (failure !== undefined && this.mode === 'auto' && idempotenceVerdict(failure) === 'unconfirmed') {
        await new Promise((resolve) => setTimeout(resolve, 200));
        failure = await this.startIdempotent();
      }
      if (failure === undefined) return this.producer!;
      // Only the cluster saying "not here" settles 'auto'; an outage is retried as is.
      if (this.mode === true || idempotenceVerdict(failure) === 'transient') {
        throw new TransportError(`Kafka idempotent producer did not start: ${describeError(failure)}`, true, {
          cause: failure,
        });
      }
      this.downgradeReason = describeError(failure);
    }
    const producer = this.newProducer(false);
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw new TransportError(`Kafka producer did not connect: ${describeError(error)}`, true, { cause: error });
    }
    if (this.mode === 'auto') {
      // The cluster answered that it cannot, and a plain producer connects: decide once, and say so.
      this.mode = false;
      process.emitWarning(
        `temporal-bridge: the Kafka cluster cannot start an idempotent producer (${this.downgradeReason ?? 'unsupported'}); ` +
          'publishing with a plain producer (a retried send may then land twice; the bridge stores it once, by event_id). ' +
          'Set idempotent: false to choose this, or true to insist.',
        { type: 'TemporalBridgeWarning', code: 'TB_KAFKA_NOT_IDEMPOTENT' },
      );
    }
    return (this.producer = producer);
  }

  /** Connects an idempotent producer (then held in `producer`); answers why not otherwise. */
  private async startIdempotent(): Promise<unknown> {
    const producer = this.newProducer(true);
    try {
      await producer.connect();
      this.mode = true;
      this.producer = producer;
      return undefined;
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      return error ?? new Error('connect failed');
    }
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
