import { InstrumentationRuntime, RemoteTemporalBridge } from '@temporal-bridge/instrumentation';

import { eventsTable, pathTable, stateText, statsText, table } from '../cli/format';
import { NODES, OrderShop, type Order } from './order-shop';

/**
 * npm run demo: runs a small instrumented order service against a running
 * standalone server (npm start), then asks it the Cinema questions and
 * prints the answers with the curl line for each.
 */
const url = (process.argv[2] ?? process.env['TEMPORAL_BRIDGE_URL'] ?? 'http://localhost:4000').replace(/\/$/, '');
const apiKey = process.env['TEMPORAL_BRIDGE_API_KEY'];
const auth = apiKey === undefined ? '' : ` -H 'authorization: Bearer ${apiKey}'`;
const section = (title: string, curl: string): void => console.log(`\n== ${title}\n$ curl -s${auth} '${url}${curl}'\n`);

async function main(): Promise<void> {
  if (
    !(await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false))
  ) {
    console.error(
      `No temporal-bridge answers at ${url}. Start it in another terminal with:\n\n  npm start\n\nthen run this again (or pass its URL: npm run demo -- http://host:port).`,
    );
    process.exit(1);
  }
  const runtime = new InstrumentationRuntime({
    service: 'demo-shop',
    transport: { kind: 'http', baseUrl: url, apiKey },
    queue: { lingerMs: 10 },
  });
  const shop = new OrderShop(runtime);
  const run = Date.now().toString(36);
  const orders: Order[] = Array.from({ length: 12 }, (_, i) => ({
    id: `${run}-${i + 1}`,
    sku: ['book', 'lamp', 'chair'][i % 3]!,
    quantity: i === 8 ? 10 : 1 + (i % 2),
    card: i % 5 === 3 ? '4000-0000-0000-0002' : '4242-4242-4242-4242',
  }));

  console.log(`Running ${orders.length} orders through the instrumented shop (service "demo-shop", run ${run})...`);
  const outcomes: Array<[string, string]> = [];
  for (let i = 0; i < orders.length; i += 4) {
    const chunk = orders.slice(i, i + 4);
    const results = await Promise.allSettled(chunk.map((order) => shop.placeOrder(order)));
    results.forEach((r, j) =>
      outcomes.push([chunk[j]!.id, r.status === 'fulfilled' ? r.value : `failed: ${(r.reason as Error).message}`]),
    );
  }
  await shop.runWarehouse();
  const delivery = await runtime.shutdown(10_000);
  console.log(table(['order', 'outcome'], outcomes));
  console.log(`\nSDK: ${JSON.stringify(runtime.stats())}`);
  if (!delivery.ok) console.warn(`warning: ${delivery.unsent} events could not be delivered`);

  const bridge = new RemoteTemporalBridge({ baseUrl: url, apiKey });
  const errors = (await bridge.getEventsForAstNode(NODES.declined)).filter((e) =>
    String(JSON.stringify(e.data)).includes(run),
  );
  const failure = errors[0];
  if (failure === undefined) throw new Error('the demo expected a declined payment among its events');

  section(
    'Every declined payment (events of one AST node)',
    `/v1/ast-nodes/${encodeURIComponent(NODES.declined)}/events`,
  );
  console.log(eventsTable(errors));

  section(
    `What happened inside the failing charge (correlation ${failure.correlation_id})`,
    `/v1/correlations/${failure.correlation_id}/events`,
  );
  console.log(eventsTable(await bridge.getEventsForCorrelation(failure.correlation_id)));

  section(
    'How the program got to the error (execution path; * = on the call stack, => = the error)',
    `/v1/events/${failure.event_id}/path`,
  );
  console.log(pathTable(await bridge.traceExecutionPath(failure.event_id)));

  section(
    'The state of that order’s trace at the instant of the error, and the calls open then',
    `/v1/state?at=${failure.timestamp}&service=demo-shop&trace_id=${failure.trace_id ?? ''}`,
  );
  console.log(
    stateText(await bridge.reconstructStateAt(failure.timestamp, { service: 'demo-shop', traceId: failure.trace_id })),
  );

  const from = failure.timestamp - 3_000_000n;
  const to = failure.timestamp + 3_000_000n;
  section('Code active in the 6 ms around the error', `/v1/ast-nodes/active?from=${from}&to=${to}`);
  console.log((await bridge.getActiveAstNodes(from, to)).join('\n'));

  section('Everything that happened in those 6 ms', `/v1/events?from=${from}&to=${to}`);
  console.log(eventsTable(await bridge.getEventsInRange(from, to)));

  section('Statistics', '/v1/stats');
  console.log(statsText(await bridge.getStats()));
  console.log(`\nMore: ${url}/docs (OpenAPI), and npx temporal-bridge --help`);
  // Last, so it is what a terminal leaves in view: the failing order's trace, opened at its error.
  const link = new URL('/', url);
  if (failure.trace_id !== undefined) link.searchParams.set('trace', failure.trace_id);
  link.searchParams.set('event', failure.event_id);
  console.log(`\nWatch it in the Cinema UI: ${link.href}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
