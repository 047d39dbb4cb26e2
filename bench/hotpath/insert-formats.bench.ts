/**
 * bench/hotpath/insert-formats: what an INSERT of encoded events costs the
 * Node main thread on embedded chdb, by how the rows are handed over: the
 * TabSeparated text inline in the SQL (what the storage does), the same text
 * as a Buffer through chdb's raw insert (made before the clock starts, and
 * made from the encoder's string inside it), and JSONEachRow inline. Same
 * events, same table (TemporalStorage's schema), alternated in one run.
 * On 2026-12-02: inline 0.50, ready Buffer 0.10, string -> Buffer 0.70 us
 * per event of main thread: a Buffer pays only if rows are encoded into it
 * directly, so the storage keeps the inline string.
 *
 *   npx tsx bench/hotpath/insert-formats.bench.ts
 *
 * RowBinary and Native cannot be measured here: chdb's raw insert accepts
 * only text formats, and an inline INSERT is a JS string (UTF-8 encoded on
 * the way in), which cannot carry binary rows. There is no ClickHouse server
 * on the build machine for the HTTP client's figures. Prints; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serializeEvent, systemClock } from '@temporal-bridge/event-schema';
import { TemporalStorage } from '@temporal-bridge/temporal-storage';
import { createChdbConnection } from 'chdb/connection';

// The encoder is internal to temporal-storage: the bench feeds its rows to chdb in several ways.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { encodeEventRows, EVENT_INSERT_COLUMNS } from '../../libs/temporal-storage/src/ingest/event-rows';
import { SyntheticDataset } from '../storage';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 50_000);
const BATCH = 5000;
const ROUNDS = 3;

function mainThreadSeconds(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function processSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-formats-'));
  // The schema, created by the storage itself; then chdb is driven directly.
  await (await TemporalStorage.open({ clickhouse: { kind: 'embedded', dataDir } })).close();
  const connection = createChdbConnection({ path: dataDir });
  const table = 'temporal_bridge.events';
  const columns = EVENT_INSERT_COLUMNS.join(', ');
  const dataset = new SyntheticDataset({ events: EVENTS, startNs: systemClock.nowNanos() - 60_000_000_000n });
  const tsv: string[] = [];
  const json: string[] = [];
  for (const batch of dataset.batches(BATCH)) {
    tsv.push(encodeEventRows(batch));
    json.push(
      batch
        .map((e) => {
          const s = serializeEvent(e);
          return JSON.stringify({
            ...s,
            seq: s.seq ?? -1,
            data: s.data === undefined ? '' : JSON.stringify(s.data),
            timestamp_inferred: e.timestamp_inferred,
            duration_ns: s.duration_ns ?? null,
          });
        })
        .join('\n'),
    );
  }
  const ways: Array<[string, (i: number) => Promise<unknown>]> = [
    [
      'TabSeparated inline (current)',
      (i) => connection.chdb.queryAsync(`INSERT INTO ${table} (${columns}) FORMAT TabSeparated\n${tsv[i]!}`),
    ],
    [
      'TabSeparated Buffer raw insert',
      (i) =>
        connection.chdb.rawInsert({
          table,
          columns: [...EVENT_INSERT_COLUMNS],
          format: 'TabSeparated',
          values: Buffer.from(tsv[i]!),
        }),
    ],
    [
      'TabSeparated string -> Buffer raw',
      (i) =>
        connection.chdb.rawInsert({
          table,
          columns: [...EVENT_INSERT_COLUMNS],
          format: 'TabSeparated',
          // A fresh rope each time, as the encoder makes it: flattening and UTF-8 encoding are counted.
          values: Buffer.from(`${tsv[i]!.slice(0, 1)}${tsv[i]!.slice(1)}`),
        }),
    ],
    [
      'JSONEachRow inline',
      (i) =>
        connection.chdb.queryAsync(
          `INSERT INTO ${table} (${columns}) SETTINGS input_format_skip_unknown_fields = 1 FORMAT JSONEachRow\n${json[i]!}`,
        ),
    ],
  ];
  const totals = new Map<string, { main: number; process: number }>();
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, insert] of ways) {
        const main0 = mainThreadSeconds();
        const process0 = processSeconds();
        for (let i = 0; i < tsv.length; i += 1) await insert(i);
        // The first round warms up: not counted.
        if (round === 0) continue;
        const total = totals.get(name) ?? { main: 0, process: 0 };
        total.main += mainThreadSeconds() - main0;
        total.process += processSeconds() - process0;
        totals.set(name, total);
      }
    }
  } finally {
    await connection.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const counted = EVENTS * (ROUNDS - 1);
  console.log(`${EVENTS.toLocaleString()} events in inserts of ${BATCH}; CPU us per event: main thread, whole process`);
  for (const [name, total] of totals)
    console.log(
      `${name.padEnd(34)} ${((total.main * 1e6) / counted).toFixed(2).padStart(8)} ${((total.process * 1e6) / counted).toFixed(2).padStart(10)}`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
