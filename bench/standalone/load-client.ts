// Posts batches of wire events to standalone's POST /v1/events with
// autocannon, in a process of its own so the load generator does not share an
// event loop with anything it measures. Prints its result as JSON on stdout.
// Started by standalone.bench.ts: node --import tsx load-client.ts <config>
import { serializeEvent } from '@temporal-bridge/event-schema';
import autocannon from 'autocannon';

import { SyntheticDataset } from '../storage';

export interface IngestLoadConfig {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Requests to send in all; when set, the run ends after them rather than after durationSeconds. */
  requests?: number;
  eventsPerRequest: number;
  /** Distinct bodies to prepare; requests beyond them resend earlier bodies (same event ids). */
  bodies: number;
  /** Requests per second over all connections; unset = as fast as the server answers. */
  requestsPerSecond?: number;
  /** Dataset seed, so two phases send different events. */
  seed: number;
  /** Dataset start, ns since the epoch (decimal), so the storage floor can make the same events. */
  startNs: string;
}

/** Time over which the dataset's traces start. */
export const LOAD_SPAN_NS = 600_000_000_000n;

export interface IngestLoadResult {
  requestsPerSecond: number;
  eventsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50: number;
  latencyP90: number;
  latencyP99: number;
  latencyMax: number;
  /** Requests whose body had been sent before in this run. */
  resent: number;
  bodyBytesMean: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as IngestLoadConfig;
  const dataset = new SyntheticDataset({
    events: config.bodies * config.eventsPerRequest,
    startNs: BigInt(config.startNs),
    spanNs: LOAD_SPAN_NS,
    seed: config.seed,
  });
  const bodies: Buffer[] = [];
  for (const batch of dataset.batches(config.eventsPerRequest))
    bodies.push(Buffer.from(JSON.stringify(batch.map((event) => serializeEvent(event)))));
  const bodyBytesMean = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;

  let next = 0;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.durationSeconds,
    ...(config.requests === undefined ? {} : { amount: config.requests }),
    timeout: 60,
    ...(config.requestsPerSecond === undefined ? {} : { overallRate: config.requestsPerSecond }),
    requests: [
      {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  const seconds = result.duration;
  const out: IngestLoadResult = {
    requestsPerSecond: result['2xx'] / seconds,
    eventsPerSecond: (result['2xx'] * config.eventsPerRequest) / seconds,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50: result.latency.p50,
    latencyP90: result.latency.p90,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    resent: Math.max(0, next - bodies.length),
    bodyBytesMean,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// Also imported by standalone.bench.ts for its types and LOAD_SPAN_NS: run only as the child.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
