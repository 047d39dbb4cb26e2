import { Counter, type Registry } from 'prom-client';

/** What an OTLP request carries: spans (traces) or log records (logs). */
export type OtlpSignalLabel = 'traces' | 'logs';

/**
 * OTLP ingest counters: items (spans, log records) and the wire events they
 * became, accepted and rejected per reason, and whole requests refused.
 */
export class OtlpMetrics {
  readonly itemsAccepted: Counter<'signal'>;
  readonly itemsRejected: Counter<'signal' | 'reason'>;
  readonly eventsAccepted: Counter<'signal'>;
  readonly eventsRejected: Counter<'signal' | 'reason'>;
  readonly requestsRefused: Counter<'signal' | 'reason'>;

  constructor(registry: Registry, prefix: string) {
    this.itemsAccepted = new Counter({
      name: `${prefix}otlp_items_accepted_total`,
      help: 'OTLP spans (signal="traces") and log records (signal="logs") stored.',
      labelNames: ['signal'],
      registers: [registry],
    });
    this.itemsRejected = new Counter({
      name: `${prefix}otlp_items_rejected_total`,
      help: 'OTLP spans and log records rejected (answered in partialSuccess), per reason.',
      labelNames: ['signal', 'reason'],
      registers: [registry],
    });
    this.eventsAccepted = new Counter({
      name: `${prefix}otlp_events_accepted_total`,
      help: 'Wire events stored from OTLP spans and log records.',
      labelNames: ['signal'],
      registers: [registry],
    });
    this.eventsRejected = new Counter({
      name: `${prefix}otlp_events_rejected_total`,
      help: 'Wire events of OTLP items that were not stored, per reason.',
      labelNames: ['signal', 'reason'],
      registers: [registry],
    });
    this.requestsRefused = new Counter({
      name: `${prefix}otlp_requests_refused_total`,
      help: 'OTLP requests answered with an error (nothing stored), per reason.',
      labelNames: ['signal', 'reason'],
      registers: [registry],
    });
  }
}
