import { Shop } from './shop.mjs';

interface Line {
  qty: number;
  unit: number;
}

export function run(lines: Line[]): number {
  const shop: Shop = new Shop();
  for (const line of lines) shop.add(line);
  return shop.total();
}
