import { InstrumentationRuntime } from '../runtime/instrumentation-runtime';
import type { InstrumentationOptions } from '../runtime/runtime-options';
import { CollectingTransport } from './collecting-transport';

/** A runtime on a CollectingTransport with short timings; flush() delivers everything. */
export function testRuntime(options: Partial<InstrumentationOptions> = {}): {
  runtime: InstrumentationRuntime;
  transport: CollectingTransport;
} {
  const transport = new CollectingTransport();
  const runtime = new InstrumentationRuntime({
    service: 'test-service',
    instance: 'test-instance',
    transport,
    queue: { lingerMs: 1 },
    retry: { initialMs: 5, maxMs: 20 },
    dropReportIntervalMs: 0,
    ...options,
  });
  return { runtime, transport };
}
