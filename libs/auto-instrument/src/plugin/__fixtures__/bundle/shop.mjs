import { discount, price } from './pricing.mjs';

export class Shop {
  constructor() {
    this.items = [];
  }

  add(item) {
    this.items.push(item);
    return this;
  }

  total() {
    return discount(this.items.reduce((sum, item) => sum + price(item), 0));
  }
}
