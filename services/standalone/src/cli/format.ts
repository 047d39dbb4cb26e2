import { formatTimestamp, type TemporalEvent } from '@temporal-bridge/event-schema';
import type {
  AstNodeStatsList,
  ExecutionPath,
  RemoteStats,
  StateSnapshot,
  TracePage,
} from '@temporal-bridge/instrumentation';

/** A plain-text table: columns padded to their widest cell. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Time of day with microseconds (the date is rarely what differs between events). */
export function clock(nanos: bigint): string {
  return formatTimestamp(nanos).slice(11, 26);
}

function brief(value: unknown, width = 56): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > width ? `${text.slice(0, width - 3)}...` : text;
}

export function eventsTable(events: readonly TemporalEvent[]): string {
  return table(
    ['time', 'type', 'correlation', 'ast node', 'data'],
    events.map((e) => [clock(e.timestamp), e.event_type, e.correlation_id, e.ast_node_id ?? '', brief(e.data)]),
  );
}

export function pathTable(path: ExecutionPath): string {
  return table(
    ['', 'time', 'type', 'correlation', 'ast node', 'data'],
    path.path.map((s) => [
      s.event_id === path.target.event_id ? '=>' : s.on_stack ? ' *' : '',
      clock(s.timestamp),
      s.event_type,
      s.correlation_id,
      s.ast_node_id ?? '',
      brief(s.data, 44),
    ]),
  );
}

export function stateText(snapshot: StateSnapshot, keyFilter?: (key: string) => boolean): string {
  const entries = snapshot.state.filter((e) => keyFilter?.(e.key) ?? true);
  const state = table(
    ['service', 'key', 'value', 'set by', 'at'],
    entries.map((e) => [e.service ?? '', e.key, brief(e.value, 48), e.event_id, clock(e.timestamp)]),
  );
  const calls = table(
    ['entered', 'correlation', 'function', 'ast node'],
    snapshot.active_calls.map((c) => [
      clock(c.entry_timestamp),
      c.correlation_id,
      [c.module, c.function].filter(Boolean).join('.'),
      c.ast_node_id ?? '',
    ]),
  );
  const cut = (truncated: boolean, what: string): string => (truncated ? `\n(more ${what}: the server's row cap)` : '');
  return `state at ${formatTimestamp(snapshot.at)}:\n${state}${cut(snapshot.state_truncated, 'keys')}\n\ncalls open then:\n${calls}${cut(snapshot.active_calls_truncated, 'calls')}`;
}

export function statsText(stats: RemoteStats): string {
  return JSON.stringify(stats, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}

/** JSON output for scripts: bigints as decimal strings, like the API. */
export function asJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** Nanoseconds as milliseconds with three decimals; empty for none. */
function millis(nanos: bigint | null): string {
  if (nanos === null) return '';
  const micros = nanos / 1_000n;
  return `${micros / 1_000n}.${(micros % 1_000n).toString().padStart(3, '0')} ms`;
}

export function tracesTable(page: TracePage): string {
  const rows = table(
    ['start', 'trace', 'root', 'duration', 'events', 'errors', 'services'],
    page.traces.map((t) => [
      clock(t.start),
      t.trace_id,
      [t.root.module, t.root.function].filter(Boolean).join('.') || t.root.correlation_id,
      t.duration_ns === null ? '(open)' : millis(t.duration_ns),
      String(t.events),
      String(t.errors),
      t.services.join(','),
    ]),
  );
  return page.next_cursor === null ? rows : `${rows}\n(more traces: narrow the window or raise --limit)`;
}

export function nodeStatsTable(list: AstNodeStatsList): string {
  const rows = table(
    ['ast node', 'calls', 'errors', 'p50', 'p95', 'max'],
    list.nodes.map((n) => [
      n.ast_node_id,
      String(n.calls),
      String(n.errors),
      millis(n.p50_ns),
      millis(n.p95_ns),
      millis(n.max_ns),
    ]),
  );
  return list.truncated ? `${rows}\n(more nodes: raise --limit)` : rows;
}
