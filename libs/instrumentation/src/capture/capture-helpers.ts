import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

// Small pieces of ValueCapturer: reading hostile objects without throwing, and
// the text that stands in for what is not captured.

/** Marker key left where an object stopped early. */
export const TRUNCATED_KEY = '[truncated]';
const BINARY_PREVIEW_BYTES = 16;

export function more(out: JsonValue[], count: number): JsonValue[] {
  out.push(`[+${count} more items]`);
  return out;
}

export function truncated(out: JsonObject, more: number, what: string): JsonObject {
  out[TRUNCATED_KEY] = `${more} more ${what}`;
  return out;
}

/** Calls a hook that may throw (getters, proxies, toJSON); what it threw becomes text. */
export function read<T>(get: () => T): T | string {
  try {
    return get();
  } catch (error) {
    return thrown(error);
  }
}

// The two reads below run per key of every captured object: no closure allocated.
export function property(input: object, key: string): unknown {
  try {
    return (input as Record<string, unknown>)[key];
  } catch (error) {
    return thrown(error);
  }
}

export function ownCount(input: object): number {
  try {
    return Object.keys(input).length;
  } catch {
    return 0;
  }
}

export function thrown(error: unknown): string {
  return `[Thrown: ${error instanceof Error ? error.message : String(error)}]`;
}

export function summary(input: object): string {
  if (Array.isArray(input)) return `[Array(${input.length})]`;
  const name = (input as { constructor?: { name?: unknown } }).constructor?.name;
  return `[${typeof name === 'string' && name !== '' ? name : 'Object'}]`;
}

export function binary(kind: string, view: ArrayBufferView): string {
  const head = Buffer.from(view.buffer, view.byteOffset, Math.min(view.byteLength, BINARY_PREVIEW_BYTES));
  const more = view.byteLength > BINARY_PREVIEW_BYTES ? '…' : '';
  return `[${kind} ${view.byteLength} bytes ${head.toString('hex')}${more}]`;
}
