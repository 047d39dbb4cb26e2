// Run as a child process by the suite: an error nobody catches ends it.
import { parseQuantity } from './util/math.js';

function readQuantity(text: string): number {
  return parseQuantity(text);
}

setTimeout(() => {
  console.log('reading');
  readQuantity('1.5');
}, 1);
