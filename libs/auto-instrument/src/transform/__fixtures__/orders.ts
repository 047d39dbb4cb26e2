// TypeScript-only syntax the transform must pass through: types, enums, decorators,
// parameter properties, overloads, abstract members, generics, `this` parameters.
export enum Status {
  Open = 'open',
  Paid = 'paid',
}

export interface Order {
  id: string;
  total: number;
}

function logged(prefix: string) {
  return (_target: object, key: string, descriptor: PropertyDescriptor): void => {
    const original = descriptor.value as (...args: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
      return `${prefix}${key}:${String(original.apply(this, args))}`;
    };
  };
}

abstract class Repository<T extends { id: string }> {
  protected readonly items = new Map<string, T>();
  abstract describe(): string;
  save(item: T): T {
    this.items.set(item.id, item);
    return item;
  }
}

export class OrderRepository extends Repository<Order> {
  constructor(
    private readonly currency: string,
    public status: Status = Status.Open,
  ) {
    super();
  }

  describe(): string {
    return `orders in ${this.currency}`;
  }

  total(): number;
  total(id: string): number;
  total(id?: string): number {
    const all = [...this.items.values()];
    return all.filter((o) => id === undefined || o.id === id).reduce((sum, o) => sum + o.total, 0);
  }

  @logged('>')
  pay(this: OrderRepository, id: string): Status {
    this.status = Status.Paid;
    return id === '' ? Status.Open : this.status;
  }

  async *stream(): AsyncGenerator<Order> {
    for (const item of this.items.values()) yield await Promise.resolve(item);
  }
}

export async function run(): Promise<unknown[]> {
  const repo = new OrderRepository('EUR');
  repo.save({ id: 'a', total: 2 });
  repo.save({ id: 'b', total: 3 });
  const streamed: string[] = [];
  for await (const order of repo.stream()) streamed.push(order.id);
  return [repo.describe(), repo.total(), repo.total('b'), repo.pay('a'), repo.status, streamed, OrderRepository.length];
}
