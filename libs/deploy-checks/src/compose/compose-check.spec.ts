import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoPath } from '@temporal-bridge/testing';
import { afterAll, describe, expect, it } from 'vitest';

import { composeModelProblems, composeSchemaProblems } from './compose-check';

const COMPOSE = repoPath('docker-compose.yml');
const CLUSTER = repoPath('docker-compose.cluster.yml');
const scratch = mkdtempSync(join(tmpdir(), 'tb-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the compose file beside the repository's deploy/ (bind mounts resolve), edited. */
function brokenCopy(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(scratch, 'copy-'));
  cpSync(repoPath('deploy'), join(dir, 'deploy'), { recursive: true });
  const file = join(dir, 'docker-compose.yml');
  const original = readFileSync(COMPOSE, 'utf8');
  const edited = edit(original);
  expect(edited).not.toBe(original);
  writeFileSync(file, edited);
  return file;
}

describe('docker-compose.yml and docker-compose.cluster.yml', () => {
  it('validate against the Compose Specification schema', () => {
    expect(composeSchemaProblems(COMPOSE)).toEqual([]);
    expect(composeSchemaProblems(CLUSTER)).toEqual([]);
  });

  it('hold together, alone and merged: services, volumes, mounts, pinned images, healthchecks', () => {
    expect(composeModelProblems([COMPOSE])).toEqual([]);
    expect(composeModelProblems([COMPOSE, CLUSTER])).toEqual([]);
  });

  it('run Kafka in KRaft mode, two bridge replicas, the query service, a 2x2 cluster with three Keepers', () => {
    const text = readFileSync(COMPOSE, 'utf8');
    expect(text).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(text).toMatch(/DEVELOPMENT PASSWORD/);
    const cluster = readFileSync(CLUSTER, 'utf8');
    for (const name of ['keeper-1', 'keeper-2', 'keeper-3', 'clickhouse-s1r2', 'clickhouse-s2r1', 'clickhouse-s2r2']) {
      expect(cluster).toContain(`  ${name}:`);
    }
  });
});

describe('a broken compose file fails', () => {
  it('the schema: an unknown depends_on condition', () => {
    const file = brokenCopy((t) => t.replace('service_completed_successfully', 'service_done'));
    expect(composeSchemaProblems(file).map((p) => p.where)).toContain(
      '/services/bridge-1/depends_on/kafka-topics/condition',
    );
  });

  it('the schema: an unknown top-level key', () => {
    const file = brokenCopy((t) => t.replace(/^volumes:/m, 'volume:'));
    expect(composeSchemaProblems(file).length).toBeGreaterThan(0);
  });

  it('the model: an undeclared volume, a missing service, an unpinned image', () => {
    const file = brokenCopy((t) =>
      t
        .replace('clickhouse-data:/var/lib/clickhouse', 'ch-data:/var/lib/clickhouse')
        .replace('redis: { condition: service_healthy }', 'cache: { condition: service_healthy }')
        .replace('redis:7.2.5-alpine', 'redis'),
    );
    const messages = composeModelProblems([file]).map((p) => p.message);
    expect(messages).toContain('named volume not declared under volumes: ch-data');
    expect(messages).toContain('depends_on names no service: cache');
    expect(messages).toContain('image has no tag: redis');
  });
});
