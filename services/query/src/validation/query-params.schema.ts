import { MAX_ID_LENGTH, parseTimestamp } from '@temporal-bridge/event-schema';
import { z } from 'zod';

import type { QueryLimits } from '../api/query-api.options';

/** Longest cursor accepted; storage's cursors are far shorter, this only bounds abuse. */
export const MAX_CURSOR_LENGTH = 1024;

const EXAMPLE_NS = '1795000000000000000';

/** Quotes a client's value back in a message, cut so a huge input cannot bloat the answer. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** A timestamp: decimal nanoseconds since the epoch, or ISO-8601 with a zone. Parses to bigint. */
export function timestampParam(description: string) {
  return z
    .string()
    .transform((text, ctx) => {
      const value = parseTimestamp(text);
      if (value === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `must be nanoseconds since the epoch (e.g. ${EXAMPLE_NS}) or ISO-8601 with a zone (e.g. 2026-11-24T10:00:00.123456789Z), got ${quote(text)}`,
        });
        return z.NEVER;
      }
      return value;
    })
    .meta({ description, example: EXAMPLE_NS });
}

/** An id (event, AST node, correlation, trace) or a service name: 1 to MAX_ID_LENGTH characters. */
export function idParam(description: string) {
  return z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(MAX_ID_LENGTH, {
      error: (issue) =>
        `must be at most ${MAX_ID_LENGTH} characters, got ${typeof issue.input === 'string' ? issue.input.length : '?'}`,
    })
    .meta({ description });
}

/** Page size: an integer from 1 to the configured maximum; absent means the configured default. */
export function limitParam(limits: QueryLimits) {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return limits.defaultLimit;
      const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
      if (!(value >= 1 && value <= limits.maxResultRows)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be an integer from 1 to ${limits.maxResultRows}, got ${quote(text)}`,
        });
        return z.NEVER;
      }
      return value;
    })
    .meta({
      type: 'integer',
      minimum: 1,
      description:
        'Events per page: 1 to the server maximum (MAX_RESULT_ROWS, 10000 by default); default DEFAULT_LIMIT (1000 by default).',
    });
}

/** The opaque `next_cursor` of a previous page of the same query. */
export function cursorParam() {
  return z
    .string()
    .min(1, { error: 'must not be empty (omit it for the first page)' })
    .max(MAX_CURSOR_LENGTH, {
      error: `is not a cursor this server issued (longer than ${MAX_CURSOR_LENGTH} characters)`,
    })
    .optional()
    .meta({ description: 'The `next_cursor` of the previous page of the same query; omit for the first page.' });
}

/**
 * from <= to, and the range no wider than the configured maximum. Reported on
 * `to`; skipped when either bound already failed to parse.
 */
export function rangeCheck(limits: QueryLimits) {
  return (value: { from: bigint; to: bigint }, ctx: z.RefinementCtx): void => {
    const { from, to } = value;
    if (typeof from !== 'bigint' || typeof to !== 'bigint') return;
    if (from > to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must not be after to (from=${from}, to=${to})` });
      return;
    }
    const maxNs = BigInt(limits.maxRangeSeconds) * 1_000_000_000n;
    if (to - from > maxNs) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the range from..to spans ${formatSeconds(to - from)} s; at most ${limits.maxRangeSeconds} s is allowed (MAX_RANGE_SECONDS)`,
      });
    }
  };
}

function formatSeconds(ns: bigint): string {
  const whole = ns / 1_000_000_000n;
  const fraction = ns % 1_000_000_000n;
  return fraction === 0n ? whole.toString() : `${whole}.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}`;
}
