import { Param, Query } from '@nestjs/common';
import { ApiParam, ApiQuery, type ParameterObject, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

import { DEFAULT_QUERY_LIMITS } from '../api/query-api.options';
import { resolveSchema, zodValidationPipe, type ParameterSchema } from './zod-validation.pipe';

/**
 * The query parameters of a route, validated by a zod schema that also
 * documents them in OpenAPI (one source of truth): the handler receives the
 * parsed object, a bad value is a 400 naming the parameter.
 *
 * @example
 * list(@ValidQuery(eventsRangeQuery) query: EventsRangeQuery) {}
 */
export function ValidQuery(schema: ParameterSchema): ParameterDecorator {
  const pipe = zodValidationPipe('query', schema);
  return (target, key, index) => {
    Query(pipe)(target, key, index);
    document(target, key, (parameter) => ApiQuery(parameter), schema);
  };
}

/** The path parameters of a route, validated and documented like ValidQuery. */
export function ValidParams(schema: ParameterSchema): ParameterDecorator {
  const pipe = zodValidationPipe('path', schema);
  return (target, key, index) => {
    Param(pipe)(target, key, index);
    document(target, key, (parameter) => ApiParam(parameter), schema);
  };
}

type Describe = (parameter: {
  name: string;
  required: boolean;
  description?: string;
  schema: SchemaObject;
}) => MethodDecorator;

function document(target: object, key: string | symbol | undefined, describe: Describe, schema: ParameterSchema): void {
  if (key === undefined) throw new Error('ValidQuery/ValidParams decorate a route handler parameter');
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined) throw new Error(`no method ${String(key)} to document`);
  // Documented with the default limits: the configured ones are named in the descriptions.
  for (const parameter of parameterObjects(resolveSchema(schema, DEFAULT_QUERY_LIMITS))) {
    describe(parameter)(target, key, descriptor);
  }
}

/** OpenAPI parameters (name, required, description, schema) of a zod object's fields. */
export function parameterObjects(
  schema: z.ZodObject,
): Array<Pick<ParameterObject, 'name' | 'required' | 'description'> & { required: boolean; schema: SchemaObject }> {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as {
    properties?: Record<string, SchemaObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, required: json.required?.includes(name) ?? false, description, schema: rest };
  });
}
