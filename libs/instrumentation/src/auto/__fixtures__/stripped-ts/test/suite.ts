// The whole suite in one process: `node test/suite.ts` (Node 22.18+) or `node --import tsx test/suite.ts`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Cart } from '../src/cart.ts';
import type { Line } from '../src/types.ts';
import { batches, parseQuantity } from '../src/util.ts';

const tea: Line = { item: 'tea', price: 12, quantity: 2 };

void describe('cart', () => {
  void it('totals its lines, rounded by the CommonJS module', async () => {
    const cart = Cart.of('ann', tea, { item: 'cake', price: 9, quantity: 1 });
    assert.equal(await cart.total(), 35);
    assert.equal(await cart.total(3, { round: false }), 30);
  });

  void it('validates its setter', () => {
    const cart = new Cart('bob');
    assert.throws(() => {
      cart.owner = '';
    }, TypeError);
    assert.equal(cart.owner, 'bob');
  });

  void it('batches with a generator and parses what it can', () => {
    assert.deepEqual([...batches([1, 2, 3], 2)], [[1, 2], [3]]);
    assert.equal(parseQuantity('4'), 4);
    assert.throws(() => parseQuantity('lots'), SyntaxError);
  });
});
