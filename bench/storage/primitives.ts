import type { TemporalStorage } from '@temporal-bridge/temporal-storage';

import type { DatasetSample } from './dataset';
import { measure, summarize, type LatencySummary } from './percentiles';
import { Random } from './random';

/** What the queries are drawn from: the dataset's time span, ids and sampled events. */
export interface QueryPlan {
  startNs: bigint;
  endNs: bigint;
  astNodeIds: readonly string[];
  samples: readonly DatasetSample[];
}

export interface PrimitiveResult {
  name: string;
  /** p50 target in ms on the reference 2-core machine. */
  targetP50Ms: number;
  latency: LatencySummary;
  /** Mean rows (events, nodes, keys...) per answer: what the latency paid for. */
  meanRows: number;
}

const MINUTE_NS = 60_000_000_000n;

interface Primitive {
  name: string;
  targetP50Ms: number;
  /** Runs one randomized call and returns how many rows it answered. */
  call: (random: Random) => Promise<number>;
}

/**
 * The benchmarked primitives, each over randomized arguments drawn with a
 * seeded PRNG (same plan, same calls): sampled correlations and events,
 * uniformly chosen AST nodes, uniformly placed instants and windows.
 */
export function primitives(storage: TemporalStorage, plan: QueryPlan): Primitive[] {
  const span = plan.endNs - plan.startNs;
  const instant = (random: Random, margin = 0n): bigint =>
    plan.startNs + BigInt(Math.floor(random.next() * Number(span - margin)));
  return [
    {
      name: 'events for a correlation',
      targetP50Ms: 20,
      call: async (r) => (await storage.getEventsForCorrelation(r.pick(plan.samples).correlation_id)).events.length,
    },
    {
      name: 'events for an AST node',
      targetP50Ms: 20,
      call: async (r) => (await storage.getEventsForAstNode(r.pick(plan.astNodeIds))).events.length,
    },
    {
      name: 'range, 1000 events',
      targetP50Ms: 30,
      call: async (r) => {
        const from = instant(r, MINUTE_NS);
        return (await storage.getEventsInRange(from, from + MINUTE_NS, { limit: 1000 })).events.length;
      },
    },
    {
      name: 'active AST nodes, 1 min',
      targetP50Ms: 50,
      call: async (r) => {
        const from = instant(r, MINUTE_NS);
        return (await storage.getActiveAstNodes(from, from + MINUTE_NS)).length;
      },
    },
    {
      name: 'state at T',
      targetP50Ms: 100,
      call: async (r) => {
        const snapshot = await storage.reconstructStateAt(instant(r));
        return Object.keys(snapshot.state).length + snapshot.active_calls.length;
      },
    },
    {
      name: 'execution path',
      targetP50Ms: 50,
      call: async (r) => (await storage.traceExecutionPath(r.pick(plan.samples).event_id))?.path.length ?? 0,
    },
  ];
}

/** Runs every primitive `calls` times (after `warmup` unmeasured calls) and summarizes. */
export async function runPrimitives(
  storage: TemporalStorage,
  plan: QueryPlan,
  calls: number,
  warmup: number,
  seed: number,
  onResult?: (result: PrimitiveResult) => void,
): Promise<PrimitiveResult[]> {
  const results: PrimitiveResult[] = [];
  for (const primitive of primitives(storage, plan)) {
    const random = new Random(seed);
    for (let i = 0; i < warmup; i += 1) await primitive.call(random);
    let rows = 0;
    const samples = await measure(calls, async () => {
      rows += await primitive.call(random);
    });
    const result = {
      name: primitive.name,
      targetP50Ms: primitive.targetP50Ms,
      latency: summarize(samples),
      meanRows: rows / calls,
    };
    onResult?.(result);
    results.push(result);
  }
  return results;
}
