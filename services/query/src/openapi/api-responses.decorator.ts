import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { z } from 'zod';

import { openApiSchemas, schemaRef } from './openapi-schemas.registry';
import { errorBodySchema } from './response.schemas';

/** What each error status means on this API, as the OpenAPI document says it. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'invalid_parameter: a parameter is missing, malformed, out of bounds or unknown (the message names it).',
  401: 'unauthorized: API keys are configured and the request has no valid `Authorization: Bearer <key>`.',
  404: 'not_found: no such route, or no such event.',
  503: 'storage_unavailable: ClickHouse cannot be reached or cannot answer; retry later.',
  504: 'query_timeout: the query ran longer than QUERY_TIMEOUT_MS.',
};

/** The `#/components/schemas/<id>` reference of a schema registered in openApiSchemas. */
function refOf(schema: z.ZodType): { $ref: string } {
  const id = openApiSchemas.get(schema)?.id;
  if (id === undefined) throw new Error('document only schemas registered in openApiSchemas');
  return schemaRef(id);
}

/** The error answers a /v1 route may give, as `Error` bodies (400, 401, 503 and 504 always). */
export function ApiErrorResponses(...extra: number[]): MethodDecorator & ClassDecorator {
  const statuses = [...new Set([400, 401, ...extra, 503, 504])].sort((a, b) => a - b);
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error.', schema: refOf(errorBodySchema) }),
    ),
  );
}

/** A 200 answer whose body is `schema` (registered in openApiSchemas). */
export function ApiJsonOk(schema: z.ZodType, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 200, description, schema: refOf(schema) });
}
