import type { BridgeConfig } from './bridge.config';

/**
 * Bytes of one event as budgeted for a fetch: a quarter of the ~500 B of a
 * typical wire event (bench/ingest's synthetic fleet: 449 B mean). One broker's
 * fetch response then carries about a quarter of MAX_BUFFERED_EVENTS typical
 * events: enough to keep the buffer fed, little enough that what is read but
 * not yet buffered (raw, then decoded) stays a fraction of the buffer.
 */
export const FETCH_BYTES_PER_BUFFERED_EVENT = 128;

const KiB = 1024;
const MiB = 1024 * KiB;
/** Smallest derived fetch: a few hundred events, so a tiny buffer still reads efficiently. */
export const MIN_FETCH_BYTES = 256 * KiB;
/** Largest derived fetch: past this a fetch only adds memory, not throughput. */
export const MAX_FETCH_BYTES = 16 * MiB;
/** Smallest derived per-partition share: a few dozen typical events. */
export const MIN_PARTITION_FETCH_BYTES = 16 * KiB;
/** Largest derived per-partition share: kafkajs's own default. */
export const MAX_PARTITION_FETCH_BYTES = 1 * MiB;

/** What one fetch request of the consumer may bring back, per broker. */
export interface KafkaFetchSizes {
  /** kafkajs maxBytes: the whole response of one broker. */
  maxBytes: number;
  /** kafkajs maxBytesPerPartition: one partition's share of it (Kafka still returns a larger first message whole). */
  maxBytesPerPartition: number;
  /** kafkajs maxWaitTimeInMs: how long a broker holds a fetch for data (latency of a quiet partition). */
  maxWaitTimeInMs: number;
}

/**
 * The consumer's fetch sizes, derived from MAX_BUFFERED_EVENTS unless set:
 * memory is bounded by configuration, not by the backlog. kafkajs keeps one
 * response per broker in flight while its batches are processed, so the
 * read-ahead is at most brokers x maxBytes; its 10 MiB default is ~23,000
 * typical events per broker whatever the buffer size, decoded into objects
 * several times that size while they wait for buffer space.
 *
 * - maxBytes = KAFKA_FETCH_MAX_BYTES if set (not 0), else MAX_BUFFERED_EVENTS
 *   x 128 B within [256 KiB, 16 MiB] (2.4 MiB for the default 20,000);
 * - maxBytesPerPartition = KAFKA_MAX_BYTES_PER_PARTITION if set (not 0), else
 *   maxBytes / KAFKA_PARTITIONS_CONCURRENTLY within [16 KiB, 1 MiB] (39 KiB,
 *   ~90 typical events, for the defaults). A broker that does not enforce the
 *   response limit (librdkafka's mock cluster, brokers before Kafka 0.10.1)
 *   returns up to this much for every partition it leads: with the old 1 MiB
 *   and 256 partitions that was a single ~200 MiB response held in memory
 *   until its last event was stored;
 * - maxWaitTimeInMs = KAFKA_MAX_WAIT_MS.
 */
export function kafkaFetchSizes(
  config: Pick<
    BridgeConfig,
    | 'MAX_BUFFERED_EVENTS'
    | 'KAFKA_PARTITIONS_CONCURRENTLY'
    | 'KAFKA_FETCH_MAX_BYTES'
    | 'KAFKA_MAX_BYTES_PER_PARTITION'
    | 'KAFKA_MAX_WAIT_MS'
  >,
): KafkaFetchSizes {
  const maxBytes =
    config.KAFKA_FETCH_MAX_BYTES > 0
      ? config.KAFKA_FETCH_MAX_BYTES
      : clamp(config.MAX_BUFFERED_EVENTS * FETCH_BYTES_PER_BUFFERED_EVENT, MIN_FETCH_BYTES, MAX_FETCH_BYTES);
  const maxBytesPerPartition =
    config.KAFKA_MAX_BYTES_PER_PARTITION > 0
      ? config.KAFKA_MAX_BYTES_PER_PARTITION
      : clamp(
          Math.floor(maxBytes / config.KAFKA_PARTITIONS_CONCURRENTLY),
          MIN_PARTITION_FETCH_BYTES,
          MAX_PARTITION_FETCH_BYTES,
        );
  return { maxBytes, maxBytesPerPartition, maxWaitTimeInMs: config.KAFKA_MAX_WAIT_MS };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
