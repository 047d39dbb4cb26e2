import { Shelf } from '../catalog/shelf.cjs';

export function depth(tree) {
  return Array.isArray(tree) ? 1 + Math.max(0, ...tree.map(depth)) : 0;
}

export function* words(text) {
  for (const word of text.split(/\s+/)) if (word !== '') yield word;
}

export async function* slowly(items, ms = 1) {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    yield item;
  }
}

export function memo(fn) {
  const cache = new Map();
  return function memoised(key) {
    if (!cache.has(key)) cache.set(key, fn(key));
    return cache.get(key);
  };
}

export function countLater(text) {
  return Promise.resolve(text)
    .then((t) => [...words(t)])
    .then((list) => list.length);
}

export async function shelve(lines) {
  const shelf = new Shelf('fiction');
  const loaded = await shelf.load(lines);
  return { loaded, index: shelf.index() };
}

export function strict(year) {
  if (!Number.isInteger(year)) throw new TypeError(`not a year: ${year}`);
  return year;
}
