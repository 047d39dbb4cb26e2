import { Kafka, logLevel } from 'kafkajs';

import { containerEngineAvailable } from '../support/container-engine';
import { uniqueName } from '../support/unique-name';
import { MockKafkaCluster, type KafkaFaultInjector } from './mock-cluster';

export type KafkaProviderKind = 'external' | 'container' | 'mock';

/** A Kafka cluster for one test file; each test takes its own topics. */
export interface KafkaTestCluster {
  readonly kind: KafkaProviderKind;
  readonly brokers: string[];
  /** Fault injection; only the mock cluster has it. */
  readonly faults: KafkaFaultInjector | undefined;
  /** Creates a topic with a name no other test uses and returns the name. */
  createTopic(options?: { prefix?: string; partitions?: number }): Promise<string>;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Brokers in the mock cluster (default 1). */
  brokerCount?: number;
  /**
   * The test injects faults: only librdkafka's mock cluster can, so this skips
   * `KAFKA_BROKERS` and containers.
   */
  faultInjection?: boolean;
}

const CONTAINER_IMAGE = 'confluentinc/cp-kafka:7.9.0';

/**
 * Real Kafka for a test: `KAFKA_BROKERS` if set, else a container when an
 * engine answers, else librdkafka's mock cluster (compiled on first use).
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaTestCluster> {
  const { brokerCount = 1, faultInjection = false } = options;
  const fromEnv = process.env['KAFKA_BROKERS'];
  if (!faultInjection && fromEnv !== undefined && fromEnv.trim() !== '') {
    return adminManaged(
      'external',
      fromEnv.split(',').map((b) => b.trim()),
      async () => undefined,
    );
  }
  if (!faultInjection && (await containerEngineAvailable())) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer(CONTAINER_IMAGE).withKraft().start();
    const broker = `${container.getHost()}:${container.getMappedPort(9093)}`;
    return adminManaged('container', [broker], async () => {
      await container.stop();
    });
  }
  const mock = await MockKafkaCluster.start(brokerCount);
  return {
    kind: 'mock',
    brokers: mock.brokers,
    faults: mock,
    async createTopic({ prefix = 'topic', partitions = 4 } = {}) {
      const name = uniqueName(prefix);
      await mock.createTopic(name, partitions);
      return name;
    },
    stop: () => mock.stop(),
  };
}

/** Clusters that support the admin API (the mock does not: see docs/development.md). */
function adminManaged(kind: KafkaProviderKind, brokers: string[], stop: () => Promise<void>): KafkaTestCluster {
  return {
    kind,
    brokers,
    faults: undefined,
    async createTopic({ prefix = 'topic', partitions = 4 } = {}) {
      const name = uniqueName(prefix);
      const admin = new Kafka({ brokers, clientId: 'test-admin', logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
      } finally {
        await admin.disconnect();
      }
      return name;
    },
    stop,
  };
}
