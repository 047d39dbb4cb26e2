import { Kafka, logLevel } from 'kafkajs';

/**
 * The ceiling: kafkajs reading the same messages from the same broker with
 * eachBatch and doing nothing with them (offsets resolved, nothing committed).
 */
export async function consumeOnly(brokers: string[], topic: string, expected: number): Promise<{ seconds: number }> {
  const consumer = new Kafka({ brokers, clientId: 'bench-raw', logLevel: logLevel.ERROR }).consumer({
    groupId: `bench-raw-${Date.now()}`,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 1_048_576,
  });
  let seen = 0;
  let first = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 4,
    eachBatch: async ({ batch }) => {
      if (first === 0) first = performance.now();
      seen += batch.messages.length;
      if (seen >= expected) done();
    },
  });
  await finished;
  const seconds = (performance.now() - first) / 1000;
  await consumer.disconnect();
  return { seconds };
}
