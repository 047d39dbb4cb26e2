import { isUtf8 } from 'node:buffer';

import type { z } from 'zod';

import { DEFAULT_MAX_DATA_BYTES, MAX_ID_LENGTH, type EventProblem, type JsonObject, type TemporalEvent } from './event';
import { checkWireEvent, hasPlainStrings, INVALID_WIRE_EVENT, wireEventSchema } from './event.schema';
import { isJsonTree, isPlainObject, jsonProblems, rememberJsonText } from './json-value';
import { systemClock, type Clock } from './timestamp';
import { timestampWindowProblem, type TimestampWindow } from './timestamp-window';

export interface ParseOptions {
  /**
   * Receive time used when the event has no timestamp (wins over `clock`);
   * or a function making it, called only for an event without timestamp.
   */
  receivedAt?: bigint | (() => bigint);
  /** Clock read when the event has no timestamp and no `receivedAt` is given. */
  clock?: Clock;
  /**
   * Deterministic id for an event without event_id (the bridge passes
   * `topic/partition/offset`), so a replay never duplicates it; or a function
   * making it, called only for an event that has no event_id (a content hash
   * is worth computing only then). Without one, a missing event_id is a problem.
   */
  fallbackEventId?: string | (() => string);
  /** Limit on serialized `data`, in bytes (default 64 KiB). */
  maxDataBytes?: number;
  /**
   * Explicit timestamps must fall in this window around `clock` (default:
   * not checked, for tests and tools replaying fixed times). Every ingest
   * path of the services sets it, so a timestamp in the wrong unit is
   * rejected with the reason instead of being stored and deleted.
   */
  timestampWindow?: TimestampWindow;
}

export type ParseResult = { ok: true; event: TemporalEvent } | { ok: false; problems: EventProblem[] };

/**
 * Validates one wire event (already decoded from JSON) and returns the typed
 * event, or every problem found, each naming its field. Never throws.
 *
 * @example
 * const result = parseEvent({ event_type: 'log', correlation_id: 'c1', timestamp: '1764000000000000000', event_id: 'e1' });
 * if (result.ok) console.log(result.event.timestamp); // 1764000000000000000n
 * else console.log(result.problems); // [{ field, reason }]
 */
export function parseEvent(input: unknown, options: ParseOptions = {}): ParseResult {
  return parseValue(input, options, false);
}

/** parseEvent, told whether every string in `input` is known plain (hasPlainStrings on its JSON text). */
function parseValue(input: unknown, options: ParseOptions, plainStrings: boolean): ParseResult {
  if (!isPlainObject(input)) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
    return { ok: false, problems: [{ field: '(event)', reason: `an event must be a JSON object, got ${got}` }] };
  }
  const timestamp = checkWireEvent(input, plainStrings);
  // checkWireEvent has checked every field WireFields names.
  if (timestamp !== INVALID_WIRE_EVENT)
    return checkedEvent(input as unknown as WireFields, timestamp, options, plainStrings);
  // Some rule is broken: zod names every problem.
  const parsed = wireEventSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.join('.') : '(event)',
        reason: issue.message,
      })),
    };
  }
  return checkedEvent(parsed.data, parsed.data.timestamp, options, false);
}

/**
 * The fields of an event that passed the wire schema (by the fast check or by
 * zod), as the schema defines them; the timestamp is passed on its own.
 */
type WireFields = Omit<z.output<typeof wireEventSchema>, 'timestamp' | 'schema_version'>;

/** The checks beyond the wire schema (id, data contents and size, shapes, time window), then the event. */
function checkedEvent(
  wire: WireFields,
  timestamp: bigint | undefined,
  options: ParseOptions,
  plainStrings: boolean,
): ParseResult {
  const fallback = options.fallbackEventId;
  const eventId = wire.event_id ?? (typeof fallback === 'function' ? fallback() : fallback);
  let problems: EventProblem[] | undefined;
  if (eventId === undefined) {
    problems = [
      {
        field: 'event_id',
        reason: 'event_id is required (no deterministic fallback id is available here)',
      },
    ];
  }
  const data = wire.data;
  if (data !== undefined) {
    const dataProblem = dataProblems(data, options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES, plainStrings);
    if (dataProblem !== undefined) (problems ??= []).push(...dataProblem);
  }
  if (problems === undefined) {
    problems = shapeProblems(wire.event_type, data);
  }
  if (timestamp !== undefined && options.timestampWindow !== undefined) {
    const now = (options.clock ?? systemClock).nowNanos();
    const reason = timestampWindowProblem(timestamp, now, options.timestampWindow);
    if (reason !== undefined) (problems ??= []).push({ field: 'timestamp', reason });
  }
  if (problems !== undefined || eventId === undefined) return { ok: false, problems: problems ?? [] };

  const eventTimestamp = timestamp ?? receivedAt(options);
  const { parent_id, trace_id, ast_node_id, service, instance, seq } = wire;
  // An SDK event usually has every field: one literal then makes the whole
  // object at once (no property store grown by the adds below), the same
  // keys in the same order (bench/hotpath/parse-stages).
  if (
    parent_id !== undefined &&
    trace_id !== undefined &&
    ast_node_id !== undefined &&
    service !== undefined &&
    instance !== undefined &&
    seq !== undefined &&
    data !== undefined
  ) {
    const whole: TemporalEvent = {
      event_id: eventId,
      timestamp: eventTimestamp,
      event_type: wire.event_type,
      correlation_id: wire.correlation_id,
      timestamp_inferred: timestamp === undefined,
      parent_id,
      trace_id,
      ast_node_id,
      service,
      instance,
      seq,
      data: data as JsonObject,
    };
    return { ok: true, event: whole };
  }
  const event: TemporalEvent = {
    event_id: eventId,
    timestamp: eventTimestamp,
    event_type: wire.event_type,
    correlation_id: wire.correlation_id,
    timestamp_inferred: timestamp === undefined,
  };
  if (parent_id !== undefined) event.parent_id = parent_id;
  if (trace_id !== undefined) event.trace_id = trace_id;
  if (ast_node_id !== undefined) event.ast_node_id = ast_node_id;
  if (service !== undefined) event.service = service;
  if (instance !== undefined) event.instance = instance;
  if (seq !== undefined) event.seq = seq;
  if (data !== undefined) event.data = data as JsonObject;
  return { ok: true, event };
}

/** The time an event without timestamp gets: `receivedAt` (read only now), else the clock. */
function receivedAt(options: ParseOptions): bigint {
  const given = options.receivedAt;
  if (given === undefined) return (options.clock ?? systemClock).nowNanos();
  return typeof given === 'function' ? given() : given;
}

/**
 * Decodes and validates one serialized event: bytes must be UTF-8 and JSON.
 * Used on Kafka message values and NDJSON lines.
 */
export function parseEventJson(raw: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  const maxDataBytes = options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES;
  // Cheap guard before parsing: data is bounded, so the whole event is too.
  const maxEventBytes = maxDataBytes * 2 + 16 * MAX_ID_LENGTH * 8;
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > maxEventBytes) {
    return {
      ok: false,
      problems: [{ field: '(event)', reason: `event is ${size} bytes, above the ${maxEventBytes}-byte limit` }],
    };
  }
  // isUtf8 then a Buffer's toString: measured cheaper than a fatal TextDecoder.
  if (typeof raw !== 'string' && !isUtf8(raw))
    return { ok: false, problems: [{ field: '(event)', reason: 'event is not valid UTF-8' }] };
  const text =
    typeof raw === 'string'
      ? raw
      : (Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ field: '(event)', reason: `event is not JSON: ${detail}` }] };
  }
  return parseValue(value, options, hasPlainStrings(text, typeof raw !== 'string'));
}

/** The problems of `data`'s contents and size, or undefined; serializes it once, for the row encoder too. */
function dataProblems(
  data: Record<string, unknown>,
  maxDataBytes: number,
  plainStrings: boolean,
): EventProblem[] | undefined {
  if (!isJsonTree(data, plainStrings)) return jsonProblems(data, 'data');
  const text = JSON.stringify(data);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most events need no count.
  const bytes = text.length * 3 <= maxDataBytes ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > maxDataBytes)
    return [{ field: 'data', reason: `data is ${bytes} bytes serialized, above the ${maxDataBytes}-byte limit` }];
  rememberJsonText(data, text);
  return undefined;
}

const ENTRY_NAMES = ['module', 'function'] as const;

/** The well-known `data` shapes that the Cinema primitives read: what is broken, or undefined. */
function shapeProblems(eventType: string, data: Record<string, unknown> | undefined): EventProblem[] | undefined {
  switch (eventType) {
    case 'state_change':
      return isPlainObject(data?.['state'])
        ? undefined
        : [{ field: 'data.state', reason: 'a state_change needs data.state, an object of key: value' }];
    case 'variable_snapshot':
      return isPlainObject(data?.['variables'])
        ? undefined
        : [{ field: 'data.variables', reason: 'a variable_snapshot needs data.variables, an object of name: value' }];
    case 'message_send':
    case 'message_receive': {
      const messageId = data?.['message_id'];
      return typeof messageId === 'string' && messageId.length > 0 && messageId.length <= MAX_ID_LENGTH
        ? undefined
        : [
            {
              field: 'data.message_id',
              reason: `a ${eventType} needs data.message_id, a string of 1..${MAX_ID_LENGTH} characters`,
            },
          ];
    }
    case 'function_entry': {
      const broken = ENTRY_NAMES.filter((key) => data?.[key] !== undefined && typeof data[key] !== 'string');
      return broken.length === 0
        ? undefined
        : broken.map((key) => ({ field: `data.${key}`, reason: `data.${key} of a function_entry must be a string` }));
    }
    default:
      return undefined;
  }
}
