/** Peaks of the JavaScript side of a service's memory, in MiB (from its Prometheus default metrics). */
export interface JsMemoryPeaks {
  /** V8 heap committed (nodejs_heap_size_total_bytes): what the JavaScript heap holds of RSS. */
  heapTotalMiB: number;
  /** V8 heap in use at a sample (nodejs_heap_size_used_bytes): live objects plus garbage not yet collected. */
  heapUsedMiB: number;
  /** Memory outside the V8 heap owned by JavaScript objects (nodejs_external_memory_bytes): Buffers, ArrayBuffers. */
  externalMiB: number;
}

/**
 * Samples a service's /metrics every `intervalMs` and keeps the maxima of
 * its V8 heap and external memory, so the anonymous peak of the process can
 * be split into the JavaScript side and the rest (ClickHouse, malloc). The
 * three peaks need not be simultaneous. A scrape costs the service some CPU
 * (a few hundred µs each, about 1 ms of every 500 ms).
 */
export class JsMemorySampler {
  private heapTotal = 0;
  private heapUsed = 0;
  private external = 0;
  private readonly timer: NodeJS.Timeout;
  private inFlight = false;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    intervalMs = 500,
  ) {
    this.timer = setInterval(() => void this.sample(), intervalMs);
    this.timer.unref();
  }

  peaks(): JsMemoryPeaks {
    const mib = (bytes: number): number => bytes / 1024 / 1024;
    return { heapTotalMiB: mib(this.heapTotal), heapUsedMiB: mib(this.heapUsed), externalMiB: mib(this.external) };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const text = await (await fetch(`${this.url}/metrics`)).text();
      const value = (name: string): number => {
        const match = new RegExp(`^${this.prefix}${name} (\\S+)`, 'm').exec(text);
        return match === null ? 0 : Number(match[1]);
      };
      this.heapTotal = Math.max(this.heapTotal, value('nodejs_heap_size_total_bytes'));
      this.heapUsed = Math.max(this.heapUsed, value('nodejs_heap_size_used_bytes'));
      this.external = Math.max(this.external, value('nodejs_external_memory_bytes'));
    } catch {
      // stopping, or a scrape that failed: the next one counts
    } finally {
      this.inFlight = false;
    }
  }
}

/** "heap 180 MiB committed (170 used), external 40 MiB". */
export function formatJsPeaks(peaks: JsMemoryPeaks): string {
  return `V8 heap ${peaks.heapTotalMiB.toFixed(0)} MiB committed (${peaks.heapUsedMiB.toFixed(0)} used), external ${peaks.externalMiB.toFixed(0)} MiB`;
}
