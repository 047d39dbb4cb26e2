import { startClickHouse } from '@temporal-bridge/testing';
import { describe, expect, it } from 'vitest';

import { call, event, ids, storageSuite } from '../__fixtures__/storage-fixture';

/**
 * root (t1)
 *  ├─ sibling       entered and exited before the target
 *  └─ child
 *      └─ grandchild  holds the target
 */
function nestedTrace() {
  const t = { trace_id: 't1' };
  return [
    ...call('root', 0, 1000, t),
    ...call('sibling', 10, 20, { ...t, parent_id: 'root' }),
    ...call('child', 30, 900, { ...t, parent_id: 'root' }),
    ...call('grandchild', 40, 800, { ...t, parent_id: 'child' }),
    event('target', 50, 'error', 'grandchild', { ...t, parent_id: 'child', seq: 5 }),
    event('same-time-before', 50, 'log', 'sibling', { ...t, parent_id: 'root', seq: 4 }),
    event('same-time-after', 50, 'log', 'root', { ...t, seq: 6 }),
    event('later', 60, 'log', 'grandchild', { ...t, parent_id: 'child' }),
    event('other-trace', 45, 'log', 'elsewhere', { trace_id: 't2' }),
  ];
}

describe('traceExecutionPath', () => {
  const suite = storageSuite(startClickHouse);

  it('returns the trace up to the target, marking the target call and its ancestors on the stack', async () => {
    const storage = await suite.open();
    await storage.insertEvents(nestedTrace());
    const path = await storage.traceExecutionPath('target');
    expect(path).toBeDefined();
    expect(path!.truncated).toBe(false);
    expect(path!.target.event_id).toBe('target');
    expect(path!.path.map((s) => `${s.event_id}:${s.on_stack ? 'stack' : '-'}`)).toEqual([
      'root-entry:stack',
      'sibling-entry:-',
      'sibling-exit:-',
      'child-entry:stack',
      'grandchild-entry:stack',
      'same-time-before:-',
      'target:stack',
    ]);
    expect(path!.path.at(-1)).toStrictEqual({ ...path!.target, on_stack: true });
  });

  it('accepts the target as an event, and answers undefined for an unknown one', async () => {
    const storage = await suite.open();
    const events = nestedTrace();
    await storage.insertEvents(events);
    const target = events.find((e) => e.event_id === 'grandchild-entry')!;
    const path = await storage.traceExecutionPath(target);
    expect(ids(path!.path)).toEqual(['root-entry', 'sibling-entry', 'sibling-exit', 'child-entry', 'grandchild-entry']);
    expect(await storage.traceExecutionPath('nope')).toBeUndefined();
    expect(await storage.traceExecutionPath({ ...target, event_id: 'nope' })).toBeUndefined();
  });

  it('falls back to the correlation when the target has no trace id', async () => {
    const storage = await suite.open();
    await storage.insertEvents([
      ...call('lonely', 0, 100),
      event('mid', 50, 'log', 'lonely'),
      event('after', 60, 'log', 'lonely'),
      event('other', 40, 'log', 'someone-else'),
    ]);
    const path = await storage.traceExecutionPath('mid');
    expect(path!.path.map((s) => `${s.event_id}:${String(s.on_stack)}`)).toEqual(['lonely-entry:true', 'mid:true']);
  });

  it('keeps the latest steps when the path exceeds maxResultRows, and still finds the stack', async () => {
    const storage = await suite.open({ maxResultRows: 3 });
    await storage.insertEvents(nestedTrace());
    const path = await storage.traceExecutionPath('target');
    expect(path!.truncated).toBe(true);
    expect(path!.path.map((s) => `${s.event_id}:${s.on_stack ? 'stack' : '-'}`)).toEqual([
      'grandchild-entry:stack',
      'same-time-before:-',
      'target:stack',
    ]);
    // root is an ancestor: its entry was cut, but its later events still belong to the stack.
    const rootPath = await storage.traceExecutionPath('same-time-after');
    expect(rootPath!.path.map((s) => `${s.event_id}:${s.on_stack ? 'stack' : '-'}`)).toEqual([
      'same-time-before:-',
      'target:-',
      'same-time-after:stack',
    ]);
  });
});
