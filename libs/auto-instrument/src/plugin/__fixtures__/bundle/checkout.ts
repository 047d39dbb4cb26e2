export interface Line {
  qty: number;
  unit: number;
}

export function price(line: Line): number {
  return line.qty * line.unit;
}

export class Checkout {
  private readonly lines: Line[] = [];

  add(line: Line): this {
    this.lines.push(line);
    return this;
  }

  total(): number {
    return this.lines.reduce((sum, line) => sum + price(line), 0);
  }
}
