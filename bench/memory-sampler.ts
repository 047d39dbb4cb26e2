import { readFileSync } from 'node:fs';

/** Peaks of a process's resident memory, in MiB. */
export interface MemoryPeaks {
  /** VmHWM: the kernel's own high-water mark of the resident set (exact, not sampled). */
  rssMiB: number;
  /** Highest RssAnon seen: heaps, buffers, caches (what configuration has to bound). */
  anonMiB: number;
  /** Highest RssFile seen: code and other file-backed pages (libchdb maps ~0.5 GB of it). */
  fileMiB: number;
}

/**
 * Samples /proc/<pid>/status every `intervalMs` and keeps the maxima of
 * RssAnon and RssFile; the peak total is VmHWM, which the kernel keeps
 * exactly. The two sampled peaks need not be simultaneous, so their sum can
 * exceed VmHWM a little.
 */
export class MemorySampler {
  private anonKb = 0;
  private fileKb = 0;
  private hwmKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  /** The peaks so far (reads once more, so a short phase is not missed). */
  peaks(): MemoryPeaks {
    this.sample();
    return { rssMiB: this.hwmKb / 1024, anonMiB: this.anonKb / 1024, fileMiB: this.fileKb / 1024 };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    let status: string;
    try {
      status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return; // the process has exited
    }
    const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    this.anonKb = Math.max(this.anonKb, kb('RssAnon'));
    this.fileKb = Math.max(this.fileKb, kb('RssFile') + kb('RssShmem'));
    this.hwmKb = Math.max(this.hwmKb, kb('VmHWM'));
  }
}

/** "793 MiB (anonymous 556, file 237)". */
export function formatPeaks(peaks: MemoryPeaks): string {
  return `${peaks.rssMiB.toFixed(0)} MiB (anon ${peaks.anonMiB.toFixed(0)}, file ${peaks.fileMiB.toFixed(0)})`;
}
