import { Checkout, type Line } from './checkout';

export function run(lines: Line[]): number {
  const checkout = new Checkout();
  for (const line of lines) checkout.add(line);
  return checkout.total();
}
