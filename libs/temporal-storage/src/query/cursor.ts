import { createHash } from 'node:crypto';

import { MAX_TIMESTAMP_NS } from '@temporal-bridge/event-schema';

import { InvalidCursorError } from '../errors';
import type { OrderKey } from './event-row';

const VERSION = 1;
const MAX_CURSOR_LENGTH = 1024;

interface CursorBody {
  v: number;
  /** Fingerprint of the query that issued the cursor. */
  q: string;
  t: string;
  s: number;
  e: string;
}

/**
 * Identifies a query (its kind and filters, not its limit), so that a cursor
 * handed to another query is refused instead of silently skipping rows.
 */
export function queryFingerprint(kind: string, ...filters: ReadonlyArray<string | bigint | undefined>): string {
  const text = JSON.stringify([kind, ...filters.map((f) => (f === undefined ? null : String(f)))]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * An opaque cursor: the order key of the last event of a page. The next page
 * starts strictly after it, which stays exact when many events share one
 * timestamp (seq and event_id break the tie) and costs no OFFSET scan.
 */
export function encodeCursor(fingerprint: string, key: OrderKey): string {
  const body: CursorBody = { v: VERSION, q: fingerprint, t: key.timestamp.toString(), s: key.seq, e: key.event_id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** Reads a cursor issued by `encodeCursor` for the same query; anything else is an InvalidCursorError. */
export function decodeCursor(cursor: string, fingerprint: string): OrderKey {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError('cursor is empty or too long');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('cursor is not base64url');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is malformed');
  }
  if (!isCursorBody(body)) throw new InvalidCursorError('cursor is malformed');
  if (body.v !== VERSION) throw new InvalidCursorError(`cursor version ${body.v} is not supported`);
  if (body.q !== fingerprint) throw new InvalidCursorError('cursor belongs to another query');
  return { timestamp: BigInt(body.t), seq: body.s, event_id: body.e };
}

function isCursorBody(value: unknown): value is CursorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    typeof body['v'] === 'number' &&
    typeof body['q'] === 'string' &&
    typeof body['t'] === 'string' &&
    /^\d{1,19}$/.test(body['t']) &&
    BigInt(body['t']) <= MAX_TIMESTAMP_NS &&
    typeof body['s'] === 'number' &&
    Number.isSafeInteger(body['s']) &&
    body['s'] >= -1 &&
    typeof body['e'] === 'string' &&
    body['e'].length > 0 &&
    body['e'].length <= 1024
  );
}

/**
 * A cursor over another order than events' (traces, by start or duration):
 * the sort key of the last row as strings, bound to the query that issued it
 * like encodeCursor's.
 */
export function encodeKeyCursor(fingerprint: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify({ v: VERSION, q: fingerprint, k: key }), 'utf8').toString('base64url');
}

/** Reads an encodeKeyCursor cursor of `arity` parts for the same query; anything else is an InvalidCursorError. */
export function decodeKeyCursor(cursor: string, fingerprint: string, arity: number): string[] {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) {
    throw new InvalidCursorError('cursor is empty or too long');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError('cursor is not base64url');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is malformed');
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const key = fields['k'];
  if (
    typeof fields['q'] !== 'string' ||
    !Array.isArray(key) ||
    key.length !== arity ||
    !key.every((part) => typeof part === 'string' && part.length <= 1024)
  ) {
    throw new InvalidCursorError('cursor is malformed');
  }
  if (fields['v'] !== VERSION) throw new InvalidCursorError(`cursor version ${String(fields['v'])} is not supported`);
  if (fields['q'] !== fingerprint) throw new InvalidCursorError('cursor belongs to another query');
  return key as string[];
}
