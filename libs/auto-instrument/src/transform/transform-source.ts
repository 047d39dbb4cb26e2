import { basename } from 'node:path';

import type { SourceMapInput } from '@jridgewell/trace-mapping';
import { parseSync, type ParserOptions } from './parser';

import type { AstNode } from './ast';
import { contentHash, projectPath, toFilePath } from './ids';
import { editMap } from './edit-map';
import { applyInsertions, Insertions } from './insertions';
import { Instrumenter, type NodeLocator } from './instrumenter';
import { originalSpans, type Span } from './original-spans';
import { isInstrumented, type ManifestNode, prologue } from './manifest';
import { findInlineMap, LineIndex, type Position, SourceOrigin } from './source-origin';

/** Options of {@link transformSource}. */
export interface TransformOptions {
  /** Absolute path (or `file:` URL) of the file being transformed. */
  filename: string;
  /** Project root: ids use the path relative to it, with POSIX separators. */
  root: string;
  /** Default: `module` for .mjs/.mts, `script` (CommonJS) for .cjs/.cts, else `unambiguous`. */
  sourceType?: 'module' | 'script' | 'unambiguous';
  /** Default from the extension. */
  lang?: 'js' | 'jsx' | 'ts' | 'tsx';
  /** Map of `code` back to the original (tsc / tsx / esbuild output); an inline map in `code` is used otherwise. */
  inputSourceMap?: object | string;
  /** Emit a source map of the edit, composed with the input map (default true). */
  sourceMap?: boolean;
}

/** A source map (v3) as a plain object. */
export interface SourceMapObject {
  version: number;
  sources: (string | null)[];
  mappings: string;
  names: string[];
  [key: string]: unknown;
}

/** The result of {@link transformSource}. */
export interface TransformResult {
  /** Instrumented code, or the input unchanged. */
  code: string;
  /** Source map of the edit (composed with the input map when there was one). */
  map?: SourceMapObject;
  /** The instrumented functions; node i is probe index i. */
  nodes: ManifestNode[];
  /** The project-relative path of the original source the descriptor names. */
  file: string;
  /** False when the code was left as it is (already instrumented, nothing to instrument, or failed). */
  instrumented: boolean;
  /** Problems worth telling the user, each naming the file. */
  warnings: string[];
}

/**
 * Instruments every function of one JS/TS source file with entry / exit / error probes, keeping
 * line numbers and behaviour. Never throws: a file the parser cannot handle comes back unchanged
 * with a warning naming it.
 *
 * @example
 * const { code, nodes } = transformSource(source, { filename: '/app/src/orders.ts', root: '/app' });
 * // nodes[0].ast_node_id === 'src/orders.ts:OrderService.place:method'
 */
export function transformSource(code: string, options: TransformOptions): TransformResult {
  let file = options.filename;
  try {
    file = projectPath(options.root, options.filename);
    return transform(code, options, file);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return unchanged(code, file, [`${file}: not instrumented: ${message}`]);
  }
}

function unchanged(code: string, file: string, warnings: string[]): TransformResult {
  return { code, nodes: [], file, instrumented: false, warnings };
}

function transform(code: string, options: TransformOptions, file: string): TransformResult {
  if (isInstrumented(code)) return unchanged(code, file, []);
  const filename = toFilePath(options.filename);
  const lines = new LineIndex(code);
  const parsed = parseSync(filename, code, {
    lang: options.lang ?? langOf(filename),
    sourceType: parserSourceType(options.sourceType ?? sourceTypeOf(filename)),
    preserveParens: true,
  });
  const error = parsed.errors.find((e) => String(e.severity) === 'Error');
  if (error) {
    const at = lines.position(error.labels[0]?.start ?? 0);
    return unchanged(code, file, [`${file}: not instrumented: ${error.message} at ${at.line}:${at.column}`]);
  }
  const warnings: string[] = [];
  const inline = findInlineMap(code);
  const inputMap = options.inputSourceMap ?? inline?.map;
  let origin: SourceOrigin | undefined;
  if (inputMap !== undefined) {
    try {
      origin = new SourceOrigin(inputMap as SourceMapInput, filename);
    } catch (mapError) {
      warnings.push(`${file}: source map ignored: ${mapError instanceof Error ? mapError.message : String(mapError)}`);
    }
  }
  const descriptorFile = origin?.singleFile !== undefined ? projectPath(options.root, origin.singleFile) : file;

  let identifier = '__tb';
  for (let n = 1; code.includes(identifier); n += 1) identifier = `__tb${n}`;
  const edits = new Insertions();
  const instrumenter = new Instrumenter(code, edits, locator(code, lines, options.root, file, origin), identifier);
  instrumenter.run(parsed.program as unknown as AstNode);
  const nodes = instrumenter.nodes;
  if (nodes.length === 0) return { ...unchanged(code, file, warnings), file: descriptorFile };

  edits.prependLeft(
    prologueOffset(code, parsed.program as unknown as AstNode),
    prologueText(identifier, descriptorFile, nodes, code, parsed.program as unknown as AstNode),
  );
  const { offsets, texts } = edits.sorted();
  let output = applyInsertions(code, offsets, texts);
  let map: SourceMapObject | undefined;
  if (options.sourceMap !== false) {
    const name = basename(filename);
    const lengths = texts.map((text) => text.length);
    if (origin) {
      map = origin.shifted(code, offsets, lengths, name) as unknown as SourceMapObject;
      const stale = findInlineMap(output);
      if (inline && stale) {
        const data = Buffer.from(JSON.stringify(map)).toString('base64');
        output = output.slice(0, stale.start) + data + output.slice(stale.end);
      }
    } else {
      map = editMap(code, offsets, lengths, name) as unknown as SourceMapObject;
    }
  }
  return { code: output, ...(map ? { map } : {}), nodes, file: descriptorFile, instrumented: true, warnings };
}

function prologueText(identifier: string, file: string, nodes: ManifestNode[], code: string, program: AstNode): string {
  const text = prologue(identifier, { file, nodes });
  const last = directives(program).at(-1);
  return last && code[last.end - 1] !== ';' ? `;${text}` : text;
}

function directives(program: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const statement of (program.body as AstNode[] | undefined) ?? []) {
    if (statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string') break;
    out.push(statement);
  }
  return out;
}

/** After the directive prologue, else at the start of the line after a hashbang, else at 0. */
function prologueOffset(code: string, program: AstNode): number {
  const last = directives(program).at(-1);
  if (last) return last.end;
  const hashbang = program.hashbang as AstNode | null | undefined;
  if (!hashbang) return 0;
  const newline = code.indexOf('\n', hashbang.end);
  return newline < 0 ? code.length : newline + 1;
}

function locator(
  code: string,
  lines: LineIndex,
  root: string,
  file: string,
  origin: SourceOrigin | undefined,
): NodeLocator {
  const originals = new Map<string, { index: LineIndex; spans: Map<number, Span> }>();
  const original = (path: string, content: string): { index: LineIndex; spans: Map<number, Span> } => {
    let entry = originals.get(path);
    if (!entry) {
      entry = { index: new LineIndex(content), spans: originalSpans(path, content) };
      originals.set(path, entry);
    }
    return entry;
  };
  return {
    pathAt(start, isFunction) {
      if (!origin) return file;
      const found = origin.original(lines.position(start));
      if (!found) return undefined; // compiler-generated (helpers): no source to point at
      if (found.content !== undefined) {
        const { index, spans } = original(found.file, found.content);
        // Code the compiler made up (esbuild's export getters...) maps to no function start.
        if (isFunction && spans.size > 0 && !spans.has(index.offset(found))) return undefined;
      }
      return projectPath(root, found.file);
    },
    describe(start, end, name, kind, anonymous, flags, ids) {
      let from: Position = lines.position(start);
      let to: Position = lines.position(end);
      let path = file;
      let text = code.slice(start, end);
      if (origin) {
        const first = origin.original(from);
        if (!first) return undefined; // pathAt() said so already
        path = projectPath(root, first.file);
        const { index, spans } = first.content !== undefined ? original(first.file, first.content) : {};
        const span = spans?.get(index?.offset(first) ?? -1);
        if (index && span && first.content !== undefined) {
          from = index.position(span.start);
          to = index.position(span.end);
          text = first.content.slice(span.start, span.end);
        } else {
          // No original text to parse: the end is where the map puts the last character.
          const last = origin.original(lines.position(Math.max(start, end - 1)));
          from = first;
          to =
            last && last.file === first.file && last.line >= first.line
              ? { line: last.line, column: last.column + 1 }
              : { line: first.line, column: first.column };
        }
      }
      return {
        ast_node_id: ids(path).id(path, name, kind, anonymous),
        kind,
        name,
        line: from.line,
        column: from.column,
        end_line: to.line,
        end_column: to.column,
        hash: contentHash(text),
        ...flags,
      };
    },
  };
}

function langOf(filename: string): NonNullable<TransformOptions['lang']> {
  if (/\.[cm]?tsx?$/.test(filename)) return filename.endsWith('x') ? 'tsx' : 'ts';
  return filename.endsWith('.jsx') ? 'jsx' : 'js';
}

function sourceTypeOf(filename: string): NonNullable<TransformOptions['sourceType']> {
  if (/\.m[jt]s$/.test(filename)) return 'module';
  if (/\.c[jt]s$/.test(filename)) return 'script';
  return 'unambiguous';
}

/** CommonJS files are scripts that may `return` at top level: oxc's `commonjs` mode. */
function parserSourceType(sourceType: NonNullable<TransformOptions['sourceType']>): ParserOptions['sourceType'] {
  return sourceType === 'script' ? 'commonjs' : sourceType;
}
