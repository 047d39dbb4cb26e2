import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { createFileFilter } from '../transform/file-filter';
import { isInstrumented, type ManifestNode } from '../transform/manifest';
import { transformSource, type TransformOptions } from '../transform/transform-source';

/** Options of {@link instrumentDirectory}. */
export interface InstrumentDirectoryOptions {
  /** Directory of built JavaScript, instrumented in place. */
  dir: string;
  /** Project root for ids (default: the working directory). */
  root?: string;
  /** Globs (relative to the root) of files to instrument; default every .js/.mjs/.cjs. */
  include?: string[];
  /** Globs of files to leave alone (node_modules is left alone unless an include names it). */
  exclude?: string[];
}

/** What {@link instrumentDirectory} did. */
export interface InstrumentDirectorySummary {
  instrumented: string[];
  alreadyInstrumented: string[];
  /** Parsed fine, but nothing to instrument. */
  unchanged: string[];
  /** Not instrumented because of a problem (see warnings). */
  failed: string[];
  nodes: (ManifestNode & { file: string })[];
  warnings: string[];
}

const BUILT_JS = /\.[cm]?js$/;
const MAP_COMMENT = /\/\/[#@][ \t]+sourceMappingURL=([^\s'"]+)[ \t]*$/;

/**
 * Instruments every built JS file under a directory in place, for images built ahead of time:
 * already-instrumented files are skipped (running it twice is harmless), an existing `.map`
 * file is read so ids and positions name the original sources, and is rewritten with the
 * composed map.
 */
export function instrumentDirectory(options: InstrumentDirectoryOptions): InstrumentDirectorySummary {
  const root = resolve(options.root ?? process.cwd());
  const dir = resolve(options.dir);
  const accepts = createFileFilter({ root, include: options.include ?? [], exclude: options.exclude ?? [] });
  const summary: InstrumentDirectorySummary = {
    instrumented: [],
    alreadyInstrumented: [],
    unchanged: [],
    failed: [],
    nodes: [],
    warnings: [],
  };
  for (const file of walk(dir, options.include?.some((glob) => glob.includes('node_modules')) ?? false)) {
    if (!BUILT_JS.test(file) || !accepts(file)) continue;
    const code = readFileSync(file, 'utf8');
    if (isInstrumented(code)) {
      summary.alreadyInstrumented.push(file);
      continue;
    }
    const mapFile = externalMap(code, file);
    let inputSourceMap: string | undefined;
    if (mapFile) {
      try {
        inputSourceMap = readFileSync(mapFile, 'utf8');
      } catch (error) {
        summary.warnings.push(`${file}: source map ${mapFile} not read: ${(error as Error).message}`);
      }
    }
    const result = transformSource(code, {
      filename: file,
      root,
      sourceType: sourceTypeOf(file),
      ...(inputSourceMap === undefined ? {} : { inputSourceMap }),
    });
    summary.warnings.push(...result.warnings);
    if (!result.instrumented) {
      (result.warnings.some((w) => w.includes('not instrumented')) ? summary.failed : summary.unchanged).push(file);
      continue;
    }
    writeFileSync(file, result.code);
    if (mapFile && result.map) writeFileSync(mapFile, JSON.stringify(result.map));
    summary.instrumented.push(file);
    summary.nodes.push(...result.nodes.map((node) => ({ file: result.file, ...node })));
  }
  return summary;
}

function* walk(dir: string, intoNodeModules: boolean): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' && !intoNodeModules) continue;
      yield* walk(path, intoNodeModules);
    } else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) {
      yield path;
    }
  }
}

/** The `.map` file a `//# sourceMappingURL=x.js.map` comment names (inline maps are handled by the transform). */
function externalMap(code: string, file: string): string | undefined {
  const tail = code.slice(Math.max(0, code.lastIndexOf('\n', code.length - 2)));
  const url = MAP_COMMENT.exec(tail.trimEnd())?.[1];
  if (url && !url.startsWith('data:')) {
    const path = resolve(dirname(file), decodeURIComponent(url));
    return existsSync(path) ? path : undefined;
  }
  return existsSync(`${file}.map`) ? `${file}.map` : undefined;
}

/** `.mjs` / `.cjs` say it; a `.js` follows the nearest package.json's "type". */
function sourceTypeOf(file: string): TransformOptions['sourceType'] {
  if (file.endsWith('.mjs')) return 'module';
  if (file.endsWith('.cjs')) return 'script';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const type = (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type;
        return type === 'module' ? 'module' : 'unambiguous';
      } catch {
        return 'unambiguous';
      }
    }
    if (dirname(dir) === dir) return 'unambiguous';
  }
}
