import type { TemporalEvent } from '@temporal-bridge/event-schema';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { TemporalStorage } from '../temporal-storage';
import type { ClickHouseConnectionConfig, TemporalStorageOptions } from '../storage.types';

/** What the specs need from a libs/testing ClickHouse (kept structural: production code may not import it). */
export interface TestClickHouse {
  readonly target: ClickHouseConnectionConfig;
  createDatabase(prefix?: string): Promise<string>;
}

export interface StorageSuite<Server extends TestClickHouse> {
  /** The file's ClickHouse (set once beforeAll ran). */
  readonly clickhouse: Server;
  /** openTestStorage on the file's ClickHouse; closed after the test. */
  open(options?: Partial<Omit<TemporalStorageOptions, 'clickhouse'>>): Promise<TemporalStorage>;
}

/**
 * The lifecycle every storage spec file shares: one ClickHouse for the
 * file (`start` is libs/testing's startClickHouse), and every storage a test
 * opens closed after it.
 */
export function storageSuite<Server extends TestClickHouse & { stop(): Promise<void> }>(
  start: () => Promise<Server>,
): StorageSuite<Server> {
  let clickhouse: Server | undefined;
  const opened: TemporalStorage[] = [];
  beforeAll(async () => {
    clickhouse = await start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  });
  afterAll(async () => {
    await clickhouse?.stop();
  });
  return {
    get clickhouse(): Server {
      if (clickhouse === undefined)
        throw new Error('storageSuite: ClickHouse is not started yet (use it inside tests)');
      return clickhouse;
    },
    async open(options = {}) {
      const storage = await openTestStorage(this.clickhouse, options);
      opened.push(storage);
      return storage;
    },
  };
}

/**
 * A recent base time (today, whole second): recent enough that the default
 * 30-day TTL keeps the rows, fixed within a test run.
 */
export const BASE_NS = (BigInt(Date.now()) / 1000n) * 1_000_000_000n;

/** A storage on a database of its own; retention off unless a test says otherwise. */
export async function openTestStorage(
  clickhouse: TestClickHouse,
  options: Partial<Omit<TemporalStorageOptions, 'clickhouse'>> = {},
): Promise<TemporalStorage> {
  const database = options.database ?? (await clickhouse.createDatabase('storage'));
  return TemporalStorage.open({ clickhouse: clickhouse.target, retentionDays: 0, ...options, database });
}

/** An event at BASE_NS + offset; optional fields only when given. */
export function event(
  eventId: string,
  offsetNs: bigint | number,
  eventType: string,
  correlationId: string,
  extra: Partial<TemporalEvent> = {},
): TemporalEvent {
  return {
    event_id: eventId,
    timestamp: BASE_NS + BigInt(offsetNs),
    event_type: eventType,
    correlation_id: correlationId,
    timestamp_inferred: false,
    ...extra,
  };
}

/** A call: its function_entry and (unless `exitAt` is null) its function_exit with duration_ns. */
export function call(
  correlationId: string,
  entryAt: number,
  exitAt: number | null,
  extra: Partial<TemporalEvent> & { function?: string } = {},
): TemporalEvent[] {
  const { function: fn = correlationId, ...fields } = extra;
  const entry = event(`${correlationId}-entry`, entryAt, 'function_entry', correlationId, {
    ...fields,
    data: { module: 'mod', function: fn },
  });
  if (exitAt === null) return [entry];
  const exit = event(`${correlationId}-exit`, exitAt, 'function_exit', correlationId, {
    ...fields,
    duration_ns: BigInt(exitAt - entryAt),
    data: { result: 'ok' },
  });
  return [entry, exit];
}

export function ids(events: readonly TemporalEvent[]): string[] {
  return events.map((e) => e.event_id);
}
