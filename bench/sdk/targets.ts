import type { Result } from './measure';

/** Prints each target of the brief, met or missed, from the measured medians. */
export function printChecks(results: readonly Result[]): void {
  const ns = (name: string): number => results.find((r) => r.name === name)?.median ?? NaN;
  const tracedNoop = ns('SDK traced(), no-op transport');
  const tracedInProcess = ns('SDK traced(), in-process');
  const stateNoop = ns('SDK stateChange, no-op transport');
  const stateInProcess = ns('SDK stateChange, in-process');
  const otelSpan = ns('OTel startSpan + end');
  const otelActive = ns('OTel startActiveSpan + end (ALS)');
  const otelAttrs = ns('OTel span + 2 attributes');
  const checks: Array<[string, number, 'ns' | 'x', number]> = [
    ['traced() per event, no-op transport', tracedNoop / 2, 'ns', 1000],
    ['traced() per event, in-process', tracedInProcess / 2, 'ns', 1000],
    ['stateChange per event, no-op transport', stateNoop, 'ns', 1000],
    ['stateChange per event, in-process', stateInProcess, 'ns', 1000],
    ['traced() per event / OTel span', tracedNoop / 2 / otelSpan, 'x', 0.5],
    ['traced() per call / OTel active span', tracedNoop / otelActive, 'x', 0.5],
    ['traced() per call, in-process / OTel active span', tracedInProcess / otelActive, 'x', 0.5],
    ['stateChange / OTel span + attributes', stateNoop / otelAttrs, 'x', 0.5],
    ['stateChange, in-process / OTel span + attributes', stateInProcess / otelAttrs, 'x', 0.5],
    ['disabled traced()', ns('SDK disabled traced()'), 'ns', 50],
    ['disabled stateChange', ns('SDK disabled stateChange'), 'ns', 50],
  ];
  console.log('\ntarget checks');
  for (const [what, value, unit, limit] of checks) {
    const shown = unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(0)} ns`;
    const target = unit === 'x' ? `<= ${limit}x` : `<= ${limit} ns`;
    console.log(
      `  ${value <= limit ? 'MET   ' : 'MISSED'} ${what.padEnd(50)} ${shown.padStart(9)}  (target ${target})`,
    );
  }
}
