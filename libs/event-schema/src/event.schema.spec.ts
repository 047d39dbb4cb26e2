import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { checkWireEvent, hasPlainStrings, INVALID_WIRE_EVENT, wireEventSchema } from './event.schema';
import { isJsonTree, jsonProblems } from './json-value';

/** What zod decides for `input`: its timestamp when accepted, INVALID_WIRE_EVENT when not. */
function zodVerdict(input: Record<string, unknown>): bigint | undefined | typeof INVALID_WIRE_EVENT {
  const parsed = wireEventSchema.safeParse(input);
  return parsed.success ? parsed.data.timestamp : INVALID_WIRE_EVENT;
}

const valid = {
  event_id: 'e-1',
  timestamp: '1764000000123456789',
  event_type: 'function_entry',
  correlation_id: 'c-1',
  parent_id: 'c-0',
  trace_id: 't-1',
  ast_node_id: 'src/orders.ts:12:3',
  service: 'orders',
  instance: 'orders-7f9',
  seq: 42,
  data: { module: 'orders' },
};

/** Values near every rule's edges, for any field. */
const edgeValues: unknown[] = [
  undefined,
  null,
  '',
  'a',
  'x'.repeat(128),
  'x'.repeat(129),
  'a\nb',
  'a\u007fb',
  'a\ud800b',
  '\u00e9\u{1f600}',
  'log',
  'http.request:v2-b_c',
  'FunctionEntry',
  `a${'b'.repeat(63)}`,
  `a${'b'.repeat(64)}`,
  '1abc',
  0,
  1,
  2,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53 + 2,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  0n,
  -1n,
  2n ** 63n - 1n,
  2n ** 63n,
  true,
  [],
  ['t'],
  {},
  { state: 1 },
  Object.create(null) as object,
  new Date(0),
  '0',
  '1764000000123456789',
  '9223372036854775807',
  '9223372036854775808',
  '-5',
  '1e18',
  ' 1',
  '2026-11-24T10:00:00Z',
  '2026-11-24T10:00:00.123456789+02:00',
  '2026-11-24T10:00:00Z ',
  '2026-11-24T10:00:00',
  '2026-02-30T10:00:00Z',
  '2026-11-24T10:00:00.1234567891Z',
];

const FIELDS = [
  'schema_version',
  'event_id',
  'timestamp',
  'event_type',
  'correlation_id',
  'parent_id',
  'trace_id',
  'ast_node_id',
  'service',
  'instance',
  'seq',
  'data',
] as const;

/** A field value: an edge value, a valid-looking one, or anything fast-check makes. */
const anyValue = fc.oneof(
  fc.constantFrom(...edgeValues),
  fc.string({ maxLength: 140, unit: 'binary' }),
  fc.stringMatching(/^[a-z][a-z0-9_.:-]{0,70}$/),
  fc.stringMatching(/^\d{1,20}$/),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.double(),
  fc.integer(),
  fc.anything(),
);

/** An event from the valid one with some fields replaced or removed. */
const wireInput = fc.array(fc.tuple(fc.constantFrom(...FIELDS), anyValue), { maxLength: 6 }).map((patches) => {
  const input: Record<string, unknown> = { ...valid };
  for (const [field, value] of patches) {
    if (value === undefined) delete input[field];
    else input[field] = value;
  }
  return input;
});

describe('checkWireEvent (the fast path) agrees with wireEventSchema (zod)', () => {
  it('on the valid event and on every edge value in every field', () => {
    expect(checkWireEvent(valid)).toBe(1764000000123456789n);
    for (const field of FIELDS) {
      for (const value of edgeValues) {
        const input: Record<string, unknown> = { ...valid, [field]: value };
        expect({ field, value, verdict: checkWireEvent(input) }).toEqual({ field, value, verdict: zodVerdict(input) });
      }
    }
  });

  it('on generated events: accept and reject alike, and the same timestamp', () => {
    fc.assert(
      fc.property(wireInput, (input) => {
        expect(checkWireEvent(input)).toEqual(zodVerdict(input));
      }),
      { numRuns: 5000 },
    );
  });
});

/** The JSON text of `input` as a producer would send it, or undefined when it has none (bigints, cycles). */
function jsonText(input: unknown): string | undefined {
  try {
    return JSON.stringify(input);
  } catch {
    return undefined;
  }
}

describe('checkWireEvent on plain JSON text (ids checked for type and length only) agrees with zod', () => {
  /** What parseEventJson decides: the fast checks, told whether the text's strings are plain. */
  function fastVerdict(text: string, fromUtf8: boolean): ReturnType<typeof checkWireEvent> {
    const decoded = JSON.parse(text) as Record<string, unknown>;
    const plain = hasPlainStrings(text, fromUtf8);
    const verdict = checkWireEvent(decoded, plain);
    const data = decoded['data'];
    return verdict !== INVALID_WIRE_EVENT && data !== undefined && !isJsonTree(data, plain)
      ? INVALID_WIRE_EVENT
      : verdict;
  }

  /** What zod and the full data check decide. */
  function zodOnText(text: string): ReturnType<typeof checkWireEvent> {
    const decoded = JSON.parse(text) as Record<string, unknown>;
    const verdict = zodVerdict(decoded);
    const data = decoded['data'];
    return verdict !== INVALID_WIRE_EVENT && data !== undefined && jsonProblems(data, 'data').length > 0
      ? INVALID_WIRE_EVENT
      : verdict;
  }

  it('on every edge value in every field, as text and as UTF-8 bytes', () => {
    for (const field of FIELDS) {
      for (const value of [...edgeValues, { k: 'a\u007fb' }, { 'k\ud800': 1 }, { s: '\ud800' }]) {
        const text = jsonText({ ...valid, [field]: value });
        if (text === undefined) continue;
        expect({ field, value, verdict: fastVerdict(text, false) }).toEqual({ field, value, verdict: zodOnText(text) });
        // Bytes that pass isUtf8 decode to well-formed text: a lone surrogate cannot reach the fast check that way.
        const fromBytes = Buffer.from(text).toString('utf8');
        if (fromBytes === text)
          expect({ field, value, verdict: fastVerdict(text, true) }).toEqual({
            field,
            value,
            verdict: zodOnText(text),
          });
      }
    }
  });

  it('on generated events sent as JSON text', () => {
    fc.assert(
      fc.property(wireInput, (input) => {
        const text = jsonText(input);
        if (text !== undefined) expect(fastVerdict(text, false)).toEqual(zodOnText(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('treats only text without backslash, DEL or lone surrogate as plain', () => {
    expect(hasPlainStrings('{"a":"b"}', false)).toBe(true);
    expect(hasPlainStrings('{"a":"b\\n"}', true)).toBe(false);
    expect(hasPlainStrings('{"a":"b\u007f"}', true)).toBe(false);
    expect(hasPlainStrings('{"a":"\ud800"}', false)).toBe(false);
    // A raw lone surrogate (text that never was UTF-8) in an id and in data: refused like zod does.
    for (const text of [
      '{"event_type":"log","correlation_id":"c\ud800"}',
      '{"event_type":"log","correlation_id":"c","data":{"k\udc00":1}}',
    ])
      expect(fastVerdict(text, false)).toEqual(zodOnText(text));
    expect(fastVerdict('{"event_type":"log","correlation_id":"c\ud800"}', false)).toBe(INVALID_WIRE_EVENT);
  });
});

describe('isJsonTree (the fast path) agrees with jsonProblems', () => {
  it('on generated values, JSON or not', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withMap: true, withNullPrototype: true }),
        (value) => {
          expect(isJsonTree(value)).toBe(jsonProblems(value, 'data').length === 0);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('on depth, __proto__ keys, lone surrogates, holes and cycles', () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 1; i < 64; i += 1) deep = { n: deep };
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const cases: unknown[] = [
      deep,
      { n: deep },
      [[[[1]]]],
      JSON.parse('{"a":{"__proto__":{"x":1}}}'),
      { 'k\ud800': 1 },
      { s: 'a\udc00' },
      // eslint-disable-next-line no-sparse-arrays
      { a: [1, , 2] },
      cyclic,
      { n: Number.NaN },
    ];
    for (const value of cases) expect(isJsonTree(value)).toBe(jsonProblems(value, 'data').length === 0);
  });
});
