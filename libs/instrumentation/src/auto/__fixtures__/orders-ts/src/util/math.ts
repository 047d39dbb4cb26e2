export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function* range(start: number, end: number, step = 1): Generator<number> {
  for (let i = start; i < end; i += step) yield i;
}

export function counter(start = 0): { next: () => number; reset: () => void } {
  let count = start;
  const next = (): number => ++count;
  return {
    next,
    reset() {
      count = start;
    },
  };
}

export const delay = (ms: number): Promise<number> =>
  new Promise((resolve) => {
    setTimeout(function onDelay() {
      resolve(ms);
    }, ms);
  });

export function parseQuantity(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new SyntaxError(`not a quantity: ${text}`);
  return n;
}
