import { createRequire } from 'node:module';

import type { Line, Priced } from './types.ts';
import { sum } from './util.ts';

// CommonJS required from an ES module (TypeScript types `module.exports` only in JavaScript files).
const rounding = createRequire(import.meta.url)('./rounding.cts') as { round(value: number): number };

/** A cart whose typed fields, accessors and static factory Node strips to plain JavaScript. */
export class Cart implements Priced {
  private readonly lines: Line[] = [];
  #owner: string;

  constructor(owner: string) {
    this.#owner = owner;
  }

  get owner(): string {
    return this.#owner;
  }

  set owner(value: string) {
    if (value.length === 0) throw new TypeError('owner must not be empty');
    this.#owner = value;
  }

  add<T extends Line>(line: T): this {
    this.lines.push(line);
    return this;
  }

  async total(
    discount: number = 0,
    options?: {
      // A type that spans lines: stripped to blank lines, so what follows keeps its line.
      round?: boolean;
    },
  ): Promise<number> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const net = sum(this.lines.map((line) => line.price * line.quantity)) - discount;
    return options?.round === false ? net : rounding.round(net);
  }

  static of(owner: string, ...lines: Line[]): Cart {
    const cart = new Cart(owner);
    for (const line of lines) cart.add(line);
    return cart;
  }
}
