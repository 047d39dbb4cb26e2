import { openApiSchemas } from '@temporal-bridge/query';
import { z } from 'zod';

/** The answer to POST /v1/events. */
export const ingestResultSchema = z
  .object({
    accepted: z.number().int().describe('Events stored durably before this answer was sent.'),
    rejected: z
      .array(
        z.object({
          index: z
            .number()
            .int()
            .describe('Position in the body (array element, or NDJSON line among non-empty lines).'),
          reason: z.string().describe('Each problem as "field: reason", separated by "; ".'),
        }),
      )
      .describe(
        'Invalid events, and events ClickHouse refused for their data (the reason starts with "storage refused the event"), by index; they were not stored.',
      ),
  })
  .register(openApiSchemas, { id: 'IngestResult' });

/**
 * The 422 answer to POST /v1/events when no event was accepted: the same
 * per-index body, plus the `{error, message}` every 4xx of the API carries.
 */
export const ingestNoneAcceptedSchema = ingestResultSchema
  .extend({
    error: z.literal('no_event_accepted'),
    message: z.string().describe('How many events were refused, and the first reason.'),
  })
  .register(openApiSchemas, { id: 'IngestNoneAccepted' });

/** The answer to POST /v1/flush. */
export const flushResultSchema = z
  .object({
    flushed: z.literal(true),
    events_stored: z.number().int().describe('Events this process has stored since it started.'),
  })
  .register(openApiSchemas, { id: 'FlushResult' });

export type IngestResult = z.infer<typeof ingestResultSchema>;
export type IngestNoneAccepted = z.infer<typeof ingestNoneAcceptedSchema>;
