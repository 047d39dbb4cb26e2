import { OtlpItemError, type RejectedItem } from '../otlp-model';

const NAME_EXCERPT = 60;

/**
 * Reads one item (span, log record); an OtlpItemError rejects that item
 * alone, with where it was and its name, so the rest of the request is kept.
 */
export function collect<T>(into: T[], rejected: RejectedItem[], at: string, name: string, read: () => T): void {
  try {
    into.push(read());
  } catch (error) {
    if (!(error instanceof OtlpItemError)) throw error;
    rejected.push({ at: describe(at, name), code: error.code, message: error.message });
  }
}

/** Runs `read`, returning its OtlpItemError instead of throwing it (for what many items share, like a resource). */
export function attempt<T>(read: () => T): T | OtlpItemError {
  try {
    return read();
  } catch (error) {
    if (error instanceof OtlpItemError) return error;
    throw error;
  }
}

function describe(at: string, name: string): string {
  if (name === '') return at;
  const shown = name.length > NAME_EXCERPT ? `${name.slice(0, NAME_EXCERPT)}...` : name;
  return `${at} (${JSON.stringify(shown)})`;
}
