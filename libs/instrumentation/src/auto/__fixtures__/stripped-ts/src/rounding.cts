// CommonJS in TypeScript, required by the ES modules.
const STEP: number = 5;

function round(value: number): number {
  return Math.round(value / STEP) * STEP;
}

module.exports = { round };
