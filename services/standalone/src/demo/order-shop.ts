import type { InstrumentationRuntime } from '@temporal-bridge/instrumentation';

export interface Order {
  id: string;
  sku: string;
  quantity: number;
  card: string;
}

export class PaymentDeclinedError extends Error {
  override readonly name = 'PaymentDeclinedError';
}

/** AST node ids of the demo: file:line:column of each construct, as an instrumenting compiler would give them. */
export const NODES = {
  placeOrder: 'demo/order-shop.ts:48:3',
  checkStock: 'demo/order-shop.ts:72:3',
  cacheHit: 'demo/order-shop.ts:76:7',
  reserve: 'demo/order-shop.ts:88:3',
  charge: 'demo/order-shop.ts:97:3',
  declined: 'demo/order-shop.ts:103:7',
  ship: 'demo/order-shop.ts:62:5',
  pack: 'demo/order-shop.ts:113:3',
} as const;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A small, realistic instrumented application: an order service with a
 * stock cache, asynchronous calls, state changes, a message to a warehouse
 * worker and an error path (a declined card). Every call and state change
 * goes through the SDK; the code never passes ids around.
 */
export class OrderShop {
  private readonly stockCache = new Map<string, number>();
  private readonly stock = new Map<string, number>([
    ['book', 40],
    ['lamp', 12],
    ['chair', 6],
  ]);
  /** Messages to the warehouse, handled by its own worker (another call tree). */
  private readonly outbox: Array<{ messageId: string; order: Order }> = [];

  constructor(private readonly runtime: InstrumentationRuntime) {}

  placeOrder(order: Order): Promise<string> {
    return this.runtime.traced(
      NODES.placeOrder,
      async () => {
        this.runtime.stateChange({ [`order.${order.id}`]: 'received' }, NODES.placeOrder);
        const available = await this.checkStock(order.sku);
        if (available < order.quantity) throw new Error(`only ${available} ${order.sku} left`);
        await this.reserve(order);
        await this.charge(order);
        this.runtime.stateChange({ [`order.${order.id}`]: 'paid' }, NODES.placeOrder);
        const messageId = `ship-${order.id}`;
        this.runtime.messageSend(messageId, { to: 'warehouse', order: order.id }, NODES.ship);
        this.outbox.push({ messageId, order });
        return `receipt-${order.id}`;
      },
      { module: 'OrderShop', function: 'placeOrder', args: [order] },
    );
  }

  private checkStock(sku: string): Promise<number> {
    return this.runtime.traced(
      NODES.checkStock,
      async () => {
        const cached = this.stockCache.get(sku);
        if (cached !== undefined) {
          this.runtime.variableSnapshot({ sku, cached, source: 'cache' }, NODES.cacheHit);
          return cached;
        }
        await delay(3); // the inventory database
        const count = this.stock.get(sku) ?? 0;
        this.stockCache.set(sku, count);
        this.runtime.stateChange({ [`cache.stock.${sku}`]: count }, NODES.checkStock);
        return count;
      },
      { module: 'OrderShop', function: 'checkStock', args: [sku] },
    );
  }

  private reserve(order: Order): Promise<void> {
    return this.runtime.traced(
      NODES.reserve,
      async () => {
        await delay(1);
        const left = (this.stock.get(order.sku) ?? 0) - order.quantity;
        this.stock.set(order.sku, left);
        this.stockCache.set(order.sku, left);
        this.runtime.stateChange({ [`stock.${order.sku}`]: left, [`cache.stock.${order.sku}`]: left }, NODES.reserve);
      },
      { module: 'OrderShop', function: 'reserve', args: [order.id] },
    );
  }

  private charge(order: Order): Promise<void> {
    return this.runtime.traced(
      NODES.charge,
      async () => {
        await delay(5); // the payment provider
        if (order.card.endsWith('0002')) {
          const error = new PaymentDeclinedError(`card ${order.card} declined for order ${order.id}`);
          this.runtime.error(error, { order: order.id }, NODES.declined);
          throw error;
        }
      },
      // The card number is redacted by the SDK's default rules only by key name; pass an id instead.
      { module: 'Payments', function: 'charge', args: [order.id] },
    );
  }

  /** The warehouse worker: its own call trees, linked to the orders by their messages. */
  async runWarehouse(): Promise<void> {
    for (const { messageId, order } of this.outbox.splice(0)) {
      await this.runtime.traced(
        NODES.pack,
        async () => {
          this.runtime.messageReceive(messageId, { from: 'orders' }, NODES.pack);
          await delay(1);
          this.runtime.stateChange({ [`order.${order.id}`]: 'packed' }, NODES.pack);
        },
        { module: 'Warehouse', function: 'pack', args: [order.id] },
      );
    }
  }
}
