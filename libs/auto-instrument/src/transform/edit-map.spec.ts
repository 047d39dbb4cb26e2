import { decodedMappings, TraceMap } from '@jridgewell/trace-mapping';
import MagicString from 'magic-string';
import { describe, expect, it } from 'vitest';

import { editMap, shiftMap } from './edit-map';
import { applyInsertions } from './insertions';

const code = [
  "'use strict';",
  'function add(a, b) { return a+b; }',
  '',
  'const f = (x) => x*2; // done\r',
  '  obj.method(argumentName);',
].join('\n');
// Offset 0, mid-word, just before and after a newline, the end of the file.
const offsets = [0, 13, 20, 23, 36, 37, 50, code.indexOf('argumentName') + 4, code.length];
const texts = offsets.map((_, i) => `/*${'i'.repeat(i + 1)}*/`);
const lengths = texts.map((t) => t.length);

describe('editMap', () => {
  it('is the map magic-string makes with hires: boundary, for the same insertions', () => {
    const edited = new MagicString(code);
    offsets.forEach((offset, i) => edited.appendLeft(offset, texts[i] as string));
    const expected = edited.generateMap({ source: 'a.js', file: 'a.js', includeContent: true, hires: 'boundary' });

    expect(applyInsertions(code, offsets, texts)).toBe(edited.toString());
    expect(editMap(code, offsets, lengths, 'a.js')).toEqual({
      version: 3,
      file: 'a.js',
      sources: ['a.js'],
      sourcesContent: [code],
      names: [],
      mappings: expected.mappings,
    });
  });

  it('encodes columns beyond the small-value table', () => {
    const long = `${' '.repeat(3000)}x\n${'y'.repeat(5000)} z`;
    const edited = new MagicString(long);
    edited.appendLeft(3000, 'AB');
    const expected = edited.generateMap({ source: 'b.js', hires: 'boundary' });
    expect(editMap(long, [3000], [2], 'b.js').mappings).toBe(expected.mappings);
  });
});

describe('shiftMap', () => {
  it('moves every segment of the input map to where its text went, keeping what it points at', () => {
    // An input map with names, two sources and a segment without a source on each line.
    const inputLines = code.split('\n');
    const input = inputLines.map((line, l) =>
      [...line.matchAll(/\w+/g)].map((m, k) => (k % 3 === 2 ? [m.index] : [m.index, k % 2, l + 10, k, k])),
    );
    const header = { file: 'a.js', sources: ['x.ts', 'y.ts'], sourcesContent: [null, null], names: ['n0', 'n1', 'n2'] };
    const outputLines = applyInsertions(code, offsets, texts).split('\n');
    const shifted = decodedMappings(new TraceMap(shiftMap(code, offsets, lengths, input, header)));

    expect(shifted).toHaveLength(input.length);
    shifted.forEach((segments, l) => {
      expect(segments.map((s) => s.slice(1))).toEqual(input[l]?.map((s) => s.slice(1)));
      segments.forEach((segment, k) => {
        // The generated text there is the input's text at the segment, up to the next insertion.
        const was = inputLines[l]?.slice(input[l]?.[k]?.[0]) ?? '';
        const now = outputLines[l]?.slice(segment[0]) ?? '';
        const upTo = now.indexOf('/*');
        const n = upTo < 0 ? was.length : upTo;
        expect(n).toBeGreaterThan(0);
        expect(now.slice(0, n)).toBe(was.slice(0, n));
      });
    });
  });
});
