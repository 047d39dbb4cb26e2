import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Counter, type Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  ConfigError,
  envBool,
  envInt,
  envList,
  envRequired,
  envString,
  envUrl,
  loadConfig,
} from './config/load-config';
import { HealthModule, HealthService } from './health/health.module';
import { createFastifyApp } from './lifecycle/service-runner';
import { createLogger } from './logging/pino-logger';
import { METRICS_REGISTRY, MetricsModule } from './metrics/metrics.module';

describe('loadConfig', () => {
  const schema = z.object({
    PORT: envInt(4000, { min: 1, max: 65535 }),
    BROKERS: envList(),
    NAME: envString('svc'),
    TOKEN: envRequired('the API token'),
    VERBOSE: envBool(false),
    URL: envUrl(['http:', 'https:']),
  });

  it('applies defaults and converts values', () => {
    expect(loadConfig(schema, { TOKEN: 't', BROKERS: 'a:1, b:2,,', VERBOSE: 'yes', PORT: '' })).toEqual({
      PORT: 4000,
      BROKERS: ['a:1', 'b:2'],
      NAME: 'svc',
      TOKEN: 't',
      VERBOSE: true,
      URL: undefined,
    });
  });

  it('names every bad variable and says what is wrong', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', VERBOSE: 'maybe', URL: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: must be at most 65535$/m);
    expect(problems).toMatch(/^TOKEN: is required \(the API token\)$/m);
    expect(problems).toMatch(/^VERBOSE: must be true or false, got "maybe"$/m);
    expect(problems).toMatch(/^URL: must be a URL with http: or https:, got "ftp:\/\/x"$/m);
  });

  it('rejects a non-integer number', () => {
    expect(() => loadConfig(schema, { TOKEN: 't', PORT: '40.5' })).toThrow(/PORT: must be an integer/);
  });
});

describe('health and metrics over HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let redisUp = true;

  @Module({})
  class ChecksModule implements OnModuleInit {
    constructor(
      private readonly health: HealthService,
      @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    ) {}

    onModuleInit(): void {
      this.health.register('clickhouse', async () => undefined);
      this.health.register('redis', async () => {
        if (!redisUp) throw new Error('connection refused');
      });
      new Counter({ name: 'test_things_total', help: 'things', registers: [this.registry] }).inc(3);
    }
  }

  @Module({ imports: [HealthModule.forRoot(), MetricsModule.forRoot({ prefix: 'test_' }), ChecksModule] })
  class AppModule {}

  beforeAll(async () => {
    app = await createFastifyApp(AppModule, { logger: createLogger('test', 'silent') });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers liveness', async () => {
    const response = await fetch(`${base}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('answers readiness, 503 naming the dependency that fails', async () => {
    let response = await fetch(`${base}/readyz`);
    expect([response.status, await response.json()]).toEqual([
      200,
      { status: 'ready', checks: { clickhouse: 'ok', redis: 'ok' } },
    ]);
    redisUp = false;
    response = await fetch(`${base}/readyz`);
    expect([response.status, await response.json()]).toEqual([
      503,
      { status: 'not_ready', checks: { clickhouse: 'ok', redis: 'connection refused' } },
    ]);
    redisUp = true;
  });

  it('exposes Prometheus metrics, process metrics included', async () => {
    const response = await fetch(`${base}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/^test_things_total 3$/m);
    expect(text).toMatch(/^test_process_cpu_user_seconds_total /m);
  });
});
