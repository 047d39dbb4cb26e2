import { readFileSync } from 'node:fs';

import { freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A built service as a separate process, as it runs in production, with its peak RSS sampled. */
export class ServiceChild {
  private rssPeakKb = 0;
  private anonPeakKb = 0;
  private sampler: NodeJS.Timeout | undefined;

  private constructor(
    readonly proc: TetheredProcess,
    readonly url: string,
  ) {}

  /** Starts `services/<name>/dist/main.js` (built) and waits until `readyPath` answers 2xx. */
  static async start(name: string, env: Record<string, string>, readyPath = '/healthz'): Promise<ServiceChild> {
    const port = await freePort();
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the service, written when it stops.
    const profile = process.env['BENCH_CPU_PROF'];
    const args = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
    const proc = TetheredProcess.spawn(process.execPath, [...args, repoPath(`services/${name}/dist/main.js`)], {
      tether: true,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    });
    const child = new ServiceChild(proc, `http://127.0.0.1:${port}`);
    await pollUntil(async () => (await fetch(`${child.url}${readyPath}`).catch(() => undefined))?.ok === true, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: `${name} ready\n${proc.output()}`,
    });
    child.sampleRss();
    return child;
  }

  /** Highest resident set size seen, in MiB (sampled every 100 ms from /proc). */
  get rssPeakMiB(): number {
    return this.rssPeakKb / 1024;
  }

  /**
   * Highest anonymous resident memory (heaps, buffers, caches) seen, in MiB:
   * RSS without the file-backed pages, which for an embedded ClickHouse are
   * mostly libchdb's own ~0.5 GB of code mapped from disk.
   */
  get anonPeakMiB(): number {
    return this.anonPeakKb / 1024;
  }

  /**
   * CPU time the service has used so far, all threads (user + system), in
   * seconds. On a shared machine, CPU per event is steadier than a rate.
   */
  async cpuSeconds(): Promise<number> {
    const stat = readFileSync(`/proc/${await this.proc.pid()}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** Sum of a Prometheus metric's samples. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    await this.proc.signal('SIGTERM');
    await this.proc.exited;
  }

  private sampleRss(): void {
    const read = async (): Promise<void> => {
      const status = readFileSync(`/proc/${await this.proc.pid()}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      this.rssPeakKb = Math.max(this.rssPeakKb, kb('VmRSS'));
      this.anonPeakKb = Math.max(this.anonPeakKb, kb('RssAnon'));
    };
    this.sampler = setInterval(() => void read().catch(() => undefined), 100);
  }
}
