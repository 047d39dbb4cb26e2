import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

import { StorageUnavailableError } from '../errors';
import type { ClickHouseConnectionConfig } from '../storage.types';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/** Embedded chdb runs one query at a time per session: two sessions use both cores of a small machine. */
const DEFAULT_EMBEDDED_SESSIONS = 2;

/**
 * Opens the clients for a target. A server gets one HTTP client (it pools
 * sockets itself). Embedded ClickHouse gets a few chdb sessions on the same
 * data directory, because one session serialises its queries.
 *
 * chdb is imported lazily: it is a 550 MB native library that server
 * deployments never load.
 */
export async function createClients(
  config: ClickHouseConnectionConfig,
  requestTimeoutMs: number,
): Promise<ClickHouseClient[]> {
  if (config.kind === 'server') {
    return [
      createClient({
        url: config.url,
        username: config.username,
        password: config.password,
        request_timeout: requestTimeoutMs,
        application: 'temporal-bridge',
        // Failures reach the caller as typed errors; the client's own console logging would repeat them.
        log: { level: ClickHouseLogLevel.OFF },
      }),
    ];
  }
  let createChdbConnection: (options: { path: string }) => unknown;
  try {
    ({ createChdbConnection } = await import('chdb/connection'));
  } catch (error) {
    throw new StorageUnavailableError(
      'Embedded ClickHouse needs the chdb package (npm install chdb), or configure a server URL instead.',
      { cause: error },
    );
  }
  const sessions = Math.max(1, config.sessions ?? DEFAULT_EMBEDDED_SESSIONS);
  const clients: ClickHouseClient[] = [];
  try {
    for (let i = 0; i < sessions; i += 1) {
      // chdb types its connection against @clickhouse/client-common 1.23.0 while
      // @clickhouse/client 1.23.1 bundles its own copy of those types; they differ
      // only in the settings list, so the connection is the same at run time.
      const connection = createChdbConnection({ path: config.dataDir }) as ClientConnection;
      clients.push(createClient({ connection, log: { level: ClickHouseLogLevel.OFF } }));
    }
  } catch (error) {
    await Promise.allSettled(clients.map((client) => client.close()));
    throw new StorageUnavailableError(`Cannot open embedded ClickHouse in ${config.dataDir}: ${String(error)}`, {
      cause: error,
    });
  }
  return clients;
}
