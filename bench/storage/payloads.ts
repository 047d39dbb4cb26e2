import type { JsonObject, JsonValue } from '@temporal-bridge/event-schema';

import type { Random } from './random';

const VERBS = ['get', 'load', 'save', 'update', 'validate', 'render', 'handle', 'compute', 'send', 'parse'];
const NOUNS = ['Order', 'User', 'Cart', 'Invoice', 'Session', 'Payment', 'Item', 'Report', 'Token', 'Message'];
const VARIABLES = ['i', 'total', 'user', 'items', 'result', 'count', 'idx', 'err', 'retries', 'payload'];
const LEVELS = ['debug', 'info', 'info', 'info', 'warn'];
const ERRORS = ['TypeError', 'RangeError', 'ValidationError', 'TimeoutError', 'ECONNRESET'];

/** Names a function node of a service: stable for a given index. */
export function functionName(index: number): { module: string; function: string } {
  return {
    module: `module-${String(index % 17).padStart(2, '0')}`,
    function: `${VERBS[index % VERBS.length]!}${NOUNS[Math.floor(index / VERBS.length) % NOUNS.length]!}`,
  };
}

/** Variable names are shared by every function: a few keys updated very often. */
export const VARIABLE_NAMES: readonly string[] = VARIABLES;

function smallValue(random: Random): JsonValue {
  switch (random.int(4)) {
    case 0:
      return random.int(10_000);
    case 1:
      return `v-${random.hex(8)}`;
    case 2:
      return {
        id: random.int(1_000_000),
        status: random.pick(['new', 'paid', 'shipped']),
        amount: random.int(50_000) / 100,
      };
    default:
      return random.chance(0.5);
  }
}

export function entryData(random: Random, fn: { module: string; function: string }): JsonObject {
  const args: JsonValue[] = [];
  const n = random.int(4);
  for (let i = 0; i < n; i += 1) args.push(smallValue(random));
  return { module: fn.module, function: fn.function, args };
}

export function exitData(random: Random, failed: boolean): JsonObject {
  return failed ? { error: `${random.pick(ERRORS)}: request failed` } : { result: smallValue(random) };
}

export function stateData(random: Random, keys: readonly string[]): JsonObject {
  const state: JsonObject = {};
  for (const key of keys) state[key] = smallValue(random);
  return { state };
}

export function variablesData(random: Random): JsonObject {
  const variables: JsonObject = {};
  const n = 1 + random.int(4);
  for (let i = 0; i < n; i += 1) variables[random.pick(VARIABLES)] = smallValue(random);
  return { variables };
}

export function logData(random: Random, fn: string): JsonObject {
  return {
    level: random.pick(LEVELS),
    message: `${fn}: processed request ${random.hex(6)} in ${random.int(500)} ms`,
  };
}

export function messageData(random: Random, messageId: string): JsonObject {
  return { message_id: messageId, topic: `topic-${random.int(20)}`, bytes: random.int(64_000) };
}

export function errorData(random: Random, fn: { module: string; function: string }): JsonObject {
  const name = random.pick(ERRORS);
  const frames: string[] = [];
  for (let i = 0; i < 6; i += 1)
    frames.push(`    at ${fn.function} (/app/src/${fn.module}.ts:${random.int(400)}:${random.int(60)})`);
  return { name, message: `${name} while handling ${fn.function}`, stack: frames.join('\n') };
}
