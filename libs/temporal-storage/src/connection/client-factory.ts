import { ClickHouseLogLevel, createClient, parseError, type ClickHouseClient } from '@clickhouse/client';

import { StorageUnavailableError } from '../errors';
import type { ClickHouseConnectionConfig } from '../storage.types';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/** Embedded chdb runs one query at a time per session: two sessions use both cores of a small machine. */
const DEFAULT_EMBEDDED_SESSIONS = 2;

const MiB = 1_048_576;

/**
 * Server settings of embedded ClickHouse, sized for a process that shares a
 * small machine with Node (docs/operations.md, "Memory"). ClickHouse's
 * defaults are a dedicated server's: 5 GiB each for the mark and primary
 * index caches and a memory limit of 90 % of RAM, so an embedded engine's
 * memory grew with whatever it had read. These bound it by configuration:
 *
 * - the caches hold what the Cinema queries reread (marks and primary index
 *   of the recent parts); at these sizes, with EMBEDDED_QUERY_SETTINGS,
 *   bench:query and bench:storage answer on 10M events as fast as with
 *   ClickHouse's defaults (libs/temporal-storage/README.md);
 * - no uncompressed cache (ClickHouse's default too): the OS page cache
 *   already holds the compressed files;
 * - max_server_memory_usage caps everything ClickHouse allocates (inserts,
 *   merges, queries, caches): a query past it fails with MEMORY_LIMIT_EXCEEDED
 *   rather than the process growing. Ingest uses well under it (tens of MiB).
 */
export const EMBEDDED_SERVER_SETTINGS: Readonly<Record<string, number>> = {
  mark_cache_size: 64 * MiB,
  index_mark_cache_size: 16 * MiB,
  primary_index_cache_size: 64 * MiB,
  uncompressed_cache_size: 0,
  index_uncompressed_cache_size: 0,
  query_condition_cache_size: 16 * MiB,
  compiled_expression_cache_size: 16 * MiB,
  max_server_memory_usage: 1024 * MiB,
};

/**
 * Query settings that go with EMBEDDED_SERVER_SETTINGS. ClickHouse cuts a
 * query's threads when free memory (max_server_memory_usage less what it
 * tracks) is under max_threads times max_threads_min_free_memory_per_thread,
 * 1 GiB by default: under a 1 GiB cap every query ran on one thread, and
 * active AST nodes, state at T and stats took 1.3-1.7x as long on 10M events
 * (docs/operations.md, "Memory"). At 64 MiB a thread, a query on two cores
 * backs off only once ClickHouse holds ~900 MiB of its 1 GiB.
 */
export const EMBEDDED_QUERY_SETTINGS = {
  max_threads_min_free_memory_per_thread: 64 * MiB,
} as const;

/** One way into ClickHouse. */
export interface ClickHouseHandle {
  client: ClickHouseClient;
  /**
   * Embedded only: runs one statement with its rows inline on the chdb
   * session. The client's insert would turn the body into a stream of
   * Buffers that the chdb connection turns back into a string: two copies of
   * every batch on the event loop (~3 us per event, measured in bench/storage).
   */
  runInline?: (sql: string) => Promise<void>;
}

/** The part of chdb's ChdbConnection used here: its `.chdb` escape hatch to the session. */
interface ChdbConnectionLike {
  chdb: { queryAsync(sql: string): Promise<unknown> };
}

/** chdb's own Session, used only to start the engine with server settings. */
type ChdbSessionConstructor = new (path: string, options: { connectionArgs: string[] }) => { close(): void };

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
): Promise<ClickHouseHandle[]> {
  if (config.kind === 'server') {
    return [
      {
        client: createClient({
          url: config.url,
          username: config.username,
          password: config.password,
          request_timeout: requestTimeoutMs,
          application: 'temporal-bridge',
          // Failures reach the caller as typed errors; the client's own console logging would repeat them.
          log: { level: ClickHouseLogLevel.OFF },
        }),
      },
    ];
  }
  let createChdbConnection: (options: { path: string }) => unknown;
  let Session: ChdbSessionConstructor;
  try {
    ({ createChdbConnection } = await import('chdb/connection'));
    ({ Session } = (await import('chdb')) as unknown as { Session: ChdbSessionConstructor });
  } catch (error) {
    throw new StorageUnavailableError(
      'Embedded ClickHouse needs the chdb package (npm install chdb), or configure a server URL instead.',
      { cause: error },
    );
  }
  const sessions = Math.max(1, config.sessions ?? DEFAULT_EMBEDDED_SESSIONS);
  const handles: ClickHouseHandle[] = [];
  let starter: { close(): void } | undefined;
  try {
    // The first connection to a directory starts the process's engine, and only its arguments
    // can carry server settings (chdb's client connection takes none). Opened first, it starts
    // the engine with them; the sessions below join that engine, which outlives the starter.
    starter = new Session(config.dataDir, {
      connectionArgs: Object.entries(EMBEDDED_SERVER_SETTINGS).map(([name, value]) => `--${name}=${value}`),
    });
    for (let i = 0; i < sessions; i += 1) {
      const connection = createChdbConnection({ path: config.dataDir }) as ChdbConnectionLike;
      handles.push({
        // chdb types its connection against @clickhouse/client-common 1.23.0 while
        // @clickhouse/client 1.23.1 bundles its own copy of those types; they differ
        // only in the settings list, so the connection is the same at run time.
        client: createClient({
          connection: connection as unknown as ClientConnection,
          log: { level: ClickHouseLogLevel.OFF },
        }),
        runInline: async (sql) => {
          try {
            await connection.chdb.queryAsync(sql);
          } catch (error) {
            // chdb rejects with the server's text ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)");
            // parseError gives it the shape the client's errors have, which toStorageError reads.
            throw Object.assign(parseError(error instanceof Error ? error.message : String(error)), { cause: error });
          }
        },
      });
    }
  } catch (error) {
    await Promise.allSettled(handles.map((handle) => handle.client.close()));
    throw new StorageUnavailableError(`Cannot open embedded ClickHouse in ${config.dataDir}: ${String(error)}`, {
      cause: error,
    });
  } finally {
    starter?.close();
  }
  return handles;
}
