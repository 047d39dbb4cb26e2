/*
 * Time in the UI. The API speaks int64 nanoseconds (bigint here); the canvas
 * works in float offsets from an origin, exact to the nanosecond for spans
 * up to 104 days (2^53 ns), far more than the API's widest range.
 */

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/** Nanoseconds since the epoch now, by the browser's clock. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * NS_PER_MS;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  nanosecond: 1n,
  us: 1000n,
  µs: 1000n,
  microsecond: 1000n,
  ms: NS_PER_MS,
  millisecond: NS_PER_MS,
  s: NS_PER_S,
  sec: NS_PER_S,
  second: NS_PER_S,
  m: 60n * NS_PER_S,
  min: 60n * NS_PER_S,
  minute: 60n * NS_PER_S,
  h: 3600n * NS_PER_S,
  hour: 3600n * NS_PER_S,
  d: 86_400n * NS_PER_S,
  day: 86_400n * NS_PER_S,
};

/**
 * A time a person types or a link holds: nanoseconds since the epoch (digits),
 * ISO-8601 with up to nine fraction digits (a zone, or UTC when none is
 * given), "now", or "5 minutes ago" / "90s ago". Undefined when it is none
 * of these.
 */
export function parseTime(text: string, now: bigint = nowNs()): bigint | undefined {
  const input = text.trim().toLowerCase();
  if (input === '') return undefined;
  if (input === 'now') return now;
  if (/^\d{1,19}$/.test(input)) return BigInt(input);
  const ago = /^(\d+(?:\.\d+)?)\s*([a-zµ]+)\s+ago$/.exec(input);
  if (ago !== null) {
    // "ms" is a unit of its own; "minutes" is "minute" plus a plural s.
    const name = ago[2]!;
    const unit = UNITS[name] ?? (name.endsWith('s') ? UNITS[name.slice(0, -1)] : undefined);
    if (unit === undefined) return undefined;
    const [whole, fraction = ''] = ago[1]!.split('.');
    const scaled = BigInt(whole!) * unit + (BigInt(fraction.padEnd(9, '0').slice(0, 9)) * unit) / NS_PER_S;
    return now - scaled;
  }
  return parseIso(text.trim());
}

function parseIso(text: string): bigint | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (match === null) return undefined;
  const [, date, clock, fraction = '', zone = 'Z'] = match;
  // Date.parse rolls 2026-02-30 over into March: a date that does not read back is not a date.
  const day = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== date) return undefined;
  const ms = Date.parse(`${date}T${clock!.length === 5 ? `${clock}:00` : clock}${zone.toUpperCase()}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * NS_PER_MS + BigInt(fraction.padEnd(9, '0'));
}

/** ISO-8601 UTC with all nine fraction digits: what the UI shows for an instant. */
export function formatInstant(ns: bigint): string {
  const ms = ns / NS_PER_MS;
  const iso = new Date(Number(ms)).toISOString();
  const fraction = (((ns % NS_PER_S) + NS_PER_S) % NS_PER_S).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** A duration for people: 850 ns, 12.3 µs, 4.56 ms, 1.2 s, 3 min 20 s. */
export function formatDuration(ns: number): string {
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${trim(ns / 1e3)} µs`;
  if (abs < 1e9) return `${trim(ns / 1e6)} ms`;
  if (abs < 60e9) return `${trim(ns / 1e9)} s`;
  const minutes = Math.floor(abs / 60e9);
  if (minutes < 120) return `${minutes} min ${Math.round((abs - minutes * 60e9) / 1e9)} s`;
  return `${trim(abs / 3600e9)} h`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A tick label relative to the window: the clock time, as fine as the tick step needs. */
export function formatClock(ns: bigint, stepNs: number): string {
  const iso = formatInstant(ns);
  const clock = iso.slice(11, 19);
  if (stepNs >= 1e9) return clock;
  const digits = stepNs >= 1e6 ? 3 : stepNs >= 1e3 ? 6 : 9;
  return `${clock}.${iso.slice(20, 20 + digits)}`;
}
