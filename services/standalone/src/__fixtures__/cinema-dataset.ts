/**
 * The Cinema UI's end-to-end dataset, relative to BASE (ten minutes ago on
 * a whole second), times in microseconds:
 *
 * trace shop-T (service shop):
 *   +0     main      entry (never exits: open)           shop.ts:main
 *   +1000  cart=1                                        (main)
 *   +2000  charge    entry, args [42], parent main       pay.ts:charge
 *   +3000  paid=false                                    (charge)
 *   +4000  error "card declined" with a stack            (charge)
 *   +5000  charge    exit with data.error
 *   +6000  ship      entry, parent main                  ship.ts:ship
 *   +8000  ship      exit, result {ok: true}
 *   +9000  cart=2                                        (main)
 * trace bill-T (service billing):
 *   +3000  bill entry, +7000 bill exit
 */
export const BASE = (BigInt(Date.now()) / 1000n - 600n) * 1_000_000_000n;

/** BASE + `us` microseconds, as the decimal-string nanoseconds the API speaks. */
export const at = (us: number): string => (BASE + BigInt(us) * 1000n).toString();

const shop = { trace_id: 'shop-T', service: 'shop' } as const;
const stack = 'Error: card declined\n    at charge (pay.ts:12:11)\n    at main (shop.ts:4:3)';

export const cinemaDataset = [
  {
    event_id: 'ev-main',
    event_type: 'function_entry',
    correlation_id: 'c-main',
    ast_node_id: 'shop.ts:main:function',
    timestamp: at(0),
    data: { module: 'shop', function: 'main' },
    ...shop,
  },
  {
    event_id: 'ev-cart-1',
    event_type: 'state_change',
    correlation_id: 'c-main',
    ast_node_id: 'shop.ts:main:cart',
    timestamp: at(1000),
    data: { state: { cart: 1 } },
    ...shop,
  },
  {
    event_id: 'ev-charge',
    event_type: 'function_entry',
    correlation_id: 'c-charge',
    parent_id: 'c-main',
    ast_node_id: 'pay.ts:charge:function',
    timestamp: at(2000),
    data: { module: 'pay', function: 'charge', args: [42] },
    ...shop,
  },
  {
    event_id: 'ev-paid',
    event_type: 'state_change',
    correlation_id: 'c-charge',
    parent_id: 'c-main',
    ast_node_id: 'pay.ts:charge:paid',
    timestamp: at(3000),
    data: { state: { paid: false } },
    ...shop,
  },
  {
    event_id: 'ev-declined',
    event_type: 'error',
    correlation_id: 'c-charge',
    parent_id: 'c-main',
    ast_node_id: 'pay.ts:charge:throw',
    timestamp: at(4000),
    data: { message: 'card declined', stack },
    ...shop,
  },
  {
    event_id: 'ev-charge-exit',
    event_type: 'function_exit',
    correlation_id: 'c-charge',
    parent_id: 'c-main',
    ast_node_id: 'pay.ts:charge:function',
    timestamp: at(5000),
    data: { error: { message: 'card declined', stack } },
    duration_ns: '3000000',
    ...shop,
  },
  {
    event_id: 'ev-ship',
    event_type: 'function_entry',
    correlation_id: 'c-ship',
    parent_id: 'c-main',
    ast_node_id: 'ship.ts:ship:function',
    timestamp: at(6000),
    data: { module: 'ship', function: 'ship' },
    ...shop,
  },
  {
    event_id: 'ev-ship-exit',
    event_type: 'function_exit',
    correlation_id: 'c-ship',
    parent_id: 'c-main',
    ast_node_id: 'ship.ts:ship:function',
    timestamp: at(8000),
    data: { result: { ok: true } },
    duration_ns: '2000000',
    ...shop,
  },
  {
    event_id: 'ev-cart-2',
    event_type: 'state_change',
    correlation_id: 'c-main',
    ast_node_id: 'shop.ts:main:cart',
    timestamp: at(9000),
    data: { state: { cart: 2 } },
    ...shop,
  },
  {
    event_id: 'ev-bill',
    event_type: 'function_entry',
    correlation_id: 'c-bill',
    trace_id: 'bill-T',
    service: 'billing',
    ast_node_id: 'bill.ts:bill:function',
    timestamp: at(3000),
    data: { module: 'bill', function: 'bill' },
  },
  {
    event_id: 'ev-bill-exit',
    event_type: 'function_exit',
    correlation_id: 'c-bill',
    trace_id: 'bill-T',
    service: 'billing',
    ast_node_id: 'bill.ts:bill:function',
    timestamp: at(7000),
    data: { result: 10 },
    duration_ns: '4000000',
  },
];
