// CommonJS, required by the ES modules; it requires an ES module back.
const { formatPrice } = require('./format.cjs');

const PRICES = { apple: 2, pear: 1 };

function priceOf(name) {
  return PRICES[name] ?? 0;
}

const discount = (n) => Math.round(n * 0.9);

function stockOf(item) {
  return item.length * 10;
}

function explode() {
  throw new Error('uncaught in pricing');
}

module.exports = { priceOf, discount, stockOf, explode, formatPrice };
