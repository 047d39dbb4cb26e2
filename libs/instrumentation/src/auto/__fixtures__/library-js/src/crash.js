// Run as a child process by the suite: an error nobody catches ends it.
import { strict } from './text/words.js';

function readYear(text) {
  return strict(Number(text));
}

setTimeout(() => {
  console.log('reading');
  readYear('19.5');
}, 1);
