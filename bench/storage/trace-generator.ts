import type { JsonObject, TemporalEvent } from '@temporal-bridge/event-schema';

import { traceShape } from './call-tree';
import type { DatasetOptions, SyntheticDataset } from './dataset';
import { EventHeap } from './event-heap';
import {
  entryData,
  errorData,
  exitData,
  functionName,
  logData,
  messageData,
  stateData,
  variablesData,
} from './payloads';
import { Random } from './random';

/** Mean events inside a call besides its entry and exit, and their mix. */
const INNER_EVENTS_MAX = 16;
const INNER_MIX: ReadonlyArray<[string, number]> = [
  ['log', 0.46],
  ['state_change', 0.19],
  ['variable_snapshot', 0.06],
  ['message_send', 0.125],
  ['message_receive', 0.125],
  ['error', 0.04],
];
export const FUNCTION_SHARE = 0.3;

/** Produces traces one after another and releases their events in time order. */
export class TraceGenerator {
  private readonly random: Random;
  private readonly heap = new EventHeap();
  private readonly seqByInstance = new Map<string, number>();
  private readonly recentSends: string[] = [];
  private readonly startMs: number;
  private readonly meanGap: number;
  private nextTraceAt = 0;

  constructor(
    private readonly dataset: SyntheticDataset,
    private readonly options: Required<DatasetOptions>,
  ) {
    this.random = new Random(options.seed);
    this.startMs = Number(options.startNs / 1_000_000n);
    const eventsPerTrace = options.callsPerTrace * (2 + INNER_EVENTS_MAX / 2);
    this.meanGap = Number(options.spanNs) / (options.events / eventsPerTrace);
  }

  next(): TemporalEvent {
    while (this.heap.peekTime() >= this.nextTraceAt) {
      this.generateTrace(this.nextTraceAt);
      this.nextTraceAt += this.random.exponential(this.meanGap);
    }
    const event = this.heap.pop()!;
    if (event.seq !== undefined && event.instance !== undefined) {
      const seq = (this.seqByInstance.get(event.instance) ?? 0) + 1;
      this.seqByInstance.set(event.instance, seq);
      event.seq = seq;
    }
    return event;
  }

  private generateTrace(start: number): void {
    const r = this.random;
    const single = r.chance(0.02);
    const traceId = single ? undefined : r.hex(32);
    const shape = traceShape(r, start, this.options.callsPerTrace, single);
    const services: number[] = [];
    const correlations: string[] = [];
    for (const [i, call] of shape.entries()) {
      const parentService = call.parent < 0 ? undefined : services[call.parent];
      const service =
        parentService !== undefined && r.chance(0.85) ? parentService : r.skewed(this.options.services, 0.2, 0.5);
      services.push(service);
      correlations.push(uuid(r, this.startMs + Math.floor(call.start / 1e6)));
      this.generateCall(
        call,
        service,
        correlations[i]!,
        call.parent < 0 ? undefined : correlations[call.parent],
        traceId,
      );
    }
  }

  private generateCall(
    call: { start: number; end: number },
    service: number,
    correlationId: string,
    parentId: string | undefined,
    traceId: string | undefined,
  ): void {
    const r = this.random;
    const ds = this.dataset;
    const perService = ds.nodesPerService();
    const functions = Math.max(1, Math.floor(perService * FUNCTION_SHARE));
    const fnIndex = r.skewed(functions);
    const fn = functionName(fnIndex);
    const serviceName = ds.services[service]!;
    const base = {
      correlation_id: correlationId,
      service: serviceName,
      instance: `${serviceName}-i${r.int(4)}`,
    };
    const entryAt = micro(call.start);
    const exitAt = Math.max(entryAt, micro(call.end));
    const emit = (at: number, type: string, data: JsonObject, ast: string | undefined): TemporalEvent => {
      const event: TemporalEvent = {
        event_id: uuid(r, this.startMs + Math.floor(at / 1e6)),
        timestamp: this.options.startNs + BigInt(at),
        event_type: type,
        ...base,
        timestamp_inferred: r.chance(0.001),
        data,
      };
      if (parentId !== undefined) event.parent_id = parentId;
      if (traceId !== undefined) event.trace_id = traceId;
      if (ast !== undefined) event.ast_node_id = ast;
      // Placeholder: the real per-instance seq is assigned in time order on release.
      if (!r.chance(0.03)) event.seq = 0;
      this.heap.push(at, event);
      return event;
    };
    const fnNode = ds.nodeId(service, fnIndex);
    emit(entryAt, 'function_entry', entryData(r, fn), fnNode);
    const inner = r.int(INNER_EVENTS_MAX + 1);
    for (let k = 0; k < inner; k += 1) {
      // Some events share their call's entry time: ties the ordering must break by seq, then event_id.
      const at = r.chance(0.05) ? entryAt : entryAt + Math.floor(r.next() * (exitAt - entryAt)) + r.int(1000);
      const stmt = ds.nodeId(service, functions + ((fnIndex * 7 + r.int(7)) % Math.max(1, perService - functions)));
      const ast = r.chance(0.1) ? undefined : stmt;
      this.generateInner(Math.min(at, exitAt), service, fn, ast, emit);
    }
    const exit = emit(exitAt, 'function_exit', exitData(r, r.chance(0.02)), fnNode);
    exit.duration_ns = BigInt(exitAt - entryAt);
  }

  private generateInner(
    at: number,
    service: number,
    fn: { module: string; function: string },
    ast: string | undefined,
    emit: (at: number, type: string, data: JsonObject, ast: string | undefined) => TemporalEvent,
  ): void {
    const r = this.random;
    const ds = this.dataset;
    const type = pickType(r.next());
    switch (type) {
      case 'state_change': {
        const keys: string[] = [];
        const n = 1 + r.int(3);
        for (let i = 0; i < n; i += 1) keys.push(ds.keyName(service, r.skewed(ds.keysPerService())));
        emit(at, type, stateData(r, keys), ast);
        return;
      }
      case 'variable_snapshot':
        emit(at, type, variablesData(r), ast);
        return;
      case 'message_send': {
        const event = emit(at, type, messageData(r, `m-${r.hex(16)}`), ast);
        this.recentSends.push(event.event_id);
        if (this.recentSends.length > 1000) this.recentSends.shift();
        return;
      }
      case 'message_receive': {
        const link = this.recentSends.length > 0 ? r.pick(this.recentSends) : undefined;
        const event = emit(at, type, messageData(r, `m-${r.hex(16)}`), ast);
        if (link !== undefined) event.linked_event_id = link;
        return;
      }
      case 'error':
        emit(at, type, errorData(r, fn), ast);
        return;
      default:
        emit(at, 'log', logData(r, fn.function), ast);
    }
  }
}

function pickType(u: number): string {
  let acc = 0;
  for (const [type, share] of INNER_MIX) {
    acc += share;
    if (u < acc) return type;
  }
  return 'log';
}

/** Microsecond resolution, as the SDK's clock gives; the last digits of some events still carry ns. */
function micro(ns: number): number {
  return Math.floor(ns / 1000) * 1000;
}

/** A UUIDv7-shaped id (48-bit ms time, then seeded random bits). */
function uuid(random: Random, ms: number): string {
  const time = ms.toString(16).padStart(12, '0');
  const variant = (8 + random.int(4)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.hex(3)}-${variant}${random.hex(3)}-${random.hex(12)}`;
}
