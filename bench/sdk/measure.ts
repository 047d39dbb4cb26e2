export interface Scenario {
  name: string;
  op: () => void;
  /** Events (or spans) one op produces; 0 for baselines. */
  events?: number;
  /** Waits until what the ops produced is delivered; its time is part of the cost. */
  drain?: () => Promise<unknown>;
  setup?: () => void;
  teardown?: () => Promise<void>;
}

export interface Result {
  name: string;
  events: number;
  /** Wall-clock ns per op: median, min, max over the runs. */
  median: number;
  min: number;
  max: number;
  /** CPU ns per op (user + system, all threads of the process), median: steadier when the machine is shared. */
  cpu: number;
}

// Ops run in chunks with a macrotask turn between them, as in a server: the
// SDK's sender and OpenTelemetry's batch processor get to run, and their time
// is counted, instead of a tight loop that only fills (and overflows) queues.
const CHUNK = 1_000;

async function runOnce(scenario: Scenario, ops: number): Promise<[number, number]> {
  const { op } = scenario;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += CHUNK) {
    for (let i = 0; i < CHUNK; i += 1) op();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await scenario.drain?.();
  const wall = Number(process.hrtime.bigint() - start) / ops;
  const cpu = process.cpuUsage(cpuStart);
  return [wall, ((cpu.user + cpu.system) * 1_000) / ops];
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** ns per op: one warm-up run, then `runs` runs; median, min and max. */
export async function measure(scenario: Scenario, ops: number, runs: number): Promise<Result> {
  scenario.setup?.();
  await runOnce(scenario, ops);
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const [wall, cpu] = await runOnce(scenario, ops);
    walls.push(wall);
    cpus.push(cpu);
  }
  await scenario.teardown?.();
  return {
    name: scenario.name,
    events: scenario.events ?? 0,
    median: median(walls),
    min: Math.min(...walls),
    max: Math.max(...walls),
    cpu: median(cpus),
  };
}

export function printTable(results: readonly Result[]): void {
  const head = ['ns/op', 'ns/event', 'min', 'max', 'cpu ns/op'].map((h) => h.padStart(9)).join(' ');
  console.log(`\n${'scenario (wall clock unless noted)'.padEnd(36)} ${head}`);
  for (const r of results) {
    const perEvent = r.events > 0 ? (r.median / r.events).toFixed(1) : '-';
    const cells = [r.median.toFixed(1), perEvent, r.min.toFixed(1), r.max.toFixed(1), r.cpu.toFixed(1)];
    console.log(`${r.name.padEnd(36)} ${cells.map((c) => c.padStart(9)).join(' ')}`);
  }
}
