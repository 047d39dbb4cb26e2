import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@temporal-bridge/service-kit';
import type { IngestObserver, TemporalBridge } from '@temporal-bridge/temporal-bridge';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The bridge's Prometheus metrics; names are prefixed tb_bridge_. */
@Injectable()
export class BridgeMetrics {
  readonly consumed: Counter;
  readonly stored: Counter;
  readonly rejected: Counter;
  readonly deadLettered: Counter;
  readonly refusedByStorage: Counter;
  readonly correlationsRecovered: Counter;
  readonly correlationsUnrecovered: Counter;
  readonly flushFailures: Counter;
  readonly flushDuration: Histogram;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly paused: Gauge;
  readonly buffered: Gauge;
  private bridge: TemporalBridge | undefined;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.consumed = new Counter({
      name: 'tb_bridge_events_consumed_total',
      help: 'Messages read from Kafka.',
      registers,
    });
    this.stored = new Counter({
      name: 'tb_bridge_events_stored_total',
      help: 'Events written to ClickHouse.',
      registers,
    });
    this.rejected = new Counter({
      name: 'tb_bridge_events_rejected_total',
      help: 'Messages that failed validation.',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'tb_bridge_dlq_messages_total',
      help: 'Messages sent to the dead-letter topic.',
      registers,
    });
    this.refusedByStorage = new Counter({
      name: 'tb_bridge_events_refused_by_storage_total',
      help: 'Valid events ClickHouse refused for their data (isolated from their batch and dead-lettered).',
      registers,
    });
    this.correlationsRecovered = new Counter({
      name: 'tb_bridge_correlations_recovered_total',
      help: 'Events whose correlation Redis had lost, completed from storage (a trace id, an exit duration).',
      registers,
    });
    this.correlationsUnrecovered = new Counter({
      name: 'tb_bridge_correlations_unrecovered_total',
      help: 'Calls missing from Redis and from storage: their events stay without trace id or duration.',
      registers,
    });
    this.flushFailures = new Counter({
      name: 'tb_bridge_flush_failures_total',
      help: 'Failed batch writes (each retried).',
      registers,
    });
    this.flushDuration = new Histogram({
      name: 'tb_bridge_flush_duration_seconds',
      help: 'Correlate + insert time of one batch.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'tb_bridge_consumer_lag',
      help: 'Messages between the last consumed offset and the partition high watermark.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.paused = new Gauge({
      name: 'tb_bridge_consumer_paused',
      help: '1 while consumption is paused (backpressure).',
      registers,
    });
    this.buffered = new Gauge({
      name: 'tb_bridge_buffered_events',
      help: 'Events accepted and not yet stored.',
      registers,
      collect: () => this.buffered.set(this.bridge?.localStats().events_buffered ?? 0),
    });
  }

  /** Hooks the bridge calls on each flush and rejection. */
  readonly observer: IngestObserver = {
    flushed: ({ events, latencyMs }) => {
      this.stored.inc(events);
      this.flushDuration.observe(latencyMs / 1000);
    },
    flushFailed: () => this.flushFailures.inc(),
    rejected: () => this.rejected.inc(),
    storageRejected: (rejects) => this.refusedByStorage.inc(rejects.length),
    correlationRecovery: ({ recovered, unrecovered }) => {
      this.correlationsRecovered.inc(recovered);
      this.correlationsUnrecovered.inc(unrecovered.length);
    },
  };

  watch(bridge: TemporalBridge): void {
    this.bridge = bridge;
  }
}
