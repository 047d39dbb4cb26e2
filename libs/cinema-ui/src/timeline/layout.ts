import type { ApiCall } from '../api/types';

/** One call placed on the chart; times are ns offsets from the layout's origin. */
export interface PlacedCall {
  call: ApiCall;
  start: number;
  /** Infinity for an open call: it runs to the window's edge. */
  end: number;
  /** Row inside its lane (0 = top). */
  row: number;
  lane: number;
}

export interface Lane {
  /** "trace <id>" or "service <name>": what groups its calls. */
  label: string;
  key: string;
  rows: number;
  /** First row of the lane counted over all lanes (for drawing). */
  firstRow: number;
}

export interface Layout {
  origin: bigint;
  lanes: Lane[];
  calls: PlacedCall[];
  totalRows: number;
  /** Placed calls by correlation id. */
  byId: Map<string, PlacedCall>;
}

/** A call's lane: its trace, or its service for calls outside any trace. */
export function laneKeyOf(call: ApiCall): { key: string; label: string } {
  if (call.trace_id !== undefined) return { key: `t:${call.trace_id}`, label: `trace ${call.trace_id}` };
  const service = call.service ?? '(no service)';
  return { key: `s:${service}`, label: `service ${service}` };
}

/**
 * Flame-chart layout: one lane per trace (or service), lanes in order of
 * their first call; inside a lane each call goes to the first row below its
 * parent's that is free at its entry. Calls run concurrently (async code),
 * so depth alone would draw siblings on top of each other; this greedy
 * packing keeps every bar visible and children under their parent.
 * `calls` must be in entry order (as GET /v1/calls answers).
 */
export function layoutCalls(calls: readonly ApiCall[], origin: bigint): Layout {
  const lanes: Lane[] = [];
  const laneIndex = new Map<string, number>();
  /** Per lane, the end of the last call of each row. */
  const rowEnds: number[][] = [];
  const placed: PlacedCall[] = [];
  const byId = new Map<string, PlacedCall>();
  for (const call of calls) {
    const { key, label } = laneKeyOf(call);
    let lane = laneIndex.get(key);
    if (lane === undefined) {
      lane = lanes.length;
      laneIndex.set(key, lane);
      lanes.push({ key, label, rows: 0, firstRow: 0 });
      rowEnds.push([]);
    }
    const start = Number(BigInt(call.entry_timestamp) - origin);
    const end = call.exit_timestamp === null ? Infinity : Number(BigInt(call.exit_timestamp) - origin);
    const parent = call.parent_id === undefined ? undefined : byId.get(call.parent_id);
    const ends = rowEnds[lane]!;
    let row = parent !== undefined && parent.lane === lane ? parent.row + 1 : 0;
    while (row < ends.length && ends[row]! > start) row += 1;
    ends[row] = end;
    const item: PlacedCall = { call, start, end, row, lane };
    placed.push(item);
    byId.set(call.correlation_id, item);
  }
  let totalRows = 0;
  lanes.forEach((lane, i) => {
    lane.rows = Math.max(1, rowEnds[i]!.length);
    lane.firstRow = totalRows;
    totalRows += lane.rows;
  });
  return { origin, lanes, calls: placed, totalRows, byId };
}
