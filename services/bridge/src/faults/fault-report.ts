import { readFileSync } from 'node:fs';

/** One row of the fault matrix, as the report table shows it. */
export interface FaultRow {
  case: string;
  sent: number;
  stored: number;
  duplicates: number;
  /** From the end of the fault to everything stored and committed; null when not applicable. */
  recoverMs: number | null;
  peakRssMb: number;
}

/**
 * Collects the matrix rows of a test file and prints them as one table at
 * the end (and as JSON lines to FAULT_MATRIX_FILE when set), for the report.
 */
export class FaultReport {
  private readonly rows: FaultRow[] = [];

  add(row: FaultRow): void {
    this.rows.push(row);
  }

  print(): void {
    if (this.rows.length === 0) return;
    const lines = [
      '| case | sent | stored | duplicates | time to recover | peak RSS |',
      '|---|---|---|---|---|---|',
      ...this.rows.map(
        (r) =>
          `| ${r.case} | ${r.sent} | ${r.stored} | ${r.duplicates} | ${r.recoverMs === null ? 'n/a' : `${(r.recoverMs / 1000).toFixed(1)} s`} | ${r.peakRssMb} MB |`,
      ),
    ];
    process.stdout.write(`\nfault matrix\n${lines.join('\n')}\n`);
  }
}

/** Peak resident set of a process (VmHWM), in MB; 0 when it cannot be read. */
export function peakRssMb(pid: number = process.pid): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Math.round(Number(match[1]) / 1024);
  } catch {
    return pid === process.pid ? Math.round(process.resourceUsage().maxRSS / 1024) : 0;
  }
}
