import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, call, event, ids, storageSuite } from '../__fixtures__/storage-fixture';
import { InvalidCursorError } from '../errors';
import type { TemporalStorage } from '../temporal-storage';

const FROM = BASE_NS;
const TO = BASE_NS + 2000n;

/**
 * T1 web: r1 100..1100, child c1 (db) 200..300 whose exit carries data.error.
 * T2 web: r2 entered 500, still open, one log.
 * T3 api: r3 700..5700 with an exit that has no duration_ns, and an error event.
 * T4: root entered after the window. T5: a child whose root was never stored.
 * A root without trace id is no trace.
 */
const dataset = [
  ...call('r1', 100, 1100, { trace_id: 'T1', service: 'web', ast_node_id: 'app.ts:main:function', function: 'main' }),
  ...call('c1', 200, null, { trace_id: 'T1', parent_id: 'r1', service: 'db' }),
  event('c1-exit', 300, 'function_exit', 'c1', {
    trace_id: 'T1',
    parent_id: 'r1',
    service: 'db',
    duration_ns: 100n,
    data: { error: { message: 'deadlock' } },
  }),
  event('s1', 250, 'state_change', 'c1', { trace_id: 'T1', service: 'db', data: { state: { rows: 1 } } }),
  ...call('r2', 500, null, { trace_id: 'T2', service: 'web' }),
  event('l2', 600, 'log', 'r2', { trace_id: 'T2', service: 'web' }),
  ...call('r3', 700, null, { trace_id: 'T3', service: 'api' }),
  event('x3', 800, 'error', 'r3', { trace_id: 'T3', service: 'api', data: { message: 'boom' } }),
  event('r3-exit', 5700, 'function_exit', 'r3', { trace_id: 'T3', service: 'api' }),
  ...call('r4', 3000, 3100, { trace_id: 'T4', service: 'web' }),
  ...call('c5', 900, 950, { trace_id: 'T5', parent_id: 'gone', service: 'web' }),
  ...call('no-trace', 1000, 1001, { service: 'web' }),
];

async function traceIds(storage: TemporalStorage, opts: Parameters<TemporalStorage['listTraces']>[2] = {}) {
  return (await storage.listTraces(FROM, TO, opts)).traces.map((t) => t.trace_id);
}

describe('listTraces and getEventsForTrace', () => {
  const suite = storageSuite(startClickHouse);

  it('lists the traces rooted in the window with root, services, duration, events and errors', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    const page = await storage.listTraces(FROM, TO);
    expect(page.next_cursor).toBeNull();
    expect(page.traces).toEqual([
      {
        trace_id: 'T1',
        root: {
          correlation_id: 'r1',
          entry_event_id: 'r1-entry',
          ast_node_id: 'app.ts:main:function',
          service: 'web',
          function: 'main',
          module: 'mod',
        },
        services: ['db', 'web'],
        start: BASE_NS + 100n,
        duration_ns: 1000n,
        events: 5,
        errors: 1,
      },
      expect.objectContaining({ trace_id: 'T2', duration_ns: null, events: 2, errors: 0, services: ['web'] }),
      // Its exit had no duration_ns: the duration comes from call_exits.
      expect.objectContaining({ trace_id: 'T3', duration_ns: 5000n, events: 3, errors: 1, services: ['api'] }),
    ]);
  });

  it('filters by errors, minimum duration and root service, and sorts by duration', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    expect(await traceIds(storage, { errors: true })).toEqual(['T1', 'T3']);
    expect(await traceIds(storage, { errors: false })).toEqual(['T2']);
    expect(await traceIds(storage, { minDurationNs: 2000n })).toEqual(['T3']);
    expect(await traceIds(storage, { minDurationNs: 1000n })).toEqual(['T1', 'T3']);
    expect(await traceIds(storage, { service: 'web' })).toEqual(['T1', 'T2']);
    expect(await traceIds(storage, { sort: 'duration' })).toEqual(['T3', 'T1', 'T2']);
    expect(await traceIds(storage, { sort: 'duration', errors: true, service: 'api' })).toEqual(['T3']);
  });

  it('pages in both orders without gap or repeat, and refuses a cursor of another query', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    for (const sort of ['start', 'duration'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.listTraces(FROM, TO, { sort, limit: 1, cursor });
        seen.push(...page.traces.map((t) => t.trace_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor !== undefined && seen.length < 10);
      expect(seen).toEqual(sort === 'start' ? ['T1', 'T2', 'T3'] : ['T3', 'T1', 'T2']);
    }
    const first = await storage.listTraces(FROM, TO, { limit: 1 });
    await expect(
      storage.listTraces(FROM, TO, { limit: 1, sort: 'duration', cursor: first.next_cursor! }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('answers every event of a trace in order, paged', async () => {
    const storage = await suite.open();
    await storage.insertEvents(dataset);
    const first = await storage.getEventsForTrace('T1', { limit: 3 });
    expect(ids(first.events)).toEqual(['r1-entry', 'c1-entry', 's1']);
    const second = await storage.getEventsForTrace('T1', { limit: 3, cursor: first.next_cursor! });
    expect([ids(second.events), second.next_cursor]).toEqual([['c1-exit', 'r1-exit'], null]);
    expect((await storage.getEventsForTrace('unknown')).events).toEqual([]);
  });
});
