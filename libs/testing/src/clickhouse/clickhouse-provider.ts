import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type * as ChdbConnectionModule from 'chdb/connection';

import { containerEngineAvailable } from '../support/container-engine';
import { MissingTestDependencyError } from '../support/missing-dependency.error';
import { uniqueName } from '../support/unique-name';

type ChdbAsClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export type ClickHouseProviderKind = 'external' | 'container' | 'embedded';

/** Where ClickHouse is: what production code is configured with. */
export type ClickHouseTarget =
  { kind: 'server'; url: string; username?: string; password?: string } | { kind: 'embedded'; dataDir: string };

/** The settings a service (bridge, query) reads to reach `target`: CLICKHOUSE_URL and credentials, or CLICKHOUSE_DATA_DIR. */
export function clickHouseEnv(target: ClickHouseTarget): Record<string, string> {
  return target.kind === 'server'
    ? { CLICKHOUSE_URL: target.url, CLICKHOUSE_USER: target.username ?? '', CLICKHOUSE_PASSWORD: target.password ?? '' }
    : { CLICKHOUSE_DATA_DIR: target.dataDir };
}

/** A ClickHouse for one test file; each test takes its own database. */
export interface ClickHouseTestServer {
  readonly kind: ClickHouseProviderKind;
  readonly target: ClickHouseTarget;
  /** A client on the default database, for setup and assertions. */
  readonly client: ClickHouseClient;
  /** Creates a database no other test uses and returns its name. */
  createDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

const CONTAINER_IMAGE = 'clickhouse/clickhouse-server:25.8';

/**
 * Real ClickHouse for a test: `CLICKHOUSE_URL` if set (with
 * `CLICKHOUSE_USER`/`CLICKHOUSE_PASSWORD`), else a container when an engine
 * answers, else embedded chdb in a data directory private to this process.
 */
export async function startClickHouse(): Promise<ClickHouseTestServer> {
  const url = process.env['CLICKHOUSE_URL'];
  if (url !== undefined && url.trim() !== '') {
    const target: ClickHouseTarget = {
      kind: 'server',
      url,
      username: process.env['CLICKHOUSE_USER'],
      password: process.env['CLICKHOUSE_PASSWORD'],
    };
    return serverBacked('external', target, async () => undefined);
  }
  if (await containerEngineAvailable()) {
    const { ClickHouseContainer } = await import('@testcontainers/clickhouse');
    const container = await new ClickHouseContainer(CONTAINER_IMAGE).start();
    const target: ClickHouseTarget = {
      kind: 'server',
      url: container.getHttpUrl(),
      username: container.getUsername(),
      password: container.getPassword(),
    };
    return serverBacked('container', target, async () => {
      await container.stop();
    });
  }
  return embedded();
}

/**
 * Opens a client on a target, the same way production code does. It is bound
 * to no database: the chdb connection ignores the client's `database` option,
 * so code that must run on both qualifies every table (`{db:Identifier}.t`).
 */
export async function clickHouseClient(target: ClickHouseTarget): Promise<ClickHouseClient> {
  if (target.kind === 'server') {
    return createClient({ url: target.url, username: target.username, password: target.password });
  }
  let createChdbConnection: typeof ChdbConnectionModule.createChdbConnection;
  try {
    ({ createChdbConnection } = await import('chdb/connection'));
  } catch (error) {
    throw new MissingTestDependencyError(
      'ClickHouse',
      'Run npm install (the chdb package provides embedded ClickHouse), start a container engine, or set CLICKHOUSE_URL.',
      error,
    );
  }
  // chdb types its connection against @clickhouse/client-common 1.23.0 while
  // @clickhouse/client 1.23.1 bundles its own copy of those types; they differ
  // only in the settings list, so the connection is the same at run time.
  const connection = createChdbConnection({ path: target.dataDir }) as unknown as ChdbAsClientConnection;
  return createClient({ connection });
}

async function serverBacked(
  kind: ClickHouseProviderKind,
  target: ClickHouseTarget,
  stopServer: () => Promise<void>,
): Promise<ClickHouseTestServer> {
  const client = await clickHouseClient(target);
  const created: string[] = [];
  return {
    kind,
    target,
    client,
    async createDatabase(prefix = 'test') {
      const name = uniqueName(prefix);
      await client.command({ query: `CREATE DATABASE ${name}` });
      created.push(name);
      return name;
    },
    async stop() {
      // On a shared server, leave nothing behind.
      for (const name of created) await client.command({ query: `DROP DATABASE IF EXISTS ${name}` });
      await client.close();
      await stopServer();
    },
  };
}

/**
 * libchdb binds one data directory per process, so every embedded provider in
 * a process shares one directory (isolation is by database); the directory is
 * removed when the process exits.
 */
let embeddedDir: Promise<string> | undefined;

async function embedded(): Promise<ClickHouseTestServer> {
  embeddedDir ??= mkdtemp(join(tmpdir(), 'temporal-bridge-chdb-')).then((dir) => {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  const target: ClickHouseTarget = { kind: 'embedded', dataDir: await embeddedDir };
  return serverBacked('embedded', target, async () => undefined);
}
