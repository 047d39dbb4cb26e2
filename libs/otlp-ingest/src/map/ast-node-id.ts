import { createHash } from 'node:crypto';

import { MAX_ID_LENGTH, type JsonObject } from '@temporal-bridge/event-schema';

/** OpenTelemetry's own default when a resource has no service.name. */
export const UNKNOWN_SERVICE = 'unknown_service';

/** The `code.*` attributes of a span, new names (semantic conventions 1.33) before the older ones. */
export interface CodeLocation {
  file?: string;
  function?: string;
  line?: number;
  column?: number;
}

/** Reads the source location of a span from `code.file.path` / `code.filepath` and their kin. */
export function codeLocationOf(attributes: JsonObject): CodeLocation {
  const file = text(attributes['code.file.path']) ?? text(attributes['code.filepath']);
  // The old convention split the qualified name in two: code.namespace + code.function.
  const oldFunction = text(attributes['code.function']);
  const namespace = text(attributes['code.namespace']);
  const fn =
    text(attributes['code.function.name']) ??
    (oldFunction !== undefined && namespace !== undefined ? `${namespace}.${oldFunction}` : oldFunction);
  const line = int(attributes['code.line.number']) ?? int(attributes['code.lineno']);
  const column = int(attributes['code.column.number']) ?? int(attributes['code.column']);
  const location: CodeLocation = {};
  if (file !== undefined) location.file = file;
  if (fn !== undefined) location.function = fn;
  if (line !== undefined) location.line = line;
  if (column !== undefined) location.column = column;
  return location;
}

/**
 * The AST node id of a span, in the project's `<path>:<name>:<kind>` form:
 * - with a function: `<file>:<function>:function` (no file: the service stands in for it);
 * - with a file and line only: `<file>:<line>:line`;
 * - else the fallback `otel:<service>:<span name>:span`, so every span of one
 *   operation (same service, same span name) shares a node.
 * Lines are left out when a function is known: ids must survive unrelated edits.
 * Ids longer than 128 characters keep their head and end in a hash of the whole.
 */
export function astNodeIdOf(code: CodeLocation, service: string, spanName: string): string {
  if (code.function !== undefined) return bounded(`${code.file ?? service}:${code.function}:function`);
  if (code.file !== undefined && code.line !== undefined) return bounded(`${code.file}:${code.line}:line`);
  return bounded(`otel:${service}:${spanName}:span`);
}

function bounded(id: string): string {
  if (id.length <= MAX_ID_LENGTH) return id;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, MAX_ID_LENGTH - hash.length - 1)}#${hash}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function int(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
