import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger } from '@temporal-bridge/service-kit';
import { request } from 'undici';

import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../api/query-api.options';
import { createQueryApp } from '../app/create-query-app';
import type { ClosableQueryStorage } from '../app/query-service.module';

/** A query service listening on a free port of 127.0.0.1, inside the test process. */
export interface RunningQueryApi {
  app: NestFastifyApplication;
  base: string;
  /** GET (or another method) with the path and query string sent exactly as given. */
  call(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export interface QueryApiOverrides {
  apiKeys?: string[];
  corsOrigins?: string[];
  queryTimeoutMs?: number;
  limits?: Partial<QueryLimits>;
}

/** Starts the service the way main.ts does, minus the environment, on a storage the test owns. */
export async function startQueryApi(
  storage: ClosableQueryStorage,
  overrides: QueryApiOverrides = {},
): Promise<RunningQueryApi> {
  const app = await createQueryApp({
    logger: createLogger('query-test', process.env['TEST_LOG_LEVEL'] ?? 'silent'),
    storage,
    api: {
      apiKeys: overrides.apiKeys ?? [],
      queryTimeoutMs: overrides.queryTimeoutMs ?? 10_000,
      limits: { ...DEFAULT_QUERY_LIMITS, ...overrides.limits },
    },
    corsOrigins: overrides.corsOrigins ?? [],
    closeStorageOnShutdown: false,
  });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  return {
    app,
    base,
    // undici's request sends the path as written (fetch would normalise it),
    // which the malformed-input tests need.
    async call(path, init = {}) {
      const response = await request(`${base}${path}`, {
        method: (init.method ?? 'GET') as 'GET',
        headers: init.headers,
        body: init.body,
      });
      const text = await response.body.text();
      let body: unknown = text;
      if (text !== '' && String(response.headers['content-type'] ?? '').includes('application/json'))
        body = JSON.parse(text);
      return { status: response.statusCode, headers: response.headers, body, text };
    },
    close: () => app.close(),
  };
}
