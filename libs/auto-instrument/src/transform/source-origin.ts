import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  decodedMappings,
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  TraceMap,
  type SourceMapInput,
} from '@jridgewell/trace-mapping';

import { type EncodedMap, shiftMap } from './edit-map';

/** A 1-based line and 1-based column. */
export interface Position {
  line: number;
  column: number;
}

/** Offsets (UTF-16, as oxc-parser reports them) to 1-based line/column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    // \n, \r\n, \r, U+2028, U+2029: the line terminators of ECMAScript (and of V8's line numbers).
    const pattern = /\r\n?|[\n\u2028\u2029]/g;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      this.starts.push(match.index + match[0].length);
    }
  }

  /** The position of `offset`. */
  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (this.starts[low] ?? 0) + 1 };
  }

  /** The offset of a 1-based position. */
  offset(position: Position): number {
    return (this.starts[position.line - 1] ?? 0) + position.column - 1;
  }
}

/** A position in the original source a map points to. */
export interface OriginalPosition extends Position {
  /** Absolute path (or the map's source string when it is not a path or file URL). */
  file: string;
  /** The original text of that source, when the map carries it. */
  content: string | undefined;
}

const INLINE_MAP =
  /^[ \t]*\/\/[#@][ \t]+sourceMappingURL=data:application\/json(?:;charset=[-\w]+)?;base64,([A-Za-z0-9+/=]+)\s*$/;

/** The inline `//# sourceMappingURL=data:...;base64,` map on the last line(s) of `code`, if any. */
export function findInlineMap(code: string): { map: string; start: number; end: number } | undefined {
  const at = code.lastIndexOf('sourceMappingURL=data:');
  if (at < 0) return undefined;
  const lineStart = code.lastIndexOf('\n', at) + 1;
  const match = INLINE_MAP.exec(code.slice(lineStart));
  if (!match?.[1]) return undefined;
  const start = lineStart + match[0].indexOf(match[1]);
  return { map: Buffer.from(match[1], 'base64').toString('utf8'), start, end: start + match[1].length };
}

/**
 * Maps positions of generated code back through its source map (from tsc, tsx, esbuild...),
 * so the manifest and the ids name the original TypeScript.
 */
export class SourceOrigin {
  private readonly trace: TraceMap;
  private readonly files: string[];

  constructor(map: SourceMapInput, generatedFile: string) {
    this.trace = new TraceMap(map);
    const base = dirname(generatedFile);
    this.files = this.trace.resolvedSources.map((source) => resolveSource(source, base));
  }

  /** The original position of a generated one (1-based line and column); undefined when unmapped. */
  original(position: Position): OriginalPosition | undefined {
    const query = { line: position.line, column: position.column - 1 };
    let found = originalPositionFor(this.trace, { ...query, bias: GREATEST_LOWER_BOUND });
    if (found.source === null) found = originalPositionFor(this.trace, { ...query, bias: LEAST_UPPER_BOUND });
    if (found.source === null) return undefined;
    const index = this.trace.resolvedSources.indexOf(found.source);
    return {
      file: this.files[index] ?? found.source,
      line: found.line,
      column: found.column + 1,
      content: this.trace.sourcesContent?.[index] ?? undefined,
    };
  }

  /**
   * This map carried over to `code` edited by insertions (`offsets` ascending, `lengths` of the
   * texts): it maps the edited code straight to the original sources (see shiftMap).
   */
  shifted(code: string, offsets: readonly number[], lengths: readonly number[], file: string): EncodedMap {
    return shiftMap(code, offsets, lengths, decodedMappings(this.trace), {
      file,
      sources: this.trace.resolvedSources,
      sourcesContent: this.trace.resolvedSources.map((_, index) => this.trace.sourcesContent?.[index] ?? null),
      names: this.trace.names,
    });
  }

  /** The one original file when the map has a single source. */
  get singleFile(): string | undefined {
    return this.files.length === 1 ? this.files[0] : undefined;
  }
}

function resolveSource(source: string, base: string): string {
  if (source.startsWith('file:')) return fileURLToPath(source);
  if (/^[a-z][\w+.-]*:/i.test(source) && !/^[a-z]:[\\/]/i.test(source)) return source;
  return isAbsolute(source) ? source : resolve(base, source);
}
