import { BaseService, type Order } from './base.js';
import { Repo } from './repo.js';
import tax from '../legacy/tax.cjs';

export class OrderService extends BaseService {
  #label = 'standard';
  private readonly repo = new Repo<Order>();

  constructor(name = 'orders') {
    super(name);
  }

  get label(): string {
    return this.#label;
  }

  set label(value: string) {
    if (value.length === 0) throw new TypeError('label must not be empty');
    this.#label = value;
  }

  override describe(): string {
    return `${super.describe()} [${this.label}]`;
  }

  async place(items: string[], discount = 0): Promise<Order> {
    if (items.length === 0) throw new RangeError('an order needs items');
    const prices = await Promise.all(items.map((item) => this.priceOf(item)));
    const net = prices.reduce((sum, price) => sum + price, 0) - discount;
    const order = await this.repo.save({ id: 0, items, total: tax.withTax(net) });
    this.record(`placed ${order.id}`);
    return order;
  }

  async priceOf(item: string): Promise<number> {
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
    return item.length * 10;
  }

  static fromConfig({ name = 'configured', label = 'gold' }: { name?: string; label?: string } = {}): OrderService {
    const service = new OrderService(name);
    service.label = label;
    return service;
  }
}
