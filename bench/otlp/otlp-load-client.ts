// Posts bodies of one ingest path (OTLP protobuf to /v1/traces, or the
// equivalent wire events to /v1/events) with autocannon, in a process of its
// own. Prints its result as JSON on stdout.
// Started by otlp.bench.ts: node --import tsx otlp-load-client.ts <config>
import autocannon from 'autocannon';

import { otlpBodies } from './otlp-dataset';

export interface OtlpLoadConfig {
  url: string;
  path: '/v1/traces' | '/v1/events';
  connections: number;
  durationSeconds: number;
  spansPerRequest: number;
  bodies: number;
  /** Start of the spans' times, so that two phases send different spans. */
  startNs: string;
}

export interface OtlpLoadResult {
  requestsPerSecond: number;
  spansPerSecond: number;
  eventsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  latencyP50: number;
  latencyP99: number;
  bodyBytesMean: number;
  eventsPerRequest: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as OtlpLoadConfig;
  const data = otlpBodies({
    bodies: config.bodies,
    spansPerRequest: config.spansPerRequest,
    startNs: BigInt(config.startNs),
  });
  const otlp = config.path === '/v1/traces';
  const bodies = otlp ? data.protobuf : data.eventsJson;
  const bodyBytesMean = bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length;
  let next = 0;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.durationSeconds,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: config.path,
        headers: { 'content-type': otlp ? 'application/x-protobuf' : 'application/json' },
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  const seconds = result.duration;
  const out: OtlpLoadResult = {
    requestsPerSecond: result['2xx'] / seconds,
    spansPerSecond: (result['2xx'] * config.spansPerRequest) / seconds,
    eventsPerSecond: (result['2xx'] * data.eventsPerRequest) / seconds,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    bodyBytesMean,
    eventsPerRequest: data.eventsPerRequest,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
