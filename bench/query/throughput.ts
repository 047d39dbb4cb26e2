import { join } from 'node:path';

import type { QueryStorage } from '@temporal-bridge/query';

import { runLoadChild } from '../load-child';
import { formatTable } from './latency';
import type { QuerySample, RouteCase } from './route-cases';

/** What autocannon saw. */
export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50: number;
  latencyP99: number;
}

/** autocannon in a child process, so the load generator does not share the server's event loop. */
export async function httpThroughput(
  url: string,
  paths: string[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  return runLoadChild<LoadResult>(join(__dirname, 'load-client.ts'), {
    url,
    paths,
    connections,
    durationSeconds: seconds,
  });
}

/** The raw storage call from `concurrency` callers in this process: storage's own ceiling, in calls/s. */
export async function rawThroughput(
  storage: QueryStorage,
  routeCase: RouteCase,
  samples: QuerySample[],
  concurrency: number,
  seconds: number,
): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await routeCase.raw(storage, samples[next++ % samples.length]!);
        done += 1;
      }
    }),
  );
  return done / seconds;
}

/** The three throughput figures side by side. */
export function throughputTable(raw: number, http: LoadResult, replayed: LoadResult): string {
  const row = (what: string, rps: number, load?: LoadResult): string[] => [
    what,
    rps.toFixed(0),
    load === undefined ? '-' : String(load.latencyP50),
    load === undefined ? '-' : String(load.latencyP99),
    load === undefined ? '-' : String(load.non2xx + load.errors + load.timeouts),
  ];
  return formatTable(
    ['', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
    [
      row('raw storage call, in-process', raw),
      row('HTTP, end to end', http.requestsPerSecond, http),
      row('HTTP, storage answers replayed', replayed.requestsPerSecond, replayed),
    ],
  );
}
