import type {
  ActiveAstNodesAnswer,
  AstNodeAnswer,
  AstNodeStatsListAnswer,
  JsonValue,
  StateAnswer,
  TracePageAnswer,
} from '@temporal-bridge/event-schema';
import { z } from 'zod';

import { openApiSchemas } from './openapi-schemas.registry';

/*
 * The shapes the routes answer with, for the OpenAPI document. Responses are
 * built by serializeEvent and the serializers in ../api; these schemas
 * describe them and are checked against real answers in the integration tests.
 */

const nanos = (description: string) => z.string().regex(/^\d+$/).meta({ description, example: '1795000000000000000' });

/** An event as the API returns it (serializeEvent): decimal-string nanoseconds, absent fields omitted. */
export const serializedEventSchema = z
  .object({
    event_id: z.string(),
    timestamp: nanos('Nanoseconds since the Unix epoch, decimal string.'),
    event_type: z.string(),
    correlation_id: z.string(),
    parent_id: z.string().optional(),
    trace_id: z.string().optional(),
    ast_node_id: z.string().optional(),
    service: z.string().optional(),
    instance: z.string().optional(),
    seq: z.number().int().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    timestamp_inferred: z.boolean().optional(),
    duration_ns: nanos('function_exit: time since the matching entry, ns.').optional(),
    linked_event_id: z.string().optional(),
  })
  .register(openApiSchemas, { id: 'Event' });

export const eventPageSchema = z
  .object({
    events: z.array(serializedEventSchema).meta({ description: 'Ordered by timestamp, then seq, then event_id.' }),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null when this page is the last.' }),
  })
  .register(openApiSchemas, { id: 'EventPage' });

export const activeAstNodesSchema = z
  .object({
    ast_node_ids: z.array(z.string()).meta({ description: 'Distinct, ascending; at most MAX_RESULT_ROWS.' }),
    truncated: z
      .boolean()
      .meta({ description: 'More nodes were active than MAX_RESULT_ROWS: the list is the first ones.' }),
  })
  .register(openApiSchemas, { id: 'ActiveAstNodes' }) satisfies z.ZodType<ActiveAstNodesAnswer>;

export const astNodeSchema = z
  .object({
    ast_node_id: z.string(),
    locations: z
      .array(
        z
          .object({
            service: z.string().optional().meta({ description: 'Absent when the manifest event had none.' }),
            file: z.string().meta({ description: 'Project-relative, POSIX.' }),
            line: z.number().int().meta({ description: '1-based, of the original source.' }),
            column: z.number().int().meta({ description: '1-based.' }),
            end_line: z.number().int(),
            end_column: z.number().int(),
            kind: z.string().meta({ description: 'function, arrow, method, getter, constructor, ...' }),
            name: z.string().meta({ description: 'Qualified name, e.g. OrderService.place.' }),
            hash: z.string().meta({ description: "First 16 hex chars of the SHA-256 of the function's source." }),
            seen_at: nanos('Timestamp of the latest manifest event that described it.'),
          })
          .register(openApiSchemas, { id: 'AstNodeLocation' }),
      )
      .meta({ description: 'One per service that published the node (its latest manifest), ordered by service.' }),
  })
  .register(openApiSchemas, { id: 'AstNode' }) satisfies z.ZodType<AstNodeAnswer>;

const activeCallSchema = z
  .object({
    correlation_id: z.string(),
    ast_node_id: z.string().optional(),
    parent_id: z.string().optional(),
    trace_id: z.string().optional(),
    service: z.string().optional(),
    entry_event_id: z.string(),
    entry_timestamp: nanos('Time of the function_entry, ns.'),
    function: z.string().optional(),
    module: z.string().optional(),
  })
  .register(openApiSchemas, { id: 'ActiveCall' });

export const stateSnapshotSchema = z
  .object({
    at: nanos('The instant asked for, ns.'),
    state: z
      .array(
        z
          .object({
            service: z
              .string()
              .optional()
              .meta({ description: 'Keys are per service: the same key in two services is two entries.' }),
            key: z.string(),
            // Any JSON: documented as an unconstrained schema.
            value: z
              .custom<JsonValue>(() => true)
              .meta({ description: 'Its latest value at or before `at` (any JSON).' }),
            event_id: z.string().meta({ description: 'The state_change or variable_snapshot that set it.' }),
            timestamp: nanos('When that event happened.'),
          })
          .register(openApiSchemas, { id: 'StateEntry' }),
      )
      .meta({ description: 'Every (service, key) set at or before `at`, ordered by service then key.' }),
    state_truncated: z
      .boolean()
      .meta({ description: 'More keys were set than MAX_RESULT_ROWS: `state` holds the first ones.' }),
    active_calls: z.array(activeCallSchema).meta({ description: 'Ordered by entry time.' }),
    active_calls_truncated: z
      .boolean()
      .meta({ description: 'More calls were open than MAX_RESULT_ROWS: `active_calls` holds the earliest.' }),
  })
  .register(openApiSchemas, { id: 'StateSnapshot' }) satisfies z.ZodType<StateAnswer>;

export const executionPathSchema = z
  .object({
    target: serializedEventSchema,
    path: z
      .array(serializedEventSchema.extend({ on_stack: z.boolean() }).register(openApiSchemas, { id: 'PathStep' }))
      .meta({ description: "The target's trace (or correlation) at or before it, ordered, target last." }),
    truncated: z.boolean().meta({ description: 'The path was cut to its latest MAX_RESULT_ROWS steps.' }),
  })
  .register(openApiSchemas, { id: 'ExecutionPath' });

export const tracePageSchema = z
  .object({
    traces: z.array(
      z
        .object({
          trace_id: z.string(),
          root: z
            .object({
              correlation_id: z.string(),
              entry_event_id: z.string().meta({ description: 'event_id of its function_entry.' }),
              ast_node_id: z.string().optional(),
              service: z.string().optional(),
              function: z.string().optional(),
              module: z.string().optional(),
            })
            .meta({ description: 'The call without parent that started the trace.' }),
          services: z.array(z.string()).meta({ description: 'Services with an event in the trace, ascending.' }),
          start: nanos("The root call's entry, ns."),
          duration_ns: nanos("The root call's duration, ns; null while it has no exit.").nullable(),
          events: z.number().int().meta({ description: 'Distinct events of the trace.' }),
          errors: z.number().int().meta({
            description: 'Calls that failed: an `error` event or a function_exit with data.error.',
          }),
        })
        .register(openApiSchemas, { id: 'TraceSummary' }),
    ),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null when this page is the last.' }),
  })
  .register(openApiSchemas, { id: 'TracePage' }) satisfies z.ZodType<TracePageAnswer>;

export const astNodeStatsListSchema = z
  .object({
    from: nanos('The window asked for, ns.'),
    to: nanos('The window asked for, ns.'),
    nodes: z.array(
      z
        .object({
          ast_node_id: z.string(),
          calls: z.number().int().meta({ description: 'Calls of the node entered in the window.' }),
          errors: z.number().int().meta({ description: 'Of those, the calls that failed.' }),
          p50_ns: nanos('Median duration of those that exited; null when none did.').nullable(),
          p95_ns: nanos('95th percentile duration; null when none exited.').nullable(),
          max_ns: nanos('Longest duration; null when none exited.').nullable(),
        })
        .register(openApiSchemas, { id: 'AstNodeStats' }),
    ),
    truncated: z.boolean().meta({ description: 'More nodes had calls than `limit`: the list is the first ones.' }),
  })
  .register(openApiSchemas, { id: 'AstNodeStatsList' }) satisfies z.ZodType<AstNodeStatsListAnswer>;

export const statsSchema = z
  .object({
    bridge: z.record(z.string(), z.unknown()).meta({
      description:
        'Query service: {instances: [{instance, reported_at, stats}]} from the bridge replicas; standalone: its bridge.',
    }),
    storage: z.object({
      total_events: z.number().int(),
      oldest_timestamp: nanos('Oldest event, ns.').nullable(),
      newest_timestamp: nanos('Newest event, ns.').nullable(),
      bytes_on_disk: z.number().int(),
      bytes_uncompressed: z.number().int(),
    }),
  })
  .register(openApiSchemas, { id: 'Stats' });

export const errorBodySchema = z
  .object({
    error: z.string().meta({
      description:
        'Stable code: invalid_parameter, invalid_url, unauthorized, not_found, method_not_allowed, storage_unavailable, query_timeout, internal_error, ...',
    }),
    message: z.string().meta({ description: 'What is wrong, naming the parameter at fault.' }),
  })
  .register(openApiSchemas, { id: 'Error' });
