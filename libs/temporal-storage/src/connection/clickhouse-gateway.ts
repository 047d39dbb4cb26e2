import { Readable } from 'node:stream';

import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';

import { EMBEDDED_QUERY_SETTINGS, type ClickHouseHandle } from './client-factory';

import { QueryAbortedError, StorageUnavailableError } from '../errors';
import { toStorageError } from './error-mapping';

/** One statement: SQL with `{name:Type}` placeholders and their values. */
export interface Statement {
  sql: string;
  params?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Names the operation in error messages ("getEventsInRange"). */
  what: string;
  /** Schema changes at open(): not bound by queryTimeoutMs, which is meant for reads. */
  unlimited?: boolean;
}

/**
 * The only door to ClickHouse: every query, command and insert of the
 * storage goes through it, so error mapping, timeouts and cancellation
 * are decided once. Tests could swap it; the storage never sees a client.
 */
export interface ClickHouseGateway {
  select<T>(statement: Statement): Promise<T[]>;
  command(statement: Statement): Promise<void>;
  /** One INSERT of tab-separated rows; resolves once ClickHouse has written them. */
  insertTabSeparated(table: string, columns: readonly string[], body: string, what: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Settings of every batch insert. Durable before resolving: no async insert
 * buffer, and the server answers only after the whole INSERT (and its
 * materialized views) ran. A batch spanning many days (a replay, a test) is
 * still one insert. A batch is not a query: no execution limit. The views an
 * insert feeds run side by side: half the latency of a 1000-event insert
 * (README).
 */
const INSERT_SETTINGS = {
  async_insert: 0,
  wait_end_of_query: 1,
  max_partitions_per_insert_block: '0',
  max_execution_time: 0,
  parallel_view_processing: 1,
  // On a cluster, events go through a Distributed table: write them to their
  // shard before answering, not to a local queue sent later (no effect on one server).
  distributed_foreground_insert: 1,
} as const satisfies ClickHouseSettings;

/** The same as a SETTINGS clause, for an INSERT written out (wait_end_of_query is HTTP's: chdb always waits). */
const INLINE_INSERT_SETTINGS = Object.entries(INSERT_SETTINGS)
  .filter(([name]) => name !== 'wait_end_of_query')
  .map(([name, value]) => `${name} = ${value}`)
  .join(', ');

/**
 * Gateway over one or more @clickhouse/client instances (several chdb
 * sessions for embedded ClickHouse, one HTTP client for a server).
 */
export class ClientGateway implements ClickHouseGateway {
  private next = 0;
  /** Statements running on each handle, until ClickHouse finishes them (not when a caller gives up). */
  private readonly running: number[];
  private closed = false;
  private readonly querySettings: ClickHouseSettings;

  constructor(
    private readonly handles: readonly ClickHouseHandle[],
    /** chdb cannot cancel a running query, and its abort path corrupts the session's next answer. */
    private readonly embedded: boolean,
    queryTimeoutMs: number,
  ) {
    this.running = handles.map(() => 0);
    this.querySettings = {
      // Int64 and UInt64 as strings in JSON: nanosecond timestamps must not go through a double.
      output_format_json_quote_64bit_integers: 1,
      max_execution_time: queryTimeoutMs / 1000,
      // Weighing the AST-node projection costs 100-800 ms per query on 10M events
      // (measured), even for queries it cannot serve: only the AST-node query opts in.
      optimize_use_projections: 0,
      ...(embedded ? EMBEDDED_QUERY_SETTINGS : {}),
    };
  }

  async select<T>(statement: Statement): Promise<T[]> {
    return this.run(statement, async (client, abortSignal) => {
      const result = await client.query({
        query: statement.sql,
        query_params: statement.params,
        format: 'JSONEachRow',
        clickhouse_settings: this.settingsFor(statement),
        abort_signal: abortSignal,
      });
      return result.json<T>();
    });
  }

  async command(statement: Statement): Promise<void> {
    await this.run(statement, async (client, abortSignal) => {
      await client.command({
        query: statement.sql,
        query_params: statement.params,
        clickhouse_settings: { ...this.settingsFor(statement), wait_end_of_query: 1 },
        abort_signal: abortSignal,
      });
    });
  }

  async insertTabSeparated(table: string, columns: readonly string[], body: string, what: string): Promise<void> {
    await this.run({ sql: '', what }, async (client, _signal, handle) => {
      if (handle.runInline !== undefined) {
        // Table and column names are ours, never a caller's.
        await handle.runInline(
          `INSERT INTO ${table} (${columns.join(', ')}) SETTINGS ${INLINE_INSERT_SETTINGS} FORMAT TabSeparated\n${body}`,
        );
        return;
      }
      await client.insert({
        table,
        columns: [...columns] as [string, ...string[]],
        format: 'TabSeparated',
        values: Readable.from([body], { objectMode: false }),
        clickhouse_settings: INSERT_SETTINGS,
      });
    });
  }

  async ping(): Promise<void> {
    await this.run({ sql: 'SELECT 1', what: 'ping' }, async (client) => {
      const result = await client.ping();
      if (!result.success) throw result.error;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.handles.map((handle) => handle.client.close()));
  }

  private settingsFor(statement: Statement): ClickHouseSettings {
    // Always set max_execution_time: chdb sessions keep the last value they were given.
    return statement.unlimited === true ? { ...this.querySettings, max_execution_time: 0 } : this.querySettings;
  }

  /**
   * The least busy handle, in turn among equals. A chdb session runs one
   * statement at a time while sessions run side by side (measured, README):
   * a query sent to the session that is writing a batch would wait for the
   * whole insert, so it goes to an idle one.
   */
  private pickHandle(): number {
    const count = this.handles.length;
    let best = this.next % count;
    for (let step = 1; step < count; step += 1) {
      const index = (this.next + step) % count;
      if (this.running[index]! < this.running[best]!) best = index;
    }
    this.next = best + 1;
    return best;
  }

  private async run<T>(
    statement: Statement,
    call: (client: ClickHouseClient, abortSignal: AbortSignal | undefined, handle: ClickHouseHandle) => Promise<T>,
  ): Promise<T> {
    const { signal, what } = statement;
    if (this.closed) throw new StorageUnavailableError(`${what}: the storage is closed`);
    if (signal?.aborted) throw new QueryAbortedError(`${what}: aborted by the caller`, { cause: signal.reason });
    const index = this.pickHandle();
    const handle = this.handles[index]!;
    this.running[index]! += 1;
    const work = call(handle.client, this.embedded ? undefined : signal, handle);
    const done = (): void => {
      this.running[index]! -= 1;
    };
    work.then(done, done);
    if (signal === undefined) return work.catch((error: unknown) => Promise.reject(toStorageError(error, what)));
    // Embedded: the query keeps running to its end (bounded by max_execution_time);
    // the caller is answered at once and the late result is dropped.
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void =>
        reject(new QueryAbortedError(`${what}: aborted by the caller`, { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(
            signal.aborted ? new QueryAbortedError(`${what}: aborted by the caller`) : toStorageError(error, what),
          );
        },
      );
    });
  }
}
