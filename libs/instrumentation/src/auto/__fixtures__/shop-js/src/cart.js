// Classes with inheritance, super, getters and setters (ESM).
import pricing from './pricing.cjs';

export class Cart {
  constructor(owner) {
    this.owner = owner;
    this.items = [];
    this._label = 'standard';
  }

  add(name, qty = 1) {
    this.items.push({ name, qty });
    return this;
  }

  get total() {
    return this.items.reduce((sum, item) => sum + pricing.priceOf(item.name) * item.qty, 0);
  }

  get label() {
    return this._label;
  }

  set label(value) {
    this._label = value;
  }
}

export class PremiumCart extends Cart {
  constructor(owner) {
    super(owner);
    this.premium = true;
  }

  get total() {
    return super.total - 1;
  }
}
