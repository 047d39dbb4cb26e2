import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SerializedEvent } from '@temporal-bridge/event-schema';
import { createLogger } from '@temporal-bridge/service-kit';

import { createStandaloneApp } from '../../app/create-standalone-app';
import { loadStandaloneConfig } from '../../config/standalone.config';

/** A standalone server in this process, on a fresh data directory and a free port. */
export interface OtlpTestApp {
  url: string;
  events(correlationId: string): Promise<SerializedEvent[]>;
  eventsBetween(from: bigint, to: bigint): Promise<SerializedEvent[]>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export async function startOtlpTestApp(env: Record<string, string> = {}): Promise<OtlpTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tb-otlp-'));
  const config = loadStandaloneConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', FLUSH_INTERVAL_MS: '20', ...env });
  let app: NestFastifyApplication | undefined;
  try {
    app = await createStandaloneApp(config, createLogger('otlp-test', 'warn'));
    await app.listen({ port: 0, host: '127.0.0.1' });
  } catch (error) {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = app;
  const url = (await running.getUrl()).replace('[::1]', '127.0.0.1');
  const json = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    events: async (id) =>
      (await json<{ events: SerializedEvent[] }>(`/v1/correlations/${encodeURIComponent(id)}/events`)).events,
    eventsBetween: async (from, to) =>
      (await json<{ events: SerializedEvent[] }>(`/v1/events?from=${from}&to=${to}&limit=10000`)).events,
    metrics: async () => (await fetch(`${url}/metrics`)).text(),
    close: async () => {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
