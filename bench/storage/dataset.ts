import type { TemporalEvent } from '@temporal-bridge/event-schema';

import { FUNCTION_SHARE, TraceGenerator } from './trace-generator';

export interface DatasetOptions {
  /** Events to produce (the benchmark default is 10 million). */
  events: number;
  /** Start of the first trace, ns since the epoch: recent, so retention keeps it. */
  startNs: bigint;
  /** Time over which traces start. Default 2 hours. */
  spanNs?: bigint;
  seed?: number;
  /** Distinct AST nodes over all services. Default 10 000. */
  astNodes?: number;
  services?: number;
  /** Distinct state keys (data.state) over all services. Default 10 000. */
  stateKeys?: number;
  /** Mean calls per trace. Default 10 (with ~10 events per call: 1M calls for 10M events). */
  callsPerTrace?: number;
}

/** An event remembered while generating: what randomized benchmark queries are drawn from. */
export interface DatasetSample {
  event_id: string;
  timestamp: bigint;
  correlation_id: string;
  trace_id?: string;
  ast_node_id?: string;
  service?: string;
}

const SAMPLES = 4000;

/**
 * A deterministic synthetic fleet: `events` events from `services` services,
 * grouped in traces of nested calls (function_entry/function_exit pairs sharing
 * a correlation_id, children linked by parent_id), with state changes,
 * variable snapshots, messages, logs and errors inside the calls. Same options,
 * same events, in time order (per-instance seq follows time).
 */
export class SyntheticDataset {
  readonly services: string[];
  readonly astNodeIds: string[];
  readonly stateKeys: string[];
  readonly startNs: bigint;
  readonly spanNs: bigint;
  /** Filled while `batches()` runs. */
  readonly samples: DatasetSample[] = [];

  private readonly options: Required<DatasetOptions>;

  constructor(options: DatasetOptions) {
    this.options = {
      spanNs: 2n * 3600n * 1_000_000_000n,
      seed: 20261124,
      astNodes: 10_000,
      services: 50,
      stateKeys: 10_000,
      callsPerTrace: 10,
      ...options,
    };
    const { services, astNodes, stateKeys } = this.options;
    this.startNs = this.options.startNs;
    this.spanNs = this.options.spanNs;
    this.services = Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    this.astNodeIds = Array.from({ length: astNodes }, (_, i) => this.nodeId(i % services, Math.floor(i / services)));
    this.stateKeys = Array.from({ length: stateKeys }, (_, i) => this.keyName(i % services, Math.floor(i / services)));
  }

  /** The events, in time order, in batches of `size`. */
  *batches(size: number): Generator<TemporalEvent[]> {
    const generator = new TraceGenerator(this, this.options);
    let batch: TemporalEvent[] = [];
    const every = Math.max(1, Math.floor(this.options.events / SAMPLES));
    for (let n = 0; n < this.options.events; n += 1) {
      const event = generator.next();
      if (n % every === 0) this.samples.push(sampleOf(event));
      batch.push(event);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  nodesPerService(): number {
    return Math.floor(this.options.astNodes / this.options.services);
  }

  keysPerService(): number {
    return Math.floor(this.options.stateKeys / this.options.services);
  }

  nodeId(service: number, index: number): string {
    const kind = index < this.nodesPerService() * FUNCTION_SHARE ? 'fn' : 'stmt';
    return `${this.services[service] ?? `svc-${service}`}/src/module-${String(index % 17).padStart(2, '0')}.ts:${10 + index * 7}:${kind === 'fn' ? 1 : 5}`;
  }

  keyName(service: number, index: number): string {
    return `${this.services[service] ?? `svc-${service}`}.state.${index}`;
  }
}

function sampleOf(event: TemporalEvent): DatasetSample {
  const sample: DatasetSample = {
    event_id: event.event_id,
    timestamp: event.timestamp,
    correlation_id: event.correlation_id,
  };
  if (event.trace_id !== undefined) sample.trace_id = event.trace_id;
  if (event.ast_node_id !== undefined) sample.ast_node_id = event.ast_node_id;
  if (event.service !== undefined) sample.service = event.service;
  return sample;
}
