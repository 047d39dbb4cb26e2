// CommonJS, imported by the ES modules; it loads an ES module itself with import().
const RATE = 0.2;

function withTax(net: number): number {
  return Math.round(net * (1 + RATE));
}

async function roundedFib(n: number): Promise<number> {
  const { fib } = await import('../util/math.js');
  return withTax(fib(n));
}

export = { withTax, roundedFib };
