import type { EventProblem } from '@temporal-bridge/event-schema';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

import type { DeadLetterMessage } from './kept-messages';

/** Where an invalid message came from, carried in the dead letter's headers. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** A KafkaMessage, or what KeptMessages kept of one. */
  message: DeadLetterMessage;
  problems: EventProblem[];
}

/** Header names on dead letters. */
export const DLQ_HEADERS = {
  reason: 'tb-dlq-reason',
  problems: 'tb-dlq-problems',
  topic: 'tb-source-topic',
  partition: 'tb-source-partition',
  offset: 'tb-source-offset',
  failedAt: 'tb-dlq-failed-at',
} as const;

/**
 * Sends invalid messages, unchanged, to the dead-letter topic, with the
 * reason and their source coordinates in headers. A send is acknowledged by
 * all in-sync replicas before the batch's offsets are committed, so an
 * invalid message is never lost; after a crash it may be dead-lettered twice.
 */
export class DeadLetterProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    // The default partitioner, named: kafkajs warns at start about its changed default otherwise.
    this.producer = kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(letters: readonly DeadLetterSource[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ topic, partition, message, problems }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.reason]: problems
            .map((p) => `${p.field}: ${p.reason}`)
            .join('; ')
            .slice(0, 4096),
          [DLQ_HEADERS.problems]: JSON.stringify(problems).slice(0, 16_384),
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: message.offset,
          [DLQ_HEADERS.failedAt]: failedAt,
        },
      })),
    });
  }
}
