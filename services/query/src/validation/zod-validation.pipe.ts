import { Inject, Injectable, mixin, type PipeTransform, type Type } from '@nestjs/common';
import type { z } from 'zod';

import type { QueryApiOptions, QueryLimits } from '../api/query-api.options';
import { QUERY_API_OPTIONS } from '../api/query-api.tokens';
import { ApiError } from '../errors/api-error';
import { describeIssues, type ParameterSource } from './describe-issues';

/** A route's parameter schema, or a function of the configured limits giving one. */
export type ParameterSchema = z.ZodObject | ((limits: QueryLimits) => z.ZodObject);

/** The schema for given limits. */
export function resolveSchema(schema: ParameterSchema, limits: QueryLimits): z.ZodObject {
  return typeof schema === 'function' ? schema(limits) : schema;
}

/**
 * A pipe class validating a route's query or path parameters with zod: the
 * parsed value (bigint timestamps, numeric limits) reaches the handler, and
 * any problem is a 400 invalid_parameter naming the parameter. A class, not
 * an instance, so Nest injects the configured limits the schema depends on.
 */
export function zodValidationPipe(source: ParameterSource, schema: ParameterSchema): Type<PipeTransform> {
  @Injectable()
  class ZodValidationPipe implements PipeTransform {
    private readonly schema: z.ZodObject;
    private readonly accepted: string[];

    constructor(@Inject(QUERY_API_OPTIONS) options: QueryApiOptions) {
      this.schema = resolveSchema(schema, options.limits);
      this.accepted = Object.keys(this.schema.shape);
    }

    transform(value: unknown): unknown {
      // Fastify gives an object with a null prototype; absent means no parameters at all.
      const input: Record<string, unknown> = typeof value === 'object' && value !== null ? { ...value } : {};
      const result = this.schema.safeParse(input);
      if (result.success) return result.data;
      throw ApiError.invalidParameter(describeIssues(result.error.issues, input, source, this.accepted));
    }
  }
  return mixin(ZodValidationPipe);
}
