import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { Book, Item } from '../src/catalog/item.js';
import { Shelf } from '../src/catalog/shelf.cjs';

describe('catalog', () => {
  it('builds books through super', () => {
    const book = new Book('Dune', 'Herbert', 1965);
    assert.equal(book.summary(), 'Dune (1965) by Herbert');
    assert.equal(book.age, 61);
    assert.equal(new Item('Untitled').year, 2000);
  });

  it('validates a setter', () => {
    const book = Book.parse('Emma;Austen;1815');
    book.pages = 474;
    assert.equal(book.pages, 474);
    assert.throws(() => {
      book.pages = 0;
    }, RangeError);
  });

  it('loads a shelf from CommonJS through import()', async () => {
    const shelf = new Shelf('classics');
    assert.equal(await shelf.load(['War and Peace;Tolstoy;1869', 'Ulysses;Joyce;1922']), 2);
    assert.deepEqual(shelf.index(), ['war-and-peace', 'ulysses']);
  });

  it('reports the error of a child that does not catch it', () => {
    const child = spawnSync(process.execPath, [...process.execArgv, 'src/crash.js'], { encoding: 'utf8' });
    assert.equal(child.status, 1);
    assert.equal(child.stdout, 'reading\n');
    assert.match(child.stderr, /TypeError: not a year: 19\.5/);
  });
});
