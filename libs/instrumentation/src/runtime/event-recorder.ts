import { uuidv7, type Clock, type JsonObject, type SerializedEvent } from '@temporal-bridge/event-schema';

import { type EventSender } from '../pipeline/event-sender';
import { WireTime } from '../pipeline/wire-time';
import { type CallContext } from './call-context';

/** Who produced the events: stamped on each. */
export interface Producer {
  readonly service: string;
  readonly instance: string;
}

/**
 * Stamps an event (UUIDv7, timestamp, per-producer seq, call ids) and queues
 * it in its wire form: exactly what event-schema's `serializeEvent` gives
 * (same keys, same order), built directly because this runs once per event.
 * Events outside any call belong to the runtime's own "ambient" correlation
 * id, so they still group per process.
 */
export class EventRecorder {
  private seq = 0;
  /** Shared with the automatic probes, which build their two events per call directly. */
  readonly time: WireTime;

  constructor(
    readonly sender: EventSender,
    clock: Clock,
    readonly producer: Producer,
    readonly ambientId: string,
  ) {
    this.time = new WireTime(clock);
  }

  /** The next per-producer sequence number (the automatic probes number their events here too). */
  nextSeq(): number {
    return this.seq++;
  }

  record(
    eventType: string,
    ctx: CallContext | undefined,
    astNodeId: string | undefined,
    data: JsonObject | undefined,
  ): void {
    const time = this.time;
    time.read();
    const event: SerializedEvent = {
      // The UUIDv7 carries the event's own millisecond, so ids sort like timestamps.
      event_id: uuidv7(time.ms),
      timestamp: time.text,
      event_type: eventType,
      correlation_id: ctx === undefined ? this.ambientId : ctx.correlationId,
    };
    if (ctx !== undefined) {
      if (ctx.parentId !== undefined) event.parent_id = ctx.parentId;
      event.trace_id = ctx.traceId;
    }
    if (astNodeId !== undefined) event.ast_node_id = astNodeId;
    event.service = this.producer.service;
    event.instance = this.producer.instance;
    // seq is taken even if the queue then drops the event: the gap tells the bridge something is missing.
    event.seq = this.seq++;
    if (data !== undefined) event.data = data;
    this.sender.enqueue(event);
  }
}
