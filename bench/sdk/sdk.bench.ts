// Per-event cost of the SDK's hot path (traced() and stateChange), enabled and
// disabled, next to OpenTelemetry doing the same work. Not a test: it prints.
// Run: npm run bench:sdk   (BENCH_OPS, BENCH_RUNS to change the sizes)
import { setRegisteredHandler } from '@temporal-bridge/event-schema';
import { InstrumentationRuntime, type Transport } from '@temporal-bridge/instrumentation';

import { measure, printTable, type Result, type Scenario } from './measure';
import { otelSetup } from './otel-setup';
import { printChecks } from './targets';

const OPS = Number(process.env['BENCH_OPS'] ?? 200_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);
// Same bound for both: the SDK's queue capacity and OpenTelemetry's maxQueueSize.
const CAPACITY = 10_000;

let sink = 0;
const trivial = (): number => (sink += 1);
const state = { cart_items: 3, status: 'paying' };

// The in-process transport's destination: a bridge stand-in that takes each event and discards it.
let handled = 0;
setRegisteredHandler({ correlateEvent: async () => void (handled += 1) });
const noop: Transport = { name: 'noop', send: async () => ({ rejected: [] }), close: async () => undefined };
const delivery: string[] = [];

/** A scenario on a fresh runtime, shut down afterwards so that its AsyncLocalStorage hook stops costing. */
function sdk(
  name: string,
  events: number,
  transport: 'in-process' | Transport,
  op: (rt: InstrumentationRuntime) => void,
): Scenario {
  let runtime: InstrumentationRuntime | undefined;
  return {
    name,
    events,
    setup: () => {
      runtime = new InstrumentationRuntime({
        service: 'bench',
        transport: transport === 'in-process' ? { kind: 'in-process' } : transport,
        queue: { capacity: CAPACITY },
      });
    },
    op: () => op(runtime!),
    drain: () => runtime!.flush(60_000),
    teardown: async () => {
      const s = runtime!.stats();
      delivery.push(`${name}: emitted ${s.emitted}, sent ${s.sent}, dropped ${s.dropped.total}`);
      await runtime!.shutdown();
    },
  };
}

function disabledSdk(name: string, op: (rt: InstrumentationRuntime) => void): Scenario {
  const runtime = new InstrumentationRuntime({ service: 'bench', enabled: false, transport: noop });
  return { name, op: () => op(runtime) };
}

function otel(name: string, op: (o: ReturnType<typeof otelSetup>) => void): Scenario {
  let setup: ReturnType<typeof otelSetup> | undefined;
  return {
    name,
    events: 1,
    setup: () => void (setup = otelSetup(CAPACITY)),
    op: () => op(setup!),
    drain: () => setup!.flush(),
    teardown: async () => {
      delivery.push(`${name}: exported ${setup!.exported()} spans`);
      await setup!.shutdown();
    },
  };
}

const scenarios: Scenario[] = [
  { name: 'baseline: trivial fn()', op: () => void trivial() },
  sdk('SDK traced(), no-op transport', 2, noop, (rt) => void rt.traced('bench.ts:1', trivial)),
  sdk('SDK traced(), in-process', 2, 'in-process', (rt) => void rt.traced('bench.ts:1', trivial)),
  sdk('SDK stateChange, no-op transport', 1, noop, (rt) => rt.stateChange(state, 'bench.ts:2')),
  sdk('SDK stateChange, in-process', 1, 'in-process', (rt) => rt.stateChange(state, 'bench.ts:2')),
  disabledSdk('SDK disabled traced()', (rt) => void rt.traced('bench.ts:1', trivial)),
  disabledSdk('SDK disabled stateChange', (rt) => rt.stateChange(state, 'bench.ts:2')),
  otel('OTel startSpan + end', ({ tracer }) => {
    const span = tracer.startSpan('op');
    trivial();
    span.end();
  }),
  otel('OTel startActiveSpan + end (ALS)', ({ tracer }) =>
    tracer.startActiveSpan('op', (span) => {
      trivial();
      span.end();
    }),
  ),
  otel('OTel span + 2 attributes', ({ tracer }) => {
    const span = tracer.startSpan('op');
    span.setAttributes(state);
    span.end();
  }),
];

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${OPS} ops per run, ${RUNS} runs (+1 warm-up), median reported`);
  const results: Result[] = [];
  for (const scenario of scenarios) results.push(await measure(scenario, OPS, RUNS));
  printTable(results);
  printChecks(results);
  // The figures include the whole pipeline only if everything was delivered and nothing dropped.
  console.log('\ndelivery (all runs)');
  for (const line of delivery) console.log(`  ${line}`);
  console.log(`  in-process handler received ${handled} events; sink ${sink}`);
}

void main();
