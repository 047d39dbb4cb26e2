import type { Parser } from './types.ts';

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function* batches<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export const parseQuantity: Parser<number> = (text) => {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new SyntaxError(`not a quantity: ${text}`);
  return n;
};
