import { Kafka, logLevel } from 'kafkajs';

/** Committed offsets of a group against the end of every partition. */
export class OffsetWatcher {
  private readonly admin;

  constructor(brokers: string[]) {
    this.admin = new Kafka({ brokers, clientId: 'bench-admin', logLevel: logLevel.NOTHING }).admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  /** Committed offset per partition (-1 when nothing committed). */
  async committed(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  }

  /** Messages the topic still holds (the mock cluster deletes the oldest past 5 MB per partition). */
  async retained(topic: string): Promise<number> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  }

  async allCommitted(groupId: string, topic: string): Promise<boolean> {
    const [ends, committed] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.committed(groupId, topic)]);
    return ends.every((end) => end.high === '0' || committed.get(end.partition) === BigInt(end.high));
  }
}
