import type { SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * The named response schemas of the API (Event, EventPage, Error, ...). Each
 * becomes `#/components/schemas/<id>` in the OpenAPI document; standalone
 * registers its own (e.g. the ingest answer) here too.
 */
export const openApiSchemas = z.registry<{ id: string }>();

/** `{$ref}` to a schema registered in openApiSchemas. */
export function schemaRef(id: string): { $ref: string } {
  return { $ref: `#/components/schemas/${id}` };
}

/** Every registered schema as OpenAPI 3.0 components. */
export function openApiComponentSchemas(): Record<string, SchemaObject> {
  const { schemas } = z.toJSONSchema(openApiSchemas, {
    target: 'openapi-3.0',
    unrepresentable: 'any',
    uri: (id) => schemaRef(id).$ref,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      // OpenAPI 3.0 schema objects have no $id.
      const { $id: _id, ...rest } = schema;
      return [id, rest as SchemaObject];
    }),
  );
}
