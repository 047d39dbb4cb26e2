import type { CallPage, EventHistogram, WindowCall } from '@temporal-bridge/temporal-storage';
import { z } from 'zod';

import { openApiSchemas } from '../openapi/openapi-schemas.registry';

const nanos = (description: string) => z.string().regex(/^\d+$/).meta({ description, example: '1795000000000000000' });

export const windowCallSchema = z
  .object({
    correlation_id: z.string(),
    entry_event_id: z.string().meta({ description: 'event_id of the function_entry.' }),
    entry_timestamp: nanos('Time of the function_entry, ns.'),
    exit_timestamp: nanos('Time of the function_exit, ns; null while the call is open.').nullable(),
    exit_event_id: z.string().optional().meta({ description: 'event_id of the function_exit, when stored.' }),
    duration_ns: nanos('exit - entry, ns; null while the call is open.').nullable(),
    error: z.boolean().meta({ description: 'The exit carries data.error, or an `error` event belongs to the call.' }),
    parent_id: z.string().optional(),
    trace_id: z.string().optional(),
    ast_node_id: z.string().optional(),
    service: z.string().optional(),
    function: z.string().optional(),
    module: z.string().optional(),
  })
  .register(openApiSchemas, { id: 'WindowCall' });

export const callPageSchema = z
  .object({
    calls: z
      .array(windowCallSchema)
      .meta({ description: 'Calls entered at or before `to` and not exited before `from`, by entry time.' }),
    next_cursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null when this page is the last.' }),
  })
  .register(openApiSchemas, { id: 'CallPage' });

export const eventHistogramSchema = z
  .object({
    from: nanos('Start of the range, ns.'),
    to: nanos('End of the range, ns.'),
    bucket_ns: nanos('Width of each bucket, ns: bucket i covers [from + i*bucket_ns, from + (i+1)*bucket_ns).'),
    buckets: z
      .array(
        z.object({
          start: nanos('Start of the bucket, ns.'),
          events: z.number().int().meta({ description: 'Distinct events in the bucket.' }),
          errors: z
            .number()
            .int()
            .meta({ description: '`error` events and function_exits with data.error in the bucket.' }),
        }),
      )
      .meta({ description: 'Every bucket in time order, empty ones included.' }),
  })
  .register(openApiSchemas, { id: 'EventHistogram' });

/** A call with its nanoseconds as decimal strings. */
export function serializeWindowCall(call: WindowCall): z.input<typeof windowCallSchema> {
  return {
    ...call,
    entry_timestamp: call.entry_timestamp.toString(),
    exit_timestamp: call.exit_timestamp?.toString() ?? null,
    duration_ns: call.duration_ns?.toString() ?? null,
  };
}

/** GET /v1/calls */
export function serializeCallPage(page: CallPage): z.input<typeof callPageSchema> {
  return { calls: page.calls.map(serializeWindowCall), next_cursor: page.next_cursor };
}

/** GET /v1/events/histogram */
export function serializeHistogram(histogram: EventHistogram): z.input<typeof eventHistogramSchema> {
  return {
    from: histogram.from.toString(),
    to: histogram.to.toString(),
    bucket_ns: histogram.bucket_ns.toString(),
    buckets: histogram.buckets.map((b) => ({ start: b.start.toString(), events: b.events, errors: b.errors })),
  };
}
