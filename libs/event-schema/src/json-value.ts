import { MAX_DATA_DEPTH, type EventProblem } from './event';

/**
 * Checks that `value` is a plain JSON object tree: plain objects and arrays,
 * strings without lone surrogates, finite numbers, booleans and null; no
 * `__proto__` key (prototype pollution in consumers that merge objects), and
 * at most {@link MAX_DATA_DEPTH} levels (which also stops cycles). Iterative,
 * so hostile nesting cannot overflow the stack. Reports the first few problems.
 */
export function jsonProblems(root: unknown, field: string, maxProblems = 5): EventProblem[] {
  const problems: EventProblem[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: field, depth: 1 }];
  while (stack.length > 0 && problems.length < maxProblems) {
    const { value, path, depth } = stack.pop()!;
    const reason = scalarProblem(value);
    if (reason === null) continue;
    if (reason !== 'container') {
      problems.push({ field: path, reason });
      continue;
    }
    if (depth > MAX_DATA_DEPTH) {
      problems.push({ field: path, reason: `nested deeper than ${MAX_DATA_DEPTH} levels (or cyclic)` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value as object)) {
      if (key === '__proto__') {
        problems.push({ field: `${path}.__proto__`, reason: 'key "__proto__" is not allowed' });
        continue;
      }
      if (!key.isWellFormed()) {
        problems.push({ field: path, reason: 'a key is not valid Unicode (lone surrogate)' });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return problems;
}

/**
 * Whether {@link jsonProblems} finds nothing in `root`, without building a
 * path or an object per node: the check every valid event pays, while
 * jsonProblems runs only to name what is wrong. Recursion is bounded by
 * MAX_DATA_DEPTH, so hostile nesting cannot overflow the stack either.
 * `plainStrings`: every string in it is known valid Unicode (hasPlainStrings).
 */
export function isJsonTree(root: unknown, plainStrings = false): boolean {
  return isJsonValue(root, 1, plainStrings);
}

function isJsonValue(value: unknown, depth: number, plain: boolean): boolean {
  switch (typeof value) {
    case 'string':
      return plain || value.isWellFormed();
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_DATA_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i += 1) if (!isJsonValue(value[i], depth + 1, plain)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        // for-in also walks inherited keys: only own ones count, as in Object.keys.
        if (!Object.hasOwn(value, key)) continue;
        if (key === '__proto__' || !(plain || key.isWellFormed())) return false;
        if (!isJsonValue((value as Record<string, unknown>)[key], depth + 1, plain)) return false;
      }
      return true;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return false;
  }
}

/** null when the scalar is fine, 'container' for arrays and plain objects, else the reason. */
function scalarProblem(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed() ? null : 'string is not valid Unicode (lone surrogate)';
    case 'number':
      return Number.isFinite(value) ? null : `number ${String(value)} is not valid JSON`;
    case 'boolean':
      return null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return 'container';
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) return 'container';
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      return `a ${name} is not a JSON value`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return `a ${typeof value} is not a JSON value`;
  }
}

/** True for a plain (non-array) object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Stamps a private field onto an object it did not construct: a base
 * constructor that returns another object makes `super()` bind `this` to it,
 * so the subclass's private field is installed there. The field is invisible
 * to Object.keys, spread, JSON.stringify and test equality, and leaves with
 * the object. Measured about 2x cheaper than a WeakMap entry per event
 * (bench/hotpath/parse-stages): no ephemeron table to grow and trace at GC.
 */
class Stamped {
  constructor(target: object) {
    return target;
  }
}

/**
 * The JSON text of validated `data` objects, made (or kept from the wire)
 * once when the event is parsed, where the size check needs it, and reused by
 * the row encoder, so an event is serialized at most once. Attached to the
 * object: copies of an event share it, and the text leaves with the object.
 * It is the text of the object as it was validated: a later mutation by an
 * in-process producer is not stored.
 */
class JsonText extends Stamped {
  #text: string;

  private constructor(target: object, text: string) {
    super(target);
    this.#text = text;
  }

  static remember(value: object, text: string): void {
    if (#text in value) value.#text = text;
    // A frozen object (an in-process producer's) cannot take a field on every engine: the map then.
    else if (Object.isExtensible(value)) new JsonText(value, text);
    else frozenTexts.set(value, text);
  }

  static of(value: object): string | undefined {
    return #text in value ? value.#text : frozenTexts.get(value);
  }
}

const frozenTexts = new WeakMap<object, string>();

/** Remembers `text` as the JSON of `value` (see {@link jsonTextOf}). */
export function rememberJsonText(value: object, text: string): void {
  JsonText.remember(value, text);
}

/** JSON.stringify(value), from the text remembered at parse time when there is one. */
export function jsonTextOf(value: object): string {
  return JsonText.of(value) ?? JSON.stringify(value);
}
