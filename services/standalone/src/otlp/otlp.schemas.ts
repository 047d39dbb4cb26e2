import { openApiSchemas } from '@temporal-bridge/query';
import { z } from 'zod';

/** The JSON answer to POST /v1/traces and /v1/logs (ExportTraceServiceResponse in the OTLP JSON encoding). */
export const otlpExportResponseSchema = z
  .object({
    partialSuccess: z
      .object({
        rejectedSpans: z.string().optional().describe('Spans not stored (int64 as a decimal string).'),
        rejectedLogRecords: z.string().optional().describe('Log records not stored (int64 as a decimal string).'),
        errorMessage: z.string().describe('Each rejected item as "where (name): problem", separated by "; ".'),
      })
      .optional()
      .describe('Absent when everything was stored.'),
  })
  .register(openApiSchemas, { id: 'OtlpExportResponse' });
