import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Repo } from '../src/orders/repo.js';
import { counter, delay, fib, parseQuantity, range } from '../src/util/math.js';

void describe('math', () => {
  void it('recurses', () => {
    assert.equal(fib(6), 8);
  });

  void it('generates', () => {
    assert.deepEqual([...range(0, 10, 3)], [0, 3, 6, 9]);
  });

  void it('keeps state in a closure', () => {
    const c = counter(5);
    c.next();
    assert.equal(c.next(), 7);
    c.reset();
    assert.equal(c.next(), 6);
  });

  void it('waits for a timer', async () => {
    assert.equal(await delay(2), 2);
  });

  void it('catches what it throws', () => {
    let caught = '';
    try {
      parseQuantity('lots');
    } catch (error) {
      caught = (error as Error).message;
    }
    assert.equal(caught, 'not a quantity: lots');
  });

  void it('pages through an async generator', async () => {
    const repo = new Repo<{ id: number }>();
    for (let i = 0; i < 5; i++) await repo.save({ id: 0 });
    const sizes: number[] = [];
    for await (const page of repo.pages(2)) sizes.push(page.length);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.equal(repo.size, 5);
  });
});
