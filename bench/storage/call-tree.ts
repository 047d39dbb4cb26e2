import type { Random } from './random';

/** One call of a generated trace: its place in the tree and its interval (ns after the dataset start). */
export interface CallShape {
  parent: number;
  depth: number;
  start: number;
  end: number;
}

const MAX_CALLS = 80;
const MAX_DEPTH = 12;

/**
 * The shape of one trace: a tree of `size` calls with nested, non-overlapping
 * child intervals. Durations are log-normal (median 20 ms for a root), and a
 * few traces are long-running jobs of minutes, which is what makes "calls
 * entered before the window and still running" non-trivial to find.
 */
export function traceShape(random: Random, start: number, meanCalls: number, single: boolean): CallShape[] {
  const size = single ? 1 : Math.min(MAX_CALLS, 1 + Math.floor(random.exponential(meanCalls - 1)));
  const parents: number[] = [-1];
  const depth: number[] = [0];
  for (let i = 1; i < size; i += 1) {
    // Half the time go one level deeper than the newest call: realistic call stacks.
    let parent = random.chance(0.5) ? i - 1 : random.int(i);
    if (depth[parent]! >= MAX_DEPTH) parent = 0;
    parents.push(parent);
    depth.push(depth[parent]! + 1);
  }
  const long = random.chance(0.001);
  const rootDuration = long
    ? 60e9 + random.next() * 29 * 60e9
    : Math.min(120e9, Math.max(20e3, random.logNormal(20e6, 1.5)));
  const calls: CallShape[] = [{ parent: -1, depth: 0, start, end: start + rootDuration }];
  const children: number[][] = Array.from({ length: size }, () => []);
  for (let i = 1; i < size; i += 1) children[parents[i]!]!.push(i);
  for (let i = 1; i < size; i += 1) calls.push({ parent: parents[i]!, depth: depth[i]!, start: 0, end: 0 });
  // Parents come before children (parent index < child index), so one pass nests them.
  for (let p = 0; p < size; p += 1) {
    const kids = children[p]!;
    if (kids.length === 0) continue;
    const { start: s, end: e } = calls[p]!;
    const cuts: number[] = [];
    for (let k = 0; k < kids.length * 2; k += 1) cuts.push(random.next());
    cuts.sort((a, b) => a - b);
    kids.forEach((child, k) => {
      const call = calls[child]!;
      call.start = s + cuts[2 * k]! * (e - s);
      call.end = s + cuts[2 * k + 1]! * (e - s);
    });
  }
  return calls;
}
