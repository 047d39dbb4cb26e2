import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { BASE_NS, call, event, storageSuite } from '../__fixtures__/storage-fixture';
import type { StateSnapshot } from '../storage.types';

/** key -> value of a snapshot whose keys belong to one service (or none); a key twice would be a merge. */
function valuesOf(snapshot: StateSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of snapshot.state) {
    if (entry.key in out) throw new Error(`key ${entry.key} appears twice: ${JSON.stringify(snapshot.state)}`);
    Object.defineProperty(out, entry.key, { value: entry.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function state(id: string, at: number, values: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return event(id, at, 'state_change', 'c', { data: { state: values } as never, ...extra });
}

describe('reconstructStateAt', () => {
  const suite = storageSuite(startClickHouse);

  it('gives each key the value of its latest change at or before T, variable snapshots included', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      state('s1', 10, { cart: 1, user: 'ann', deep: { list: [1, 2.5, 'x'], flag: true } }),
      state('s2', 20, { cart: 2 }),
      event('v1', 25, 'variable_snapshot', 'c', { data: { variables: { i: 0, user: 'bob' } } }),
      state('s3', 30, { cart: 3, late: null }),
      event('log', 28, 'log', 'c', { data: { state: { ignored: true } } }),
    ]);
    expect(valuesOf(await storage.reconstructStateAt(BASE_NS + 9n))).toEqual({});
    expect(valuesOf(await storage.reconstructStateAt(BASE_NS + 10n))).toEqual({
      cart: 1,
      user: 'ann',
      deep: { list: [1, 2.5, 'x'], flag: true },
    });
    expect(valuesOf(await storage.reconstructStateAt(BASE_NS + 29n))).toEqual({
      cart: 2,
      user: 'bob',
      deep: { list: [1, 2.5, 'x'], flag: true },
      i: 0,
    });
    const later = await storage.reconstructStateAt(BASE_NS + 30n);
    expect(later.at).toBe(BASE_NS + 30n);
    expect(valuesOf(later)).toEqual({
      cart: 3,
      user: 'bob',
      deep: { list: [1, 2.5, 'x'], flag: true },
      i: 0,
      late: null,
    });
  });

  it('combines changes across day, hour, ten-minute and minute buckets exactly as a full scan would', async () => {
    const storage = await suite.open();
    const second = 1_000_000_000;
    // Spread over three days, with changes on both sides of every bucket edge.
    const offsets = [
      -2 * 86_400,
      -86_400 - 1,
      -86_400,
      -3 * 3_600,
      -3_601,
      -3_600,
      -3_599,
      -1_201,
      -600,
      -599,
      -61,
      -60,
      -59,
      -1,
      0,
      1,
      59,
      60,
      61,
      599,
      600,
      3_599,
      3_600,
      3_601,
      86_399,
      86_400,
    ].map((s) => s * second);
    const events = offsets.flatMap((offset, i) => [
      state(`s${i}`, offset, { [`k${i % 4}`]: i, all: i }),
      event(`v${i}`, offset + 1, 'variable_snapshot', 'c', { data: { variables: { [`v${i % 3}`]: -i - 1 } } }),
    ]);
    await storage.insertEvents(events);
    for (const at of [...offsets, ...offsets.map((o) => o - 1)]) {
      const expected: Record<string, unknown> = {};
      for (const e of events) {
        if (e.timestamp > BASE_NS + BigInt(at)) continue;
        Object.assign(expected, (e.data!['state'] ?? e.data!['variables']) as object);
      }
      expect(valuesOf(await storage.reconstructStateAt(BASE_NS + BigInt(at))), `state at offset ${at} ns`).toEqual(
        expected,
      );
    }
  });

  it('breaks ties on timestamp by seq (absent first), then event_id', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      state('b', 10, { bySeq: 'seq 2', byId: 'b' }, { seq: 2 }),
      state('a', 10, { bySeq: 'seq 1', byId: 'a' }, { seq: 2 }),
      state('c', 10, { bySeq: 'seq 1 again' }, { seq: 1 }),
      state('z', 10, { bySeq: 'no seq', byId: 'z without seq' }),
    ]);
    expect(valuesOf(await storage.reconstructStateAt(BASE_NS + 10n))).toEqual({ bySeq: 'seq 2', byId: 'b' });
  });

  it('keeps values exact: strings with escapes, unicode, floats, nested objects', async () => {
    const storage = await suite.open();
    const values = {
      text: 'tab\t"quote" \\ é 漢字 🎬',
      numbers: [0.1, 1e21, 1.5e-7, -42, Number.MAX_SAFE_INTEGER],
      'key with "quotes"': { a: [] as unknown[], b: {} },
    };
    await storage.insertEvents([state('s', 1, values)]);
    expect(valuesOf(await storage.reconstructStateAt(BASE_NS + 1n))).toStrictEqual(values);
  });

  it('lists the calls entered at or before T with no exit of their own at or before T', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('root', 0, 1000, { trace_id: 't1', ast_node_id: 'fn:root', service: 'api', function: 'handle' }),
      ...call('done', 10, 50, { trace_id: 't1', parent_id: 'root', ast_node_id: 'fn:done', service: 'api' }),
      ...call('exits-at-t', 20, 100, { trace_id: 't1', parent_id: 'root', service: 'api' }),
      ...call('enters-at-t', 100, 300, { trace_id: 't1', parent_id: 'root', service: 'api' }),
      ...call('other-service', 30, null, { trace_id: 't2', service: 'worker' }),
      ...call('after', 101, 200, { trace_id: 't1', service: 'api' }),
    ]);
    const snapshot = await storage.reconstructStateAt(BASE_NS + 100n);
    expect(snapshot.active_calls.map((c) => c.correlation_id)).toEqual(['root', 'other-service', 'enters-at-t']);
    expect(snapshot.active_calls[0]).toStrictEqual({
      correlation_id: 'root',
      entry_event_id: 'root-entry',
      entry_timestamp: BASE_NS,
      ast_node_id: 'fn:root',
      trace_id: 't1',
      service: 'api',
      function: 'handle',
      module: 'mod',
    });
    expect(snapshot.active_calls[2]).toMatchObject({ parent_id: 'root', entry_timestamp: BASE_NS + 100n });
    expect(snapshot.active_calls_truncated).toBe(false);
  });

  it('applies the service and trace filters to the state and to the calls', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('api-call', 0, null, { trace_id: 't1', service: 'api' }),
      ...call('worker-call', 0, null, { trace_id: 't2', service: 'worker' }),
      state('s-api', 5, { shared: 'api', apiOnly: 1 }, { service: 'api', trace_id: 't1' }),
      state('s-worker', 6, { shared: 'worker' }, { service: 'worker', trace_id: 't2' }),
      event('v-worker', 7, 'variable_snapshot', 'worker-call', {
        service: 'worker',
        trace_id: 't3',
        data: { variables: { v: 1 } },
      }),
    ]);
    const at = BASE_NS + 10n;
    // Each service keeps its own `shared`: nothing is merged across services.
    expect((await storage.reconstructStateAt(at)).state.map((e) => [e.service, e.key, e.value])).toEqual([
      ['api', 'apiOnly', 1],
      ['api', 'shared', 'api'],
      ['worker', 'shared', 'worker'],
      ['worker', 'v', 1],
    ]);
    const api = await storage.reconstructStateAt(at, { service: 'api' });
    expect(valuesOf(api)).toEqual({ shared: 'api', apiOnly: 1 });
    expect(api.active_calls.map((c) => c.correlation_id)).toEqual(['api-call']);
    const worker = await storage.reconstructStateAt(at, { trace_id: 't2' });
    expect(valuesOf(worker)).toEqual({ shared: 'worker' });
    expect(worker.active_calls.map((c) => c.correlation_id)).toEqual(['worker-call']);
    const both = await storage.reconstructStateAt(at, { service: 'worker', trace_id: 't3' });
    expect(both).toEqual({
      at,
      state: [{ service: 'worker', key: 'v', value: 1, event_id: 'v-worker', timestamp: BASE_NS + 7n }],
      state_truncated: false,
      active_calls: [],
      active_calls_truncated: false,
    });
  });

  it('answers an empty state and no calls before anything happened', async () => {
    const storage = await suite.open();
    await storage.insertEvents([state('s', 10, { k: 1 }), ...call('c1', 10, null)]);
    expect(await storage.reconstructStateAt(BASE_NS + 9n)).toEqual({
      at: BASE_NS + 9n,
      state: [],
      state_truncated: false,
      active_calls: [],
      active_calls_truncated: false,
    });
  });

  it('names the event that set each value, from the buckets of past days as from the raw events', async () => {
    const storage = await suite.open();
    const day = 86_400_000_000_000;
    await storage.insertEvents([
      state('old', -2 * day, { cart: 1, user: 'ann' }, { service: 'shop', seq: 4 }),
      state('recent', -5, { cart: 2 }, { service: 'shop' }),
      event('snap', -3, 'variable_snapshot', 'c', { data: { variables: { i: 7 } } }),
    ]);
    const snapshot = await storage.reconstructStateAt(BASE_NS);
    expect(snapshot.state).toEqual([
      // No service: sorts first (empty string), and carries none.
      { key: 'i', value: 7, event_id: 'snap', timestamp: BASE_NS - 3n },
      { service: 'shop', key: 'cart', value: 2, event_id: 'recent', timestamp: BASE_NS - 5n },
      { service: 'shop', key: 'user', value: 'ann', event_id: 'old', timestamp: BASE_NS - BigInt(2 * day) },
    ]);
    // Before the recent change, cart comes from the day bucket, with its own event.
    const before = await storage.reconstructStateAt(BASE_NS - 6n, { service: 'shop' });
    expect(before.state.find((e) => e.key === 'cart')).toEqual({
      service: 'shop',
      key: 'cart',
      value: 1,
      event_id: 'old',
      timestamp: BASE_NS - BigInt(2 * day),
    });
  });

  it('caps the state at maxResultRows and says so', async () => {
    const storage = await suite.open({ maxResultRows: 2 });
    await storage.insertEvents([state('s', 1, { a: 1, b: 2, c: 3 })]);
    const capped = await storage.reconstructStateAt(BASE_NS + 1n);
    expect([capped.state.map((e) => e.key), capped.state_truncated]).toEqual([['a', 'b'], true]);
    const fits = await storage.reconstructStateAt(BASE_NS + 1n, { trace_id: 'none' });
    expect([fits.state, fits.state_truncated]).toEqual([[], false]);
  });

  it('reads further candidates when closed ones fill a page, so the cap counts open calls only', async () => {
    const storage = await suite.open({ maxResultRows: 2 });
    const unpairedExit = (id: string, entry: number, exit: number) => {
      const [entryEvent, exitEvent] = call(id, entry, exit);
      const { duration_ns: _duration, ...withoutDuration } = exitEvent!;
      return [entryEvent!, withoutDuration];
    };
    await storage.insertEvents([
      ...unpairedExit('closed-1', 1, 5),
      ...unpairedExit('closed-2', 2, 6),
      ...unpairedExit('closed-3', 3, 7),
      ...call('open-1', 4, null),
      ...call('open-2', 8, null),
    ]);
    const snapshot = await storage.reconstructStateAt(BASE_NS + 10n);
    expect(snapshot.active_calls.map((c) => c.correlation_id)).toEqual(['open-1', 'open-2']);
    expect(snapshot.active_calls_truncated).toBe(false);
  });

  it('caps the open calls at maxResultRows and says so', async () => {
    const storage = await suite.open({ maxResultRows: 2 });
    await storage.insertEvents([...call('a', 1, null), ...call('b', 2, null), ...call('c', 3, null)]);
    const snapshot = await storage.reconstructStateAt(BASE_NS + 10n);
    expect(snapshot.active_calls.map((c) => c.correlation_id)).toEqual(['a', 'b']);
    expect(snapshot.active_calls_truncated).toBe(true);
  });
});
