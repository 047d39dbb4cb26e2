// Run by a process that is exiting (process.exit(), an uncaught exception)
// through spawnSync: reads {transport, events} as JSON on stdin and sends
// the events with the same transport, so that what the app queued in its
// last moments is not lost. Never instrumented (started without NODE_OPTIONS).
import type { SerializedEvent } from '@temporal-bridge/event-schema';

import { type TransportConfig } from '../runtime/runtime-options';
import { createTransport } from '../transports/create-transport';

const chunks: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
process.stdin.on('end', () => {
  void (async () => {
    const { transport, events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      transport: TransportConfig;
      events: SerializedEvent[];
    };
    const sender = createTransport(transport);
    try {
      for (let i = 0; i < events.length; i += 500) await sender.send(events.slice(i, i + 500));
    } finally {
      await sender.close();
    }
  })().catch((error: unknown) => {
    process.stderr.write(`temporal-bridge: events at exit not sent: ${String(error)}\n`);
    process.exitCode = 1;
  });
});
