import type { RejectedItem } from './otlp-model';

/** Rejections listed in full in an errorMessage; the rest are counted. */
const LISTED = 10;

/**
 * The `errorMessage` of an OTLP partial success: each rejected item as
 * "where: problem", the first few in full, so that a person reading an
 * exporter's log can find the span.
 *
 * @example
 * partialSuccessMessage(rejected); // 'resourceSpans[0].scopeSpans[0].spans[1] ("GET /"): traceId: must be ...'
 */
export function partialSuccessMessage(rejected: readonly RejectedItem[]): string {
  const listed = rejected.slice(0, LISTED).map((item) => `${item.at}: ${item.message}`);
  if (rejected.length > LISTED) listed.push(`... and ${rejected.length - LISTED} more`);
  return listed.join('; ');
}
