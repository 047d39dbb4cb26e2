import { Counter, type Registry } from 'prom-client';

/** Counters of the OTLP topic consumer (names prefixed tb_bridge_otlp_). */
export class OtlpKafkaMetrics {
  readonly messages: Counter;
  readonly events: Counter;
  readonly eventsRejected: Counter;
  readonly deadLettered: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.messages = new Counter({
      name: 'tb_bridge_otlp_messages_consumed_total',
      help: 'OTLP messages read from the OTLP topic.',
      registers,
    });
    this.events = new Counter({
      name: 'tb_bridge_otlp_events_accepted_total',
      help: 'Wire events from OTLP spans accepted by the bridge (stored before their offset is committed).',
      registers,
    });
    this.eventsRejected = new Counter({
      name: 'tb_bridge_otlp_events_rejected_total',
      help: 'Wire events from OTLP spans the bridge refused (their message is dead-lettered).',
      registers,
    });
    this.deadLettered = new Counter({
      name: 'tb_bridge_otlp_dlq_messages_total',
      help: 'OTLP messages sent to the dead-letter topic (undecodable, or with spans that could not be stored).',
      registers,
    });
  }
}
