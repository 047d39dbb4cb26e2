/**
 * Source maps of an insertion-only edit, built straight from the sorted insertions. The
 * transform never adds a line, so every output line is its input line with text inserted: a
 * position moves right by the length of the insertions before it on its line. That makes the
 * map a linear scan, without the per-character work (and the JSON round trip) of a general
 * string editor's map.
 */

/** A source map (v3) with encoded mappings. */
export interface EncodedMap {
  version: 3;
  file: string;
  sources: (string | null)[];
  sourcesContent: (string | null)[];
  names: string[];
  mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = Uint8Array.from(BASE64, (c) => c.charCodeAt(0));
const COMMA = 44;
const SEMICOLON = 59;
const ZERO = DIGITS[0] as number; // 'A': a delta of 0

/**
 * The mappings text, written as bytes into one growing buffer: a map has a segment for almost
 * every character, and building it by string concatenation left most of the work to the
 * garbage collector.
 */
class MappingsWriter {
  private bytes: Buffer;
  private length = 0;

  constructor(estimate: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, estimate));
  }

  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + count));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** Base64 VLQ of one signed integer (source map v3): sign in the lowest bit, 5 bits per digit. */
  vlq(value: number): void {
    this.reserve(7);
    let rest = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest > 0) digit |= 32;
      this.bytes[this.length++] = DIGITS[digit] as number;
    } while (rest > 0);
  }

  toString(): string {
    return this.bytes.toString('latin1', 0, this.length);
  }
}

/** Word characters of magic-string's boundary test (`/\w/`), by char code. */
const WORD = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_') WORD[c.charCodeAt(0)] = 1;

/**
 * The map of `code` edited by the insertions (`offsets` ascending, `lengths` of the texts), for
 * code with no map of its own: every segment points back at the same line of `source`.
 * Segments go where magic-string's `hires: 'boundary'` puts them, so tools resolve the same
 * positions as before: the first character of each run of word characters and every other
 * character except the newline; a run is also cut where text was inserted.
 */
export function editMap(
  code: string,
  offsets: readonly number[],
  lengths: readonly number[],
  source: string,
): EncodedMap {
  const out = new MappingsWriter(code.length * 3);
  let previousLine = 0; // original line of the previous segment (deltas run across lines)
  let previousColumn = 0; // original column of the previous segment
  let next = 0; // index of the next insertion
  let nextOffset = offsets.length > 0 ? (offsets[0] as number) : -1;
  let line = 0;
  for (let lineStart = 0; lineStart <= code.length; line += 1) {
    let lineEnd = code.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = code.length;
    if (line > 0) out.byte(SEMICOLON);
    let shift = 0; // inserted length so far on this line
    let generatedPrevious = 0;
    let first = true;
    let inWord = false;
    for (let at = lineStart; at < lineEnd; at += 1) {
      if (at === nextOffset) {
        // Text inserted here moves the rest of the line; a word run starts again after it.
        shift += lengths[next] as number;
        next += 1;
        nextOffset = next < offsets.length ? (offsets[next] as number) : -1;
        inWord = false;
      }
      const c = code.charCodeAt(at);
      const word = c < 128 && WORD[c] === 1;
      if (word && inWord) continue;
      inWord = word;
      const column = at - lineStart;
      const generated = column + shift;
      if (!first) out.byte(COMMA);
      first = false;
      out.vlq(generated - generatedPrevious);
      out.byte(ZERO);
      out.vlq(line - previousLine);
      out.vlq(column - previousColumn);
      generatedPrevious = generated;
      previousLine = line;
      previousColumn = column;
    }
    // Insertions at the very end of the line move nothing on it.
    while (nextOffset >= 0 && nextOffset <= lineEnd) {
      next += 1;
      nextOffset = next < offsets.length ? (offsets[next] as number) : -1;
    }
    lineStart = lineEnd + 1;
  }
  return { version: 3, file: source, sources: [source], sourcesContent: [code], names: [], mappings: out.toString() };
}

/** One decoded segment: [generated column, source, original line, original column, name?]. */
export type DecodedSegment = readonly number[];

/**
 * The input map (of `code`, decoded) carried over to `code` edited by the insertions: each of
 * its segments moves right by the length of the insertions before it on its line. This is the
 * exact composition of the edit with the input map, and keeps every segment of it.
 */
export function shiftMap(
  code: string,
  offsets: readonly number[],
  lengths: readonly number[],
  input: readonly (readonly DecodedSegment[])[],
  header: Omit<EncodedMap, 'version' | 'mappings'>,
): EncodedMap {
  const out = new MappingsWriter(input.length * 16);
  let previousSource = 0;
  let previousLine = 0;
  let previousColumn = 0;
  let previousName = 0;
  let next = 0;
  let lineStart = 0;
  for (let line = 0; line < input.length; line += 1) {
    let lineEnd = lineStart <= code.length ? code.indexOf('\n', lineStart) : -1;
    if (lineEnd < 0) lineEnd = code.length;
    if (line > 0) out.byte(SEMICOLON);
    let shift = 0;
    let generatedPrevious = 0;
    let first = true;
    for (const segment of input[line] ?? []) {
      const column = segment[0] as number;
      // A text inserted at an offset goes before the character there: it moves that character.
      while (
        next < offsets.length &&
        (offsets[next] as number) <= lineStart + column &&
        (offsets[next] as number) <= lineEnd
      ) {
        shift += lengths[next] as number;
        next += 1;
      }
      const generated = column + shift;
      if (!first) out.byte(COMMA);
      out.vlq(generated - generatedPrevious);
      first = false;
      generatedPrevious = generated;
      if (segment.length >= 4) {
        const source = segment[1] as number;
        const original = segment[2] as number;
        const originalColumn = segment[3] as number;
        out.vlq(source - previousSource);
        out.vlq(original - previousLine);
        out.vlq(originalColumn - previousColumn);
        previousSource = source;
        previousLine = original;
        previousColumn = originalColumn;
        if (segment.length >= 5) {
          out.vlq((segment[4] as number) - previousName);
          previousName = segment[4] as number;
        }
      }
    }
    while (next < offsets.length && (offsets[next] as number) <= lineEnd) next += 1;
    lineStart = lineEnd + 1;
  }
  return { version: 3, ...header, mappings: out.toString() };
}
