import { containerEngineAvailable, pollUntil, repoPath } from '@temporal-bridge/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DockerComposeEnvironment, Wait, type StartedDockerComposeEnvironment } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NOT_RUN_MARKER } from './not-run';

/**
 * The distributed mode as docker-compose.yml ships it: the images built from
 * deploy/Dockerfile, Kafka, Redis and a ClickHouse server in containers, two
 * bridge replicas and the query service. Where no container engine answers
 * (the build machines), these tests are reported as not run, counted on a
 * line of their own by scripts/run-tests.mjs; the same path (SDK -> Kafka ->
 * bridge -> ClickHouse -> query API) runs on every CI run against libs/testing's
 * local providers (services/standalone/src/distributed-pipeline.e2e.integration.spec.ts).
 */
let engine = false;
const QUERY = 'http://127.0.0.1:4002';
let stack: StartedDockerComposeEnvironment | undefined;

describe(`${NOT_RUN_MARKER} docker compose stack, end to end`, () => {
  beforeAll(async () => {
    engine = await containerEngineAvailable();
    if (!engine) return;
    stack = await new DockerComposeEnvironment(repoPath(), 'docker-compose.yml')
      .withBuild()
      .withWaitStrategy('query-1', Wait.forHealthCheck())
      .withWaitStrategy('bridge-1-1', Wait.forHealthCheck())
      .withWaitStrategy('bridge-2-1', Wait.forHealthCheck())
      .withStartupTimeout(600_000)
      .up();
  }, 900_000);

  afterAll(async () => {
    await stack?.down({ removeVolumes: true });
  }, 120_000);

  it('stores what an application publishes to Kafka and answers it over the API', async (ctx) => {
    if (!engine) ctx.skip();
    const kafka = new Kafka({ brokers: ['127.0.0.1:29092'], clientId: 'compose-e2e', logLevel: logLevel.ERROR });
    const producer = kafka.producer();
    await producer.connect();
    const event = (type: string) => ({
      event_type: type,
      correlation_id: 'compose-c1',
      trace_id: 'compose-t1',
      ast_node_id: 'app.ts:3:1',
      data: type === 'function_entry' ? { module: 'app', function: 'main' } : {},
    });
    await producer.send({
      topic: 'temporal.events',
      acks: -1,
      messages: ['function_entry', 'function_exit'].map((type) => ({
        key: 'compose-t1',
        value: JSON.stringify(event(type)),
      })),
    });
    await producer.disconnect();
    const events = await pollUntil(
      async () => {
        const answer = (await (await fetch(`${QUERY}/v1/correlations/compose-c1/events`)).json()) as {
          events: Array<{ event_type: string }>;
        };
        return answer.events.length === 2 ? answer.events : undefined;
      },
      { timeoutMs: 60_000, description: 'both events queryable' },
    );
    expect(events.map((e) => e.event_type)).toEqual(['function_entry', 'function_exit']);
  });

  it('lists both bridge replicas in the fleet stats', async (ctx) => {
    if (!engine) ctx.skip();
    const instances = await pollUntil(
      async () => {
        const stats = (await (await fetch(`${QUERY}/v1/stats`)).json()) as { bridge: { instances: unknown[] } };
        return stats.bridge.instances.length === 2 ? stats.bridge.instances : undefined;
      },
      { timeoutMs: 60_000, description: 'two bridge reports' },
    );
    expect(instances).toHaveLength(2);
  });
});
