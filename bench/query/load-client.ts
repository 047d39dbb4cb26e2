// Runs autocannon against the query service in a process of its own, so the
// load generator does not share the server's event loop; prints its result as
// JSON on stdout. Started by query.bench.ts: node --import tsx load-client.ts <config>
import autocannon from 'autocannon';

interface LoadConfig {
  url: string;
  paths: string[];
  connections: number;
  durationSeconds: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
  let next = 0;
  const result = await autocannon({
    url: config.url,
    connections: config.connections,
    duration: config.durationSeconds,
    requests: [
      {
        method: 'GET',
        // Each request asks for another correlation, as a fleet of dashboards would.
        setupRequest: (request) => ({ ...request, path: config.paths[next++ % config.paths.length] }),
      },
    ],
  });
  process.stdout.write(
    `${JSON.stringify({
      requestsPerSecond: result.requests.average,
      total: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
    })}\n`,
  );
}

void main();
