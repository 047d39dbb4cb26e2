import type { Result } from './measure';

type Pick = (r: Result) => number;

/**
 * Prints each target of the brief, met or missed, from the medians; the
 * best runs (min) are shown too, since a shared machine only ever adds time.
 */
export function printChecks(results: readonly Result[]): void {
  const by = (name: string, pick: Pick): number => {
    const found = results.find((r) => r.name === name);
    return found === undefined ? NaN : pick(found);
  };
  const checks: Array<[string, (pick: Pick) => number, 'ns' | 'x', number]> = [
    ['traced() per event, no-op transport', (p) => by('SDK traced(), no-op transport', p) / 2, 'ns', 1000],
    ['traced() per event, in-process', (p) => by('SDK traced(), in-process', p) / 2, 'ns', 1000],
    ['stateChange per event, no-op transport', (p) => by('SDK stateChange, no-op transport', p), 'ns', 1000],
    ['stateChange per event, in-process', (p) => by('SDK stateChange, in-process', p), 'ns', 1000],
    [
      'traced() per event / OTel span',
      (p) => by('SDK traced(), no-op transport', p) / 2 / by('OTel startSpan + end', p),
      'x',
      0.5,
    ],
    [
      'traced() per call / OTel active span',
      (p) => by('SDK traced(), no-op transport', p) / by('OTel startActiveSpan + end (ALS)', p),
      'x',
      0.5,
    ],
    [
      'traced() per call, in-process / OTel active span',
      (p) => by('SDK traced(), in-process', p) / by('OTel startActiveSpan + end (ALS)', p),
      'x',
      0.5,
    ],
    [
      'stateChange / OTel span + attributes',
      (p) => by('SDK stateChange, no-op transport', p) / by('OTel span + 2 attributes', p),
      'x',
      0.5,
    ],
    [
      'stateChange, in-process / OTel span + attributes',
      (p) => by('SDK stateChange, in-process', p) / by('OTel span + 2 attributes', p),
      'x',
      0.5,
    ],
    ['disabled traced()', (p) => by('SDK disabled traced()', p), 'ns', 50],
    ['disabled stateChange', (p) => by('SDK disabled stateChange', p), 'ns', 50],
  ];
  const show = (value: number, unit: 'ns' | 'x'): string =>
    unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(0)} ns`;
  console.log(`\ntarget checks (median; best run in brackets)`);
  for (const [what, value, unit, limit] of checks) {
    const median = value((r) => r.median);
    const best = value((r) => r.min);
    const target = unit === 'x' ? `<= ${limit}x` : `<= ${limit} ns`;
    const verdict = median <= limit ? 'MET   ' : 'MISSED';
    console.log(
      `  ${verdict} ${what.padEnd(50)} ${show(median, unit).padStart(9)} [${show(best, unit)}]  (target ${target})`,
    );
  }
}
