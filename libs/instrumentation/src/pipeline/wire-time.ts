// perf_hooks' object, not the global: on Node 20 `globalThis.performance` is a lazy getter, ~15 ns per read.
import { performance } from 'node:perf_hooks';

import { systemClock, type Clock } from '@temporal-bridge/event-schema';

/** '000000' .. '999000': the microsecond digits of a millisecond, and zero nanoseconds. */
const MICROS_AND_NANOS = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(3, '0')}000`);

/**
 * The two time-derived fields of a wire event: decimal nanoseconds and the
 * millisecond for its UUIDv7.
 *
 * With event-schema's `systemClock` (the default) it reads that clock's
 * source itself, `performance.timeOrigin + performance.now()` rounded to the
 * microsecond, which gives the very same value without a BigInt per event;
 * any other Clock is read through its interface.
 *
 * @example
 * const time = new WireTime(systemClock);
 * time.read();
 * time.text; // '1764000000123456000'
 */
export class WireTime {
  /** Decimal nanoseconds since the epoch of the last `read()`. */
  text = '';
  /** Milliseconds since the epoch of the last `read()`. */
  ms = 0;
  private readonly fast: boolean;
  // Constant for the life of the process; reading it goes through a getter.
  private readonly timeOrigin = performance.timeOrigin;
  // Printing a 16-digit number costs ~150 ns in V8 and building it from parts
  // allocates several strings. The millisecond part changes at most once per
  // millisecond: print it then, and append the microseconds from a table.
  private lastMs = -1;
  private lastMicros = -1;
  private msText = '';

  constructor(private readonly clock: Clock) {
    this.fast = clock === systemClock;
  }

  read(): void {
    if (!this.fast) {
      const nanos = this.clock.nowNanos();
      this.text = nanos.toString();
      this.ms = Number(nanos / 1_000_000n);
      this.lastMicros = -1;
      return;
    }
    this.fromMicros(Math.round((this.timeOrigin + performance.now()) * 1000));
  }

  /** Sets `text` and `ms` from microseconds since the epoch (the fast path's second half). */
  fromMicros(micros: number): void {
    // Events a few hundred ns apart often share a microsecond: same text, no new string.
    if (micros === this.lastMicros) return;
    this.lastMicros = micros;
    const ms = Math.floor(micros / 1000);
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.msText = String(ms);
    }
    this.ms = ms;
    this.text = this.msText + MICROS_AND_NANOS[micros - ms * 1000]!;
  }
}
