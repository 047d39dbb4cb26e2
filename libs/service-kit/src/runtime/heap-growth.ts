import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * The V8 flag that bounds how far the old generation may grow past the
 * live heap before the next full collection, or undefined when V8 keeps its
 * own heuristic (`percent` 0) or the person already passed the flag to node
 * (command line or NODE_OPTIONS: theirs wins).
 *
 * Under sustained ingest V8 sees a fast collector and a high allocation
 * rate and lets the old generation reach 3-4x the live heap: Kafka batches
 * and HTTP bodies live until their events are stored, so they are promoted,
 * then die. docs/operations.md "Memory" has the figures of both services.
 *
 * @example
 * heapGrowthFlag(50, [], undefined); // '--heap-growing-percent=50'
 */
export function heapGrowthFlag(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env['NODE_OPTIONS'],
): string | undefined {
  if (percent <= 0) return undefined;
  const given = (arg: string): boolean => arg.replace(/_/g, '-').startsWith(FLAG);
  if (execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given)) return undefined;
  return `${FLAG}=${percent}`;
}

/**
 * Applies heapGrowthFlag (a service's V8_HEAP_GROWING_PERCENT). This V8
 * flag is read at every full collection, so setting it once the process
 * runs takes effect (unlike the heap size limits, which are fixed when the
 * heap is created); call it at start, before the service allocates.
 */
export function applyHeapGrowth(percent: number): string | undefined {
  const flag = heapGrowthFlag(percent);
  if (flag !== undefined) setFlagsFromString(flag);
  return flag;
}
