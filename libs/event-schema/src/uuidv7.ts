import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 256;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort
 * by creation time. Within one millisecond a 12-bit counter in `rand_a` keeps
 * ids from one process strictly increasing. Random bytes come from a pooled
 * CSPRNG buffer to keep this cheap on hot paths.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    counter = 0;
  } else {
    counter += 1;
    if (counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond.
      lastMs += 1;
      counter = 0;
    }
  }
  if (poolOffset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = poolOffset;
  poolOffset += 8;
  const ms = lastMs;
  const h = HEX;
  return (
    h[Math.floor(ms / 2 ** 40) & 0xff]! +
    h[Math.floor(ms / 2 ** 32) & 0xff]! +
    h[(ms >>> 24) & 0xff]! +
    h[(ms >>> 16) & 0xff]! +
    '-' +
    h[(ms >>> 8) & 0xff]! +
    h[ms & 0xff]! +
    '-' +
    h[0x70 | (counter >>> 8)]! +
    h[counter & 0xff]! +
    '-' +
    h[0x80 | (pool[r]! & 0x3f)]! +
    h[pool[r + 1]!]! +
    '-' +
    h[pool[r + 2]!]! +
    h[pool[r + 3]!]! +
    h[pool[r + 4]!]! +
    h[pool[r + 5]!]! +
    h[pool[r + 6]!]! +
    h[pool[r + 7]!]!
  );
}
