import { type JsonObject, type SerializedEvent } from '@temporal-bridge/event-schema';

import { type IdGenerator } from '../support/ids';

import { type EventSender } from '../pipeline/event-sender';
import { type WireTime } from '../pipeline/wire-time';
import { type EventRecorder } from '../runtime/event-recorder';
import { type CallIds, type NodeInfo } from './auto-call';

/**
 * Builds the wire events of automatic calls, leanly: one id per call (the
 * runtime's IdGenerator, as for traced() calls: a random 64-bit prefix per
 * process and a counter, unique across a fleet and ~4x cheaper than a
 * UUIDv7) is its correlation id and its entry's event id; the exit and error
 * event ids derive from it by a suffix. Same
 * keys in the same order as event-schema's serializeEvent, written as
 * literals so that V8 keeps one shape per kind of event; the time comes from
 * the runtime's WireTime (no BigInt), the seq from its recorder.
 */
export class CallEvents {
  private readonly time: WireTime;
  private readonly sender: EventSender;
  private readonly service: string;
  private readonly instance: string;

  constructor(
    private readonly recorder: EventRecorder,
    private readonly ids: IdGenerator,
  ) {
    this.time = recorder.time;
    this.sender = recorder.sender;
    this.service = recorder.producer.service;
    this.instance = recorder.producer.instance;
  }

  /** Queues the entry and returns the call's id (its correlation id). */
  entry(node: NodeInfo, traceId: string | undefined, parentId: string | undefined, data: JsonObject): string {
    const time = this.time;
    time.read();
    const id = this.ids.next();
    const event: SerializedEvent =
      parentId === undefined
        ? {
            event_id: id,
            timestamp: time.text,
            event_type: 'function_entry',
            correlation_id: id,
            trace_id: id,
            ast_node_id: node.astNodeId,
            service: this.service,
            instance: this.instance,
            seq: this.recorder.nextSeq(),
            data,
          }
        : {
            event_id: id,
            timestamp: time.text,
            event_type: 'function_entry',
            correlation_id: id,
            parent_id: parentId,
            trace_id: traceId,
            ast_node_id: node.astNodeId,
            service: this.service,
            instance: this.instance,
            seq: this.recorder.nextSeq(),
            data,
          };
    this.sender.enqueue(event);
    return id;
  }

  exit(call: CallIds, node: NodeInfo, data: JsonObject | undefined): void {
    this.event(call.correlationId + '.x', 'function_exit', call, node, data);
  }

  /** `n`: the call's how-many-th error event (a call normally has one). */
  error(call: CallIds, node: NodeInfo, data: JsonObject, n: number): void {
    this.event(call.correlationId + (n === 1 ? '.e' : `.e${n}`), 'error', call, node, data);
  }

  /**
   * With `data` the literal has it in place (last, as serializeEvent puts it):
   * adding it afterwards would move the object to another shape and give it
   * an out-of-object property store, a second allocation per event.
   */
  private event(eventId: string, eventType: string, call: CallIds, node: NodeInfo, data: JsonObject | undefined): void {
    const time = this.time;
    time.read();
    let event: SerializedEvent;
    if (call.parentId === undefined) {
      event =
        data === undefined
          ? {
              event_id: eventId,
              timestamp: time.text,
              event_type: eventType,
              correlation_id: call.correlationId,
              trace_id: call.traceId,
              ast_node_id: node.astNodeId,
              service: this.service,
              instance: this.instance,
              seq: this.recorder.nextSeq(),
            }
          : {
              event_id: eventId,
              timestamp: time.text,
              event_type: eventType,
              correlation_id: call.correlationId,
              trace_id: call.traceId,
              ast_node_id: node.astNodeId,
              service: this.service,
              instance: this.instance,
              seq: this.recorder.nextSeq(),
              data,
            };
    } else {
      event =
        data === undefined
          ? {
              event_id: eventId,
              timestamp: time.text,
              event_type: eventType,
              correlation_id: call.correlationId,
              parent_id: call.parentId,
              trace_id: call.traceId,
              ast_node_id: node.astNodeId,
              service: this.service,
              instance: this.instance,
              seq: this.recorder.nextSeq(),
            }
          : {
              event_id: eventId,
              timestamp: time.text,
              event_type: eventType,
              correlation_id: call.correlationId,
              parent_id: call.parentId,
              trace_id: call.traceId,
              ast_node_id: node.astNodeId,
              service: this.service,
              instance: this.instance,
              seq: this.recorder.nextSeq(),
              data,
            };
    }
    this.sender.enqueue(event);
  }
}
