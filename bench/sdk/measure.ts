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
  median: number;
  min: number;
  max: number;
}

// Ops run in chunks with a macrotask turn between them, as in a server: the
// SDK's sender and OpenTelemetry's batch processor get to run, and their time
// is counted, instead of a tight loop that only fills (and overflows) queues.
const CHUNK = 1_000;

async function runOnce(scenario: Scenario, ops: number): Promise<number> {
  const { op } = scenario;
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += CHUNK) {
    for (let i = 0; i < CHUNK; i += 1) op();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await scenario.drain?.();
  return Number(process.hrtime.bigint() - start) / ops;
}

/** ns per op: one warm-up run, then `runs` runs; median, min and max. */
export async function measure(scenario: Scenario, ops: number, runs: number): Promise<Result> {
  scenario.setup?.();
  await runOnce(scenario, ops);
  const samples: number[] = [];
  for (let r = 0; r < runs; r += 1) samples.push(await runOnce(scenario, ops));
  await scenario.teardown?.();
  samples.sort((x, y) => x - y);
  return {
    name: scenario.name,
    events: scenario.events ?? 0,
    median: samples[Math.floor(samples.length / 2)]!,
    min: samples[0]!,
    max: samples[samples.length - 1]!,
  };
}

export function printTable(results: readonly Result[]): void {
  console.log(
    `\n${'scenario'.padEnd(36)} ${'ns/op'.padStart(8)} ${'ns/event'.padStart(9)} ${'min'.padStart(8)} ${'max'.padStart(8)}`,
  );
  for (const r of results) {
    const perEvent = r.events > 0 ? (r.median / r.events).toFixed(1) : '-';
    console.log(
      `${r.name.padEnd(36)} ${r.median.toFixed(1).padStart(8)} ${perEvent.padStart(9)} ${r.min.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`,
    );
  }
}
