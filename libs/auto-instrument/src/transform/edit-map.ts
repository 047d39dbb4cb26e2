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
/** VLQ text of the small values that make up almost every delta, indexed by value + SMALL. */
const SMALL = 1024;
const SMALL_VLQ: string[] = Array.from({ length: 2 * SMALL + 1 }, (_, i) => vlqSlow(i - SMALL));

/** Base64 VLQ of one signed integer (source map v3): sign in the lowest bit, 5 bits per digit. */
function vlqSlow(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = '';
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

function vlq(value: number): string {
  return value >= -SMALL && value <= SMALL ? (SMALL_VLQ[value + SMALL] as string) : vlqSlow(value);
}

/**
 * Segments where magic-string's `hires: 'boundary'` puts them, so tools resolve the same
 * positions as before: the first character of each run of word characters and every other
 * character except the newline. A run is also cut where text was inserted.
 */
const BOUNDARY = /\w+|[^\w\n]/g;

/**
 * The map of `code` edited by the insertions (`offsets` ascending, `lengths` of the texts), for
 * code with no map of its own: every segment points back at the same line of `source`.
 */
export function editMap(
  code: string,
  offsets: readonly number[],
  lengths: readonly number[],
  source: string,
): EncodedMap {
  let mappings = '';
  let previousLine = 0; // original line of the previous segment (deltas run across lines)
  let previousColumn = 0; // original column of the previous segment
  let next = 0; // index of the next insertion
  let line = 0;
  for (let lineStart = 0; lineStart <= code.length; line += 1) {
    let lineEnd = code.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = code.length;
    if (line > 0) mappings += ';';
    let shift = 0; // inserted length so far on this line
    let generatedPrevious = 0;
    let first = true;
    for (let from = lineStart; from < lineEnd;) {
      // One chunk [from, to): no insertion inside it, so a word run starts again at `from`.
      while (next < offsets.length && (offsets[next] as number) <= from) {
        shift += lengths[next] as number;
        next += 1;
      }
      const to = next < offsets.length && (offsets[next] as number) < lineEnd ? (offsets[next] as number) : lineEnd;
      BOUNDARY.lastIndex = from;
      for (let match = BOUNDARY.exec(code); match !== null && match.index < to; match = BOUNDARY.exec(code)) {
        const column = match.index - lineStart;
        const generated = column + shift;
        mappings += `${first ? '' : ','}${vlq(generated - generatedPrevious)}A${vlq(line - previousLine)}${vlq(column - previousColumn)}`;
        first = false;
        generatedPrevious = generated;
        previousLine = line;
        previousColumn = column;
      }
      from = to;
    }
    // Insertions at the very end of the line belong to it (they move nothing after them).
    while (next < offsets.length && (offsets[next] as number) <= lineEnd) next += 1;
    lineStart = lineEnd + 1;
  }
  return { version: 3, file: source, sources: [source], sourcesContent: [code], names: [], mappings };
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
  let mappings = '';
  let previousSource = 0;
  let previousLine = 0;
  let previousColumn = 0;
  let previousName = 0;
  let next = 0;
  let lineStart = 0;
  for (let line = 0; line < input.length; line += 1) {
    let lineEnd = lineStart <= code.length ? code.indexOf('\n', lineStart) : -1;
    if (lineEnd < 0) lineEnd = code.length;
    if (line > 0) mappings += ';';
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
      mappings += `${first ? '' : ','}${vlq(generated - generatedPrevious)}`;
      first = false;
      generatedPrevious = generated;
      if (segment.length >= 4) {
        const source = segment[1] as number;
        const original = segment[2] as number;
        const originalColumn = segment[3] as number;
        mappings += vlq(source - previousSource) + vlq(original - previousLine) + vlq(originalColumn - previousColumn);
        previousSource = source;
        previousLine = original;
        previousColumn = originalColumn;
        if (segment.length >= 5) {
          mappings += vlq((segment[4] as number) - previousName);
          previousName = segment[4] as number;
        }
      }
    }
    while (next < offsets.length && (offsets[next] as number) <= lineEnd) next += 1;
    lineStart = lineEnd + 1;
  }
  return { version: 3, ...header, mappings };
}
