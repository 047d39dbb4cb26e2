import { describe, expect, it } from 'vitest';

import type { ApiCall } from '../api/types';
import { layoutCalls } from './layout';

const O = 1_000_000n;

function call(id: string, entry: number, exit: number | null, extra: Partial<ApiCall> = {}): ApiCall {
  return {
    correlation_id: id,
    entry_event_id: `${id}-in`,
    entry_timestamp: (O + BigInt(entry)).toString(),
    exit_timestamp: exit === null ? null : (O + BigInt(exit)).toString(),
    duration_ns: exit === null ? null : String(exit - entry),
    error: false,
    ...extra,
  };
}

describe('layoutCalls', () => {
  it('puts each trace in its lane, children under their parent, concurrent siblings side by side', () => {
    const layout = layoutCalls(
      [
        call('root', 0, null, { trace_id: 'A' }),
        call('a1', 10, 50, { trace_id: 'A', parent_id: 'root' }),
        call('b', 15, 30, { trace_id: 'B' }),
        call('a2', 20, 40, { trace_id: 'A', parent_id: 'root' }),
        call('a1-child', 25, 35, { trace_id: 'A', parent_id: 'a1' }),
        call('a3', 60, 70, { trace_id: 'A', parent_id: 'root' }),
        call('lonely', 5, 6, { service: 'billing' }),
      ],
      O,
    );
    expect(layout.lanes.map((l) => [l.label, l.rows, l.firstRow])).toEqual([
      ['trace A', 4, 0],
      ['trace B', 1, 4],
      ['service billing', 1, 5],
    ]);
    const place = (id: string) => {
      const p = layout.byId.get(id)!;
      return [p.lane, p.row];
    };
    expect(place('root')).toEqual([0, 0]);
    expect(place('a1')).toEqual([0, 1]);
    // a2 overlaps a1 (both children of root): next free row.
    expect(place('a2')).toEqual([0, 2]);
    // Under a1, and past a2's row which is busy at 25.
    expect(place('a1-child')).toEqual([0, 3]);
    // a1 has ended by 60: back to the first row under root.
    expect(place('a3')).toEqual([0, 1]);
    expect(place('b')).toEqual([1, 0]);
    expect(layout.byId.get('root')!.end).toBe(Infinity);
    expect(layout.byId.get('a1')!.start).toBe(10);
    expect(layout.totalRows).toBe(6);
  });

  it('lays out 10,000 calls quickly', () => {
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      call(`c${i}`, i * 10, i * 10 + 25, { trace_id: `t${i % 50}`, parent_id: i >= 50 ? `c${i - 50}` : undefined }),
    );
    const started = performance.now();
    const layout = layoutCalls(calls, O);
    expect(performance.now() - started).toBeLessThan(500);
    expect(layout.calls).toHaveLength(10_000);
    expect(layout.lanes).toHaveLength(50);
  });
});
