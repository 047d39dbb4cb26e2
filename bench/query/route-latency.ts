import type { QueryStorage } from '@temporal-bridge/query';
import type { Pool } from 'undici';

import { formatTable, LatencySamples, ms, timed } from './latency';
import type { QuerySample, RouteCase } from './route-cases';

export interface RouteLatency {
  route: string;
  /** The storage call alone. */
  raw: LatencySamples;
  /** The route over HTTP, storage included. */
  http: LatencySamples;
  /** The route over HTTP with storage answering the recorded answer at once: what the service adds. */
  service: LatencySamples;
  /** Mean answer size, bytes. */
  bytes: number;
}

/** Where each measurement goes: storage (recording its answers), the API on it, the API on the replay. */
export interface Targets {
  storage: QueryStorage;
  api: Pool;
  replayApi: Pool;
}

/**
 * One request at a time, on the same sample in turn: the raw storage call,
 * the route over HTTP, the route over HTTP served the answer just recorded.
 * Interleaved, so that drift (merges, caches, other load on the machine)
 * weighs on every column alike.
 */
export async function measureRoute(
  routeCase: RouteCase,
  samples: QuerySample[],
  targets: Targets,
  iterations: number,
  warmup: number,
): Promise<RouteLatency> {
  const usable = samples.filter((s) => routeCase.applies(s));
  const result = {
    route: routeCase.route,
    raw: new LatencySamples(),
    http: new LatencySamples(),
    service: new LatencySamples(),
    bytes: 0,
  };
  let bytes = 0;
  for (let i = 0; i < warmup + iterations; i += 1) {
    const sample = usable[(i * 7919) % usable.length]!;
    const path = routeCase.path(sample);
    const rawMs = await timed(() => routeCase.raw(targets.storage, sample));
    const httpMs = await timed(async () => void (bytes += await get(targets.api, path)));
    const serviceMs = await timed(() => get(targets.replayApi, path));
    if (i < warmup) continue;
    result.raw.add(rawMs);
    result.http.add(httpMs);
    result.service.add(serviceMs);
  }
  result.bytes = bytes / (warmup + iterations);
  return result;
}

/** GETs `path`, reads the whole answer as a client would, returns its size. */
async function get(pool: Pool, path: string): Promise<number> {
  const response = await pool.request({ method: 'GET', path });
  const body = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${body.slice(0, 500)}`);
  return body.length;
}

/** HTTP p50 minus raw p50: the naive overhead, as noisy as the two storage latencies it subtracts. */
export function differenceOf(result: RouteLatency): number {
  return result.http.percentile(50) - result.raw.percentile(50);
}

export function latencyTable(results: RouteLatency[]): string {
  const rows = results.map((r) => [
    r.route,
    ms(r.raw.percentile(50)),
    ms(r.raw.percentile(99)),
    ms(r.http.percentile(50)),
    ms(r.http.percentile(99)),
    ms(differenceOf(r)),
    ms(r.service.percentile(50)),
    ms(r.service.percentile(99)),
    (r.bytes / 1024).toFixed(1),
  ]);
  return formatTable(
    ['route', 'raw p50', 'raw p99', 'HTTP p50', 'HTTP p99', 'HTTP-raw p50', 'service p50', 'service p99', 'answer KiB'],
    rows,
  );
}
