import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  buildProjects,
  freePort,
  pollUntil,
  repoPath,
  startKafka,
  startRedis,
  TetheredProcess,
  uniqueName,
  type KafkaTestCluster,
  type RedisTestServer,
} from '@temporal-bridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dashboardExpressions, expandVariables, exportedMetricNames, metricNames } from './dashboard-metrics';

/**
 * The Grafana dashboard must chart what the services really export: its
 * queries are checked against the live /metrics of a real bridge, query
 * service and standalone server, each a process started from its build.
 */
const cleanup: Array<() => Promise<void>> = [];
let kafka: KafkaTestCluster;
let redis: RedisTestServer;
const exported = new Set<string>();
const expositions: Record<string, string> = {};

async function startService(service: 'bridge' | 'query' | 'standalone', env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), `tb-dashboard-${service}-`));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const process_ = TetheredProcess.spawn(process.execPath, [repoPath(`services/${service}/dist/main.js`)], {
    tether: true,
    env: {
      ...process.env,
      ...(service === 'standalone' ? { DATA_DIR: dataDir } : { CLICKHOUSE_DATA_DIR: dataDir }),
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  });
  cleanup.push(async () => {
    await process_.signal('SIGTERM').catch(() => undefined);
    await process_.exited;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await pollUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
      timeoutMs: 90_000,
      description: `${service} ready`,
    });
  } catch (error) {
    throw new Error(`${service} did not get ready:\n${process_.output()}`, { cause: error });
  }
  // One answered request, so that per-route series exist as they would in production.
  await fetch(`${url}/healthz`);
  const text = await (await fetch(`${url}/metrics`)).text();
  expositions[service] = text;
  for (const name of exportedMetricNames(text)) exported.add(name);
}

beforeAll(async () => {
  [kafka, redis] = await Promise.all([
    startKafka(),
    startRedis(),
    buildProjects(
      'services/bridge/tsconfig.app.json',
      'services/query/tsconfig.app.json',
      'services/standalone/tsconfig.app.json',
    ),
  ]);
  const topic = await kafka.createTopic({ prefix: 'dashboard', partitions: 1 });
  await Promise.all([
    startService('bridge', {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: await kafka.createTopic({ prefix: 'dashboard_dlq', partitions: 1 }),
      KAFKA_GROUP_ID: uniqueName('dashboard'),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix('dashboard'),
    }),
    startService('query', {}),
    startService('standalone', {}),
  ]);
}, 300_000);

afterAll(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await Promise.all([kafka?.stop(), redis?.stop()]);
});

async function dashboard(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(repoPath('deploy/grafana/temporal-bridge.json'), 'utf8')) as Record<string, unknown>;
}

function unknownMetrics(board: Record<string, unknown>): string[] {
  const expressions = expandVariables(board, dashboardExpressions(board));
  return [...new Set(expressions.flatMap(metricNames))].filter((name) => !exported.has(name)).sort();
}

describe('deploy/grafana/temporal-bridge.json', () => {
  it('charts only metrics that a live bridge, query service and standalone server export', async () => {
    const board = await dashboard();
    expect(dashboardExpressions(board).length).toBeGreaterThanOrEqual(8);
    // Each service's own families are there, so the check below compares with real names.
    expect(expositions.bridge).toMatch(/^# TYPE tb_bridge_consumer_lag gauge$/m);
    expect(expositions.query).toMatch(/^# TYPE tb_query_http_requests_total counter$/m);
    expect(expositions.standalone).toMatch(/^# TYPE tb_standalone_storage_query_duration_seconds histogram$/m);
    expect(unknownMetrics(board)).toEqual([]);
  });

  it('charts every bridge metric family the live bridge exports', async () => {
    const charted = new Set(dashboardExpressions(await dashboard()).flatMap(metricNames));
    const bridgeFamilies = [...exported].filter((n) => /^tb_bridge_(events|dlq|flush|consumer|buffered)/.test(n));
    const missing = bridgeFamilies.filter(
      (n) => !charted.has(n) && !charted.has(`${n}_bucket`) && !/_(sum|count|bucket)$/.test(n),
    );
    expect(missing).toEqual([]);
  });

  it('a dashboard naming a metric no service exports fails the check', async () => {
    const board = await dashboard();
    const panels = board.panels as Array<{ targets: Array<{ expr: string }> }>;
    panels[0]!.targets[0]!.expr = 'sum(rate(tb_bridge_events_consumd_total[5m]))';
    expect(unknownMetrics(board)).toEqual(['tb_bridge_events_consumd_total']);
  });
});
