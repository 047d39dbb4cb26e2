import { createHash } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What kind of function an id names (the last segment of a named id). */
export type FunctionKind =
  | 'function'
  | 'arrow'
  | 'method'
  | 'static-method'
  | 'getter'
  | 'setter'
  | 'static-getter'
  | 'static-setter'
  | 'constructor';

/** Ids longer than this are shortened (see {@link shortenId}). */
export const MAX_ID_LENGTH = 128;

/** The name of the top level, used as the enclosing name of anonymous top-level functions. */
export const MODULE_SCOPE = '<module>';

/**
 * `a/b` when nested inside a named scope, `b` at top level.
 */
export function nestedName(enclosing: string, name: string): string {
  return enclosing === '' ? name : `${enclosing}/${name}`;
}

/**
 * Shortens an id over {@link MAX_ID_LENGTH} characters: its first 111 characters, `~`, and the
 * first 16 hex characters of the SHA-256 of the whole id (128 characters). Deterministic, and two
 * long ids sharing a prefix stay distinct.
 */
export function shortenId(id: string): string {
  if (id.length <= MAX_ID_LENGTH) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, MAX_ID_LENGTH - 17)}~${digest}`;
}

/** First 16 hex characters of the SHA-256 of a function's source text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** An absolute path or `file:` URL as a path. */
export function toFilePath(file: string): string {
  return file.startsWith('file:') ? fileURLToPath(file) : file;
}

/**
 * The project-relative POSIX path of `file` (ids must not depend on the checkout's location
 * or the OS). Relative input is taken as already relative to the root.
 */
export function projectPath(root: string, file: string): string {
  const path = toFilePath(file);
  const rel = isAbsolute(path) ? relative(toFilePath(root), path) : path;
  return rel.split('\\').join('/');
}

/**
 * Hands out ids in source order: ordinals for anonymous functions per (enclosing, kind), and
 * `#2`, `#3`... for a repeated id in one file.
 */
export class IdAllocator {
  private readonly anonymous = new Map<string, number>();
  private readonly seen = new Map<string, number>();

  /** The qualified name `<enclosing>/<kind>#<n>` of the next anonymous function. */
  anonymousName(enclosing: string, kind: string): string {
    const scope = enclosing === '' ? MODULE_SCOPE : enclosing;
    const key = `${scope}\0${kind}`;
    const n = (this.anonymous.get(key) ?? 0) + 1;
    this.anonymous.set(key, n);
    return `${scope}/${kind}#${n}`;
  }

  /** The final id for a function: de-duplicated within the file, then shortened. */
  id(path: string, qualifiedName: string, kind: FunctionKind, anonymous: boolean): string {
    const base = anonymous ? `${path}:${qualifiedName}` : `${path}:${qualifiedName}:${kind}`;
    const count = (this.seen.get(base) ?? 0) + 1;
    this.seen.set(base, count);
    return shortenId(count === 1 ? base : `${base}#${count}`);
  }
}
