import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import tax from '../src/legacy/tax.cjs';
import { OrderService } from '../src/orders/service.js';

void describe('OrderService', () => {
  void it('places an order through super, a promise chain and async/await', async () => {
    const service = new OrderService();
    const order = await service.place(['tea', 'cake'], 10);
    assert.deepEqual(order, { id: 1, items: ['tea', 'cake'], total: 72 });
    assert.equal(service.describe(), 'orders (2 entries) [standard]');
  });

  void it('takes defaults from a destructured parameter and validates its setter', () => {
    const service = OrderService.fromConfig();
    assert.equal(service.label, 'gold');
    assert.throws(() => {
      service.label = '';
    }, TypeError);
    assert.equal(service.label, 'gold');
  });

  void it('rejects an empty order', async () => {
    await assert.rejects(new OrderService('empty').place([]), { name: 'RangeError' });
  });

  void it('loads an ES module from CommonJS', async () => {
    assert.equal(await tax.roundedFib(10), 66);
  });

  void it('reports the error of a child that does not catch it', () => {
    const child = spawnSync(process.execPath, [...process.execArgv, 'src/crash.ts'], { encoding: 'utf8' });
    assert.equal(child.status, 1);
    assert.equal(child.stdout, 'reading\n');
    assert.match(child.stderr, /SyntaxError: not a quantity: 1\.5/);
  });
});
