export interface PollOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Wait between attempts (default 50 ms). */
  intervalMs?: number;
  /** Named in the timeout error so a failure says what was awaited. */
  description?: string;
}

/**
 * Calls `probe` until it returns a value other than `undefined`/`false`, and
 * returns that value. Errors thrown by the probe count as "not yet" and the
 * last one is reported on timeout. Use instead of sleeps in tests.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: PollOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 50, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`pollUntil: ${description} not reached within ${timeoutMs} ms${cause}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
