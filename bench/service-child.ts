import { readFileSync } from 'node:fs';

import { freePort, pollUntil, repoPath, TetheredProcess } from '@temporal-bridge/testing';

import { MemorySampler, type MemoryPeaks } from './memory-sampler';
import { nodeOwnThreads, snapshotCpu, splitCpu, type CpuSnapshot, type CpuSplit } from './thread-cpu';

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A built service as a separate process, as it runs in production, with its peak RSS sampled. */
export class ServiceChild {
  private sampler: MemorySampler | undefined;

  private constructor(
    readonly proc: TetheredProcess,
    readonly url: string,
    private readonly nodeArgs: string[],
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
    const child = new ServiceChild(proc, `http://127.0.0.1:${port}`, args);
    await pollUntil(async () => (await fetch(`${child.url}${readyPath}`).catch(() => undefined))?.ok === true, {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: `${name} ready\n${proc.output()}`,
    });
    child.sampler = new MemorySampler(await proc.pid());
    return child;
  }

  /**
   * Peak resident memory so far: the total (VmHWM) and, sampled every 20 ms,
   * anonymous (heaps, buffers, caches) and file-backed (mostly libchdb's own
   * ~0.5 GB of code mapped from disk, shared with any other chdb process).
   */
  memoryPeaks(): MemoryPeaks {
    return this.sampler!.peaks();
  }

  /** Highest resident set size so far, in MiB. */
  get rssPeakMiB(): number {
    return this.memoryPeaks().rssMiB;
  }

  /** Highest anonymous resident memory seen, in MiB. */
  get anonPeakMiB(): number {
    return this.memoryPeaks().anonMiB;
  }

  /** Per-thread CPU of the service now: two of them give the Node / ClickHouse split (splitCpu). */
  async cpuSnapshot(): Promise<CpuSnapshot> {
    return snapshotCpu(await this.proc.pid());
  }

  /** CPU used between two snapshots of this service, by thread class (see ThreadClass). */
  async cpuSplit(before: CpuSnapshot, after: CpuSnapshot): Promise<CpuSplit> {
    return splitCpu(await this.proc.pid(), before, after, nodeOwnThreads(this.nodeArgs));
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
    this.sampler?.stop();
    await this.proc.signal('SIGTERM');
    await this.proc.exited;
  }
}
