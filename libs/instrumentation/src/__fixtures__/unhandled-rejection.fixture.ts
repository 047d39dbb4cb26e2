// Run as a child process by traced.spec.ts: a traced async function whose
// rejection nobody handles must still crash the process, as without the SDK.
import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import { CollectingTransport } from './collecting-transport';

const runtime = new InstrumentationRuntime({
  service: 'fixture',
  transport: new CollectingTransport(),
  dropReportIntervalMs: 0,
});
void runtime.traced('fire-and-forget', async () => {
  await Promise.resolve();
  throw new Error('nobody handles this');
});
