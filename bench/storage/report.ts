import type { LoadFigures } from './load';
import type { PrimitiveResult } from './primitives';

const LOAD_TARGET = 150_000;

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

/**
 * The figures as a plain-text table: measured next to target, met or missed
 * (judged on the settled figures), and, after a load, the same primitives
 * measured while the load's background merges were still running.
 */
export function renderReport(
  load: LoadFigures | undefined,
  results: readonly PrimitiveResult[],
  duringMerges?: readonly PrimitiveResult[],
): string {
  const lines: string[] = [];
  if (load !== undefined) {
    const rate = load.events / (load.insertMs / 1000);
    const wall = load.events / (load.wallMs / 1000);
    lines.push(
      `load: ${load.events.toLocaleString('en-US')} events, insert ${Math.round(rate).toLocaleString('en-US')} events/s ` +
        `(target >= ${LOAD_TARGET.toLocaleString('en-US')}: ${rate >= LOAD_TARGET ? 'met' : 'MISSED'}); ` +
        `wall clock with generation ${Math.round(wall).toLocaleString('en-US')} events/s`,
      '',
    );
  }
  const merging = duringMerges !== undefined;
  const widths = [26, 6, 9, 9, 9, 11, 7, 8, ...(merging ? [17, 17] : [])];
  const header = ['primitive', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'target p50', 'result', 'rows'];
  if (merging) header.push('p50 ms (merging)', 'p99 ms (merging)');
  lines.push(row(header, widths));
  for (const r of results) {
    const cells = [
      r.name,
      String(r.latency.calls),
      fmt(r.latency.p50),
      fmt(r.latency.p99),
      fmt(r.latency.max),
      `<= ${r.targetP50Ms}`,
      r.latency.p50 <= r.targetP50Ms ? 'met' : 'MISSED',
      r.meanRows.toFixed(0),
    ];
    const during = duringMerges?.find((d) => d.name === r.name);
    if (merging)
      cells.push(
        during === undefined ? '-' : fmt(during.latency.p50),
        during === undefined ? '-' : fmt(during.latency.p99),
      );
    lines.push(row(cells, widths));
  }
  if (merging) lines.push('', '(merging: measured right after the load, while ClickHouse still merged its parts)');
  return lines.join('\n');
}
