import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux build Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Where a thread's CPU goes. Embedded ClickHouse (chdb) runs inside the
 * service process, so the split between Node and ClickHouse is by thread:
 *
 * - `node main`: the main thread (JavaScript, the event loop, V8's GC pauses).
 * - `node V8 helpers`: the threads Node starts before any JavaScript runs (V8's
 *   platform workers: concurrent marking and sweeping, compilation; the
 *   inspector's signal thread). Node 20 names them all "node", like the main
 *   thread, so they are told apart by start order: the first N of the process,
 *   N counted in a bare `node -e` with the same flags.
 * - `libuv pool (chdb queries)`: later unnamed threads. chdb runs each query
 *   (an INSERT's parsing, sorting and part writing, every SELECT) on libuv's
 *   pool, and ClickHouse's own unnamed threads inherit the "node" name too;
 *   Node itself uses the pool only for file and DNS work, which the services do
 *   not do per event. Counted on the ClickHouse side.
 * - `clickhouse <name>`: threads ClickHouse names (MergeMutate, ThreadPool,
 *   BgSchPool, ...): merges, pipelines of the materialised views, schedules.
 * - `exited threads`: CPU of threads gone before the second reading (the
 *   process total less the live threads): ClickHouse's pools start and stop
 *   threads, Node's own do not exit.
 */
export type ThreadClass = 'node main' | 'node V8 helpers' | 'libuv pool (chdb queries)' | `clickhouse ${string}`;

interface ThreadSample {
  tid: number;
  comm: string;
  ticks: number;
  /** Start time after boot, in ticks: orders threads by creation. */
  start: number;
}

export interface CpuSnapshot {
  threads: Map<number, ThreadSample>;
  /** utime + stime of the whole process, exited threads included. */
  processTicks: number;
}

export interface CpuSplit {
  /** Seconds of CPU per class between two snapshots. */
  byClass: Map<string, number>;
  nodeSeconds: number;
  clickhouseSeconds: number;
  totalSeconds: number;
}

/** Fields after the parenthesised command name of a /proc stat line, and that name. */
function parseStat(stat: string): { comm: string; fields: string[] } {
  const close = stat.lastIndexOf(')');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** Reads every thread of `pid` (and the process total) from /proc. */
export function snapshotCpu(pid: number): CpuSnapshot {
  const threads = new Map<number, ThreadSample>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited between the listing and the read
    }
    const { comm, fields } = parseStat(stat);
    // stat fields 14, 15 (utime, stime) and 22 (starttime), counted from 1 with pid and comm first.
    threads.set(Number(entry), {
      tid: Number(entry),
      comm,
      ticks: Number(fields[11]) + Number(fields[12]),
      start: Number(fields[19]),
    });
  }
  const { fields } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return { threads, processTicks: Number(fields[11]) + Number(fields[12]) };
}

let nodeOwnThreadsCache: number | undefined;

/**
 * Threads a Node process has before its first line of JavaScript (main
 * included), counted once in a bare child with this process's flags.
 */
export function nodeOwnThreads(execArgv: readonly string[] = []): number {
  nodeOwnThreadsCache ??= Number(
    execFileSync(
      process.execPath,
      [...execArgv, '-e', 'process.stdout.write(String(require("fs").readdirSync("/proc/self/task").length))'],
      {
        encoding: 'utf8',
      },
    ),
  );
  return nodeOwnThreadsCache;
}

/** Classifies the threads of `pid` and splits the CPU used between two snapshots. */
export function splitCpu(pid: number, before: CpuSnapshot, after: CpuSnapshot, nodeThreads: number): CpuSplit {
  const ordered = [...after.threads.values()].sort((a, b) => a.start - b.start || a.tid - b.tid);
  const early = new Set(
    ordered
      .filter((t) => t.comm === 'node')
      .slice(0, nodeThreads)
      .map((t) => t.tid),
  );
  const byClass = new Map<string, number>();
  const add = (name: string, ticks: number): void => {
    byClass.set(name, (byClass.get(name) ?? 0) + ticks / CLOCK_TICKS_PER_SECOND);
  };
  let liveTicks = 0;
  for (const thread of ordered) {
    const ticks = thread.ticks - (before.threads.get(thread.tid)?.ticks ?? 0);
    liveTicks += ticks;
    add(classify(pid, thread, early), ticks);
  }
  // The process total keeps the ticks of threads that exited; the live threads no longer show them.
  add('clickhouse exited threads', after.processTicks - before.processTicks - liveTicks);
  let nodeSeconds = 0;
  let clickhouseSeconds = 0;
  for (const [name, seconds] of byClass) {
    if (name.startsWith('node ')) nodeSeconds += seconds;
    else clickhouseSeconds += seconds;
  }
  return { byClass, nodeSeconds, clickhouseSeconds, totalSeconds: nodeSeconds + clickhouseSeconds };
}

function classify(pid: number, thread: ThreadSample, early: ReadonlySet<number>): ThreadClass {
  if (thread.tid === pid) return 'node main';
  if (early.has(thread.tid)) return 'node V8 helpers';
  if (thread.comm === 'node') return 'libuv pool (chdb queries)';
  return `clickhouse ${thread.comm}`;
}

/**
 * Lines of the split in microseconds per event: Node, ClickHouse and their
 * classes (ClickHouse's pools under 0.05 us per event are summed as "other").
 */
export function formatSplit(split: CpuSplit, events: number, indent = '  '): string[] {
  const us = (seconds: number): string => ((seconds * 1e6) / Math.max(1, events)).toFixed(1).padStart(7);
  const lines = [
    `${indent}${'CPU us/event: Node side'.padEnd(38)} ${us(split.nodeSeconds)}`,
    `${indent}${'              ClickHouse side'.padEnd(38)} ${us(split.clickhouseSeconds)}`,
  ];
  let other = 0;
  const entries = [...split.byClass].sort((a, b) => b[1] - a[1]);
  for (const [name, seconds] of entries) {
    if (name.startsWith('clickhouse ') && (seconds * 1e6) / Math.max(1, events) < 0.05) {
      other += seconds;
      continue;
    }
    lines.push(`${indent}    ${name.padEnd(34)} ${us(seconds)}   (${seconds.toFixed(1)} s)`);
  }
  if (other > 0) lines.push(`${indent}    ${'clickhouse other'.padEnd(34)} ${us(other)}`);
  return lines;
}
