import { Shop } from './shop.mjs';

export function run(lines) {
  const shop = new Shop();
  for (const line of lines) shop.add(line);
  return shop.total();
}
