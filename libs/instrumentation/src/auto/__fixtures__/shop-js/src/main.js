// Entry (ESM). Each step prints a line: the test compares the output with
// an uninstrumented run, byte for byte.
import pricing from './pricing.cjs';
import { Cart, PremiumCart } from './cart.js';
import { countdown, ticker } from './streams.js';

export function factorial(n) {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

function validate(order, limit = 100) {
  if (order.total > limit) throw new RangeError(`total ${order.total} over ${limit}`);
  return true;
}

export function checkout(cart) {
  const order = { total: cart.total };
  try {
    validate(order, 40);
  } catch (error) {
    console.log('rejected:', error.message);
  }
  return validate(order);
}

async function fetchStock(item) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return pricing.stockOf(item);
}

export async function restock(items) {
  const counts = [];
  for (const item of items) counts.push(await fetchStock(item));
  return counts;
}

function later() {
  return new Promise((resolve) => {
    setTimeout(function onTimer() {
      resolve(pricing.discount(10));
    }, 5);
  });
}

export function chain() {
  return Promise.resolve(2)
    .then((n) => n * 3)
    .then((n) => pricing.discount(n));
}

async function main() {
  const cart = new PremiumCart('ann');
  cart.add('apple', 3);
  cart.add('pear', 40);
  console.log('total', cart.total, 'label', cart.label);
  cart.label = 'gift';
  console.log('checkout', checkout(cart));
  console.log('factorial', factorial(5));
  console.log('restock', (await restock(['apple', 'pear'])).join(','));
  console.log('later', await later());
  console.log('chain', await chain());
  console.log('countdown', [...countdown(3)].join(','));
  const seen = [];
  for await (const tick of ticker(2)) seen.push(tick);
  console.log('ticker', seen.join(','));
  // Left unfinished and kept reachable: its call is closed as abandoned at exit (not by the GC).
  const abandoned = countdown(10);
  abandoned.next();
  globalThis.abandonedCountdown = abandoned;
  const { circle } = await import('./shapes.cjs');
  console.log('shapes', circle(1).toFixed(2));
  console.log('plain cart', new Cart('bob').total);
  if (process.env.FIXTURE_CRASH === '1') pricing.explode();
}

await main();
