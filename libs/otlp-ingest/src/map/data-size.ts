import { OtlpItemError } from '../otlp-model';

/**
 * Rejects data the bridge would refuse (serialized above `maxDataBytes`),
 * naming the attribute that makes it too large. Checked here, before
 * anything of the span is submitted, so that a span is stored whole or not
 * at all. A cheap upper bound of the size spares the exact serialization
 * for the usual small events.
 */
export function checkDataSize(data: Record<string, unknown>, maxDataBytes: number, eventType: string): void {
  // UTF-16 units to UTF-8 bytes: at most 3 per unit, plus JSON escapes; 6 covers \u00XX.
  if (roughChars(data, maxDataBytes / 6) * 6 <= maxDataBytes) return;
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes <= maxDataBytes) return;
  const [key, size] = largestAttribute(data);
  throw new OtlpItemError(
    'data_too_large',
    `${key === undefined ? 'data' : `attribute ${JSON.stringify(key)}`}${size === undefined ? '' : ` (${size} bytes)`}: the ${eventType} event's data would be ${bytes} bytes serialized, above the ${maxDataBytes}-byte limit (MAX_EVENT_DATA_BYTES)`,
  );
}

/** Characters of the value's strings and keys (numbers and punctuation count a few), stopping past `cap`. */
function roughChars(root: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && total <= cap) {
    const value = stack.pop()!;
    if (typeof value === 'string') total += value.length + 2;
    else if (Array.isArray(value)) {
      total += 2;
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      total += 2;
      const object = value as Record<string, unknown>;
      // for-in, not Object.entries: no array per object on this per-event path.
      for (const key in object) {
        total += key.length + 4;
        stack.push(object[key]);
      }
    } else total += 24;
  }
  return total;
}

/** The largest value among data.attributes (or data's own keys), for the rejection message. */
function largestAttribute(data: Record<string, unknown>): [string | undefined, number | undefined] {
  const attributes = data['attributes'];
  const source =
    attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes) ? attributes : data;
  let best: [string | undefined, number | undefined] = [undefined, undefined];
  for (const [key, value] of Object.entries(source)) {
    const size = Buffer.byteLength(JSON.stringify(value) ?? '');
    if (best[1] === undefined || size > best[1]) best = [key, size];
  }
  return best;
}
