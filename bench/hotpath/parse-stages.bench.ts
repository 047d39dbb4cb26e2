/**
 * bench/hotpath/parse-stages: parseEventJson taken apart, stage by stage, on
 * the bench/storage synthetic fleet as the SDK serializes it: each stage is
 * timed alone over every message (cumulative prefixes of the real work), so
 * a stage's cost is its line minus the one above. CPU ns per event of the
 * whole process (GC included); the parseEventJson line is the real function.
 *
 *   npx tsx bench/hotpath/parse-stages.bench.ts
 *
 * Prints; asserts nothing.
 */
import { serializeEvent, systemClock, parseEventJson } from '@temporal-bridge/event-schema';

// Internal pieces of event-schema, timed one by one.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { checkWireEvent, hasPlainStrings } from '../../libs/event-schema/src/event.schema';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { isJsonTree, rememberJsonText } from '../../libs/event-schema/src/json-value';
import { SyntheticDataset } from '../storage';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 100_000);
const ROUNDS = 5;

function cpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

const dataset = new SyntheticDataset({
  events: EVENTS,
  startNs: systemClock.nowNanos() - 120_000_000_000n,
  spanNs: 60_000_000_000n,
});
const values: Buffer[] = [];
for (const batch of dataset.batches(1000))
  for (const event of batch) values.push(Buffer.from(JSON.stringify(serializeEvent(event))));

let sink = 0;
type Parsed = Record<string, unknown>;
const parse = (v: Buffer): [string, Parsed] => {
  const text = v.toString('utf8');
  return [text, JSON.parse(text) as Parsed];
};
const stages: Array<[string, (value: Buffer) => void]> = [
  ['toString', (v) => (sink += v.toString('utf8').length)],
  ['+ JSON.parse', (v) => (sink += parse(v)[1] === null ? 0 : 1)],
  [
    '+ checkWireEvent (full id tests)',
    (v) => {
      if (checkWireEvent(parse(v)[1]) !== undefined) sink += 1;
    },
  ],
  [
    '+ checkWireEvent (plain strings)',
    (v) => {
      const [text, o] = parse(v);
      if (checkWireEvent(o, hasPlainStrings(text, true)) !== undefined) sink += 1;
    },
  ],
  [
    '+ isJsonTree(data)',
    (v) => {
      const [text, o] = parse(v);
      const plain = hasPlainStrings(text, true);
      if (checkWireEvent(o, plain) !== undefined) sink += 1;
      if (isJsonTree(o['data'], plain)) sink += 1;
    },
  ],
  [
    '+ JSON.stringify(data)',
    (v) => {
      const [text, o] = parse(v);
      const plain = hasPlainStrings(text, true);
      if (checkWireEvent(o, plain) !== undefined) sink += 1;
      if (isJsonTree(o['data'], plain)) sink += JSON.stringify(o['data']).length;
    },
  ],
  [
    '+ remember the text',
    (v) => {
      const [text, o] = parse(v);
      const plain = hasPlainStrings(text, true);
      if (checkWireEvent(o, plain) !== undefined) sink += 1;
      const data = o['data'] as object;
      if (isJsonTree(data, plain)) rememberJsonText(data, JSON.stringify(data));
    },
  ],
  ['parseEventJson (all of it)', (v) => (sink += parseEventJson(v, { fallbackEventId: 'x' }).ok ? 1 : 0)],
  [
    // As in the bridge, events live until a flush: the GC of what survives is counted (reset every round).
    'parseEventJson, events kept',
    (v) => {
      const result = parseEventJson(v, { fallbackEventId: 'x' });
      if (result.ok) kept.push(result.event);
    },
  ],
];
let kept: unknown[] = [];

const results = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, stage] of stages) {
    kept = [];
    const before = cpuNs();
    for (let i = 0; i < values.length; i += 1) stage(values[i]!);
    const perEvent = (cpuNs() - before) / values.length;
    results.set(name, [...(results.get(name) ?? []), perEvent]);
  }
}
console.log(`${EVENTS.toLocaleString()} events; CPU ns per event, median of ${ROUNDS} rounds (sink ${sink > 0})`);
for (const [name, list] of results) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0).padStart(8)}`);
}
