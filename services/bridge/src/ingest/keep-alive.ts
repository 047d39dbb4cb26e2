/**
 * Awaits `work` while heartbeating the consumer group every `intervalMs`, so
 * a batch that waits on slow storage does not cost the partition (a session
 * timeout would rebalance the group and churn). A heartbeat that fails (the
 * group is rebalancing) rejects, ending the batch without commit: the next
 * owner re-reads from the last commit, and storage deduplicates by event_id.
 * `signal` ends the wait the same way (shutdown's deadline).
 */
export async function keepAlive<T>(
  work: Promise<T>,
  heartbeat: () => Promise<void>,
  intervalMs: number,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let fail: (error: unknown) => void = () => undefined;
  const heartbeatFailed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Observed by the race below; this keeps a late failure from going unhandled.
  heartbeatFailed.catch(() => undefined);
  const schedule = (): void => {
    timer = setTimeout(() => {
      heartbeat().then(
        () => {
          if (!done) schedule();
        },
        (error: unknown) => fail(error),
      );
    }, intervalMs);
  };
  schedule();
  const onAbort = (): void => fail(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([work, heartbeatFailed]);
  } finally {
    done = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
