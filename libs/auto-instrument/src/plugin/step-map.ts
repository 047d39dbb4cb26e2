import {
  decodedMappings,
  encodedMappings,
  type SourceMapInput,
  type SourceMapSegment,
  TraceMap,
} from '@jridgewell/trace-mapping';

import type { SourceMapObject } from '../transform/transform-source';

/**
 * The map of the edit alone (instrumented code -> the code as received), from the map the
 * transform returns when given an input map (instrumented code -> original source) and that
 * input map. Bundlers chain each plugin's or loader's map with the previous ones themselves
 * (Rollup, Vite, and unplugin's webpack loader alike), so handing them the composed map would
 * apply the input map twice.
 *
 * The transform composes by moving each input segment right by the text inserted before it on
 * its line, keeping every segment in order (README, "Parser choice and cost"): the two maps
 * have the same segments line by line, and pairing them gives, for each segment, where the
 * instrumented column came from in the code as received. That is as fine as the input map, and
 * so loses nothing once the bundler chains the two. Undefined if the maps do not pair up.
 */
export function stepMap(composed: SourceMapObject, input: SourceMapInput, file: string): SourceMapObject | undefined {
  const after = decodedMappings(new TraceMap(composed as SourceMapInput));
  const before = decodedMappings(new TraceMap(input));
  const mappings: SourceMapSegment[][] = [];
  for (let line = 0; line < after.length; line += 1) {
    const out = after[line]!;
    const was = before[line] ?? [];
    if (out.length !== was.length) return undefined;
    const segments: SourceMapSegment[] = [];
    for (let i = 0; i < out.length; i += 1) {
      const [column, ...origin] = out[i]!;
      const [received, ...same] = was[i]!;
      if (origin[1] !== same[1] || origin[2] !== same[2]) return undefined;
      segments.push([column, 0, line, received]);
    }
    mappings.push(segments);
  }
  const map = new TraceMap({ version: 3, file, sources: [file], names: [], mappings });
  return { version: 3, file, sources: [file], names: [], mappings: encodedMappings(map) };
}
