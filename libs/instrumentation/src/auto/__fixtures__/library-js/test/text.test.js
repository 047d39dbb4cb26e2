import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { countLater, depth, memo, shelve, slowly, strict, words } from '../src/text/words.js';

describe('text', () => {
  it('recurses', () => {
    assert.equal(depth([1, [2, [3]], []]), 3);
  });

  it('generates', () => {
    assert.deepEqual([...words(' a  bb ccc ')], ['a', 'bb', 'ccc']);
  });

  it('iterates an async generator', async () => {
    const seen = [];
    for await (const item of slowly(['x', 'y'])) seen.push(item);
    assert.deepEqual(seen, ['x', 'y']);
  });

  it('keeps a cache in a closure', () => {
    let calls = 0;
    const square = memo((n) => {
      calls++;
      return n * n;
    });
    assert.equal(square(4) + square(4), 32);
    assert.equal(calls, 1);
  });

  it('chains promises', async () => {
    assert.equal(await countLater('one two three'), 3);
  });

  it('awaits across modules', async () => {
    assert.deepEqual(await shelve(['Beloved;Morrison;1987']), { loaded: 1, index: ['beloved'] });
  });

  it('catches what it throws', () => {
    let caught;
    try {
      strict(1.5);
    } catch (error) {
      caught = error.message;
    }
    assert.equal(caught, 'not a year: 1.5');
  });
});
