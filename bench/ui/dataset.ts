/**
 * The UI benchmark's data: `total` events over an hour ending `end`, as
 * calls (entry + exit): one trace of `bigTraceCalls` calls (a root and its
 * children, nested four deep) inside the hour's last ten minutes, and the
 * rest as small traces of ten calls, evenly spread.
 */
export interface UiDataset {
  /** Batches of events, ready to POST as NDJSON. */
  batches(size: number): Generator<string>;
  bigTrace: string;
  start: bigint;
  end: bigint;
}

const HOUR_NS = 3_600_000_000_000n;

export function uiDataset(total: number, bigTraceCalls: number, end: bigint): UiDataset {
  const start = end - HOUR_NS;
  const bigTrace = 'bench-big-trace';
  function* events(): Generator<object> {
    // The big trace: calls 50 µs apart, each lasting 200 µs, parents four levels up the chain.
    const bigStart = end - 600_000_000_000n;
    for (let i = 0; i < bigTraceCalls; i += 1) {
      const entry = bigStart + BigInt(i) * 50_000n;
      const exit = i === 0 ? entry + BigInt(bigTraceCalls) * 50_000n + 1_000_000n : entry + 200_000n;
      const parent = i === 0 ? undefined : `big-${Math.max(0, i - 1 - (i % 4))}`;
      yield* call(`big-${i}`, bigTrace, parent, entry, exit, `fn${i % 40}`, i % 97 === 0);
    }
    const smallCalls = Math.max(0, Math.floor((total - bigTraceCalls * 2) / 2));
    const traces = Math.ceil(smallCalls / 10);
    const spacing = HOUR_NS / BigInt(Math.max(1, traces));
    for (let t = 0; t < traces; t += 1) {
      const base = start + BigInt(t) * spacing;
      for (let c = 0; c < 10 && t * 10 + c < smallCalls; c += 1) {
        const entry = base + BigInt(c) * 100_000n;
        yield* call(
          `s${t}-${c}`,
          `trace-${t}`,
          c === 0 ? undefined : `s${t}-0`,
          entry,
          entry + (c === 0 ? 1_500_000n : 80_000n),
          `step${c}`,
          c === 7 && t % 13 === 0,
        );
      }
    }
  }
  return {
    bigTrace,
    start,
    end,
    *batches(size: number) {
      let lines: string[] = [];
      for (const event of events()) {
        lines.push(JSON.stringify(event));
        if (lines.length === size) {
          yield lines.join('\n');
          lines = [];
        }
      }
      if (lines.length > 0) yield lines.join('\n');
    },
  };
}

function* call(
  id: string,
  trace: string,
  parent: string | undefined,
  entry: bigint,
  exit: bigint,
  fn: string,
  failed: boolean,
): Generator<object> {
  const common = {
    correlation_id: id,
    trace_id: trace,
    service: 'bench',
    ast_node_id: `bench.ts:${fn}:function`,
    ...(parent === undefined ? {} : { parent_id: parent }),
  };
  yield {
    ...common,
    event_id: `${id}-in`,
    event_type: 'function_entry',
    timestamp: entry.toString(),
    data: { module: 'bench', function: fn },
  };
  yield {
    ...common,
    event_id: `${id}-out`,
    event_type: 'function_exit',
    timestamp: exit.toString(),
    duration_ns: (exit - entry).toString(),
    data: failed ? { error: { message: 'bench failure' } } : { result: 1 },
  };
}
