import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';

import type { SourceMapInput } from '@jridgewell/trace-mapping';
import type * as Unplugin from 'unplugin' with { 'resolution-mode': 'import' };

import { createFileFilter, type FileFilterOptions } from '../transform/file-filter';
import { type SourceMapObject, transformSource } from '../transform/transform-source';
import { stepMap } from './step-map';

/** Options of the bundler plugin. */
export interface InstrumentPluginOptions extends FileFilterOptions {
  /** Project root: ids use paths relative to it (default: the working directory). */
  root?: string;
  /** Emit source maps of the edit (default true; the bundler chains them). */
  sourceMap?: boolean;
  /** Also write the manifest (JSON lines, one node per line, with its file) to this path. */
  manifest?: string;
}

// unplugin ships as ES modules only; see transform/parser.ts for why require() is fine here.
const { createUnplugin } = createRequire(__filename)('unplugin') as typeof Unplugin;

/** What the plugin reads of the bundler's own context in `transform` (Rollup, Vite, Rolldown; webpack, rspack). */
interface TransformContext {
  getCombinedSourcemap?: () => SourceMapInput;
  getNativeBuildContext?: () => { framework: string; inputSourceMap?: unknown };
}

/**
 * The map from `code` back to the file as written, when something ran on the module before this
 * plugin. It is meant to see each file as written (it runs first: below), but a webpack loader of
 * another `enforce: 'pre'` rule (source-map-loader, a TypeScript loader) or a Rollup / Vite plugin
 * whose transform is also `order: 'pre'` hands it compiled code: the transform then follows this
 * map, so ids and lines still name the original and the compiler's helpers are left alone.
 * Undefined when the code is the file (esbuild always gives the plugin the file as loaded).
 */
function earlierMap(context: TransformContext, code: string, id: string): SourceMapInput | undefined {
  const native = context.getNativeBuildContext?.();
  if (native?.framework === 'webpack' || native?.framework === 'rspack')
    return (native.inputSourceMap as SourceMapInput | null | undefined) ?? undefined;
  if (typeof context.getCombinedSourcemap !== 'function') return undefined;
  let written: string;
  try {
    written = readFileSync(id, 'utf8');
  } catch {
    return undefined; // not a file on disk: its code is all there is
  }
  return written === code ? undefined : context.getCombinedSourcemap();
}

/**
 * The edit's map with absolute source paths: the transform names sources relative to the file,
 * as a map beside it would; bundlers take a plugin's or loader's sources as given (webpack would
 * show `webpack://app/item.js` for `src/catalog/item.js`) or resolve them against the module.
 */
function withAbsoluteSources(map: SourceMapObject, id: string): SourceMapObject {
  const dir = dirname(id);
  return { ...map, sources: map.sources.map((s) => (s === null || isAbsolute(s) ? s : resolve(dir, s))) };
}

/**
 * The transform as a bundler plugin (unplugin): every function of the included modules gets
 * probes. It runs before the bundler's own TypeScript / JSX handling and other plugins'
 * transforms (`enforce: 'pre'` in Vite and webpack, `order: 'pre'` in Rollup / Vite / Rolldown;
 * esbuild hands it the file as loaded), so ids and positions are those of the sources as
 * written; if something changed a module before it anyway, it follows that map back (`earlierMap`)
 * and gives the bundler the map of its own step (`stepMap`).
 *
 * @example
 * // vite.config.ts
 * import { vitePlugin as instrument } from '@temporal-bridge/auto-instrument/plugin';
 * export default { plugins: [instrument({ include: ['src/**'] })] };
 */
export const instrumentPlugin = createUnplugin((options: InstrumentPluginOptions | undefined = {}) => {
  const root = resolve(options.root ?? process.cwd());
  const accepts = createFileFilter({ ...options, root });
  const manifest = options.manifest === undefined ? undefined : resolve(root, options.manifest);
  const sourceMap = options.sourceMap !== false;
  // The manifest lines of each module, kept across rebuilds: in watch mode (and with Rollup's
  // cache) only changed modules pass through `transform` again, the others keep their lines.
  // Written whole when a build ends.
  const manifestLines = new Map<string, string>();
  return {
    name: 'temporal-bridge-instrument',
    enforce: 'pre',
    transformInclude(id) {
      return accepts(id);
    },
    // `order: 'pre'` (Rollup, Vite, Rolldown): before the other plugins' transforms wherever it is
    // listed, so a TypeScript plugin earlier in the list still compiles the instrumented source.
    transform: Object.assign(
      {
        handler(this: Unplugin.UnpluginBuildContext & Unplugin.UnpluginContext, code: string, id: string) {
          const inputSourceMap = earlierMap(this, code, id);
          const result = transformSource(code, {
            filename: id,
            root,
            sourceMap,
            ...(inputSourceMap === undefined ? {} : { inputSourceMap }),
          });
          for (const warning of result.warnings) this.warn(warning);
          if (!result.instrumented) {
            manifestLines.delete(id);
            return null;
          }
          if (manifest)
            manifestLines.set(
              id,
              result.nodes.map((node) => JSON.stringify({ file: result.file, ...node })).join('\n'),
            );
          if (!result.map) return result.code;
          // The bundler chains the maps: it needs this step's own (see stepMap).
          const map =
            inputSourceMap === undefined
              ? withAbsoluteSources(result.map, id)
              : stepMap(result.map, inputSourceMap, id);
          if (!map)
            this.warn(`${id}: no source map for the instrumentation step (the input map could not be followed)`);
          return { code: result.code, map: (map ?? null) as never };
        },
      },
      { order: 'pre' as const },
    ),
    buildEnd() {
      if (!manifest) return;
      mkdirSync(dirname(manifest), { recursive: true });
      const lines = [...manifestLines.values()];
      writeFileSync(manifest, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    },
  };
});

/** For Vite. */
export const vitePlugin = instrumentPlugin.vite;
/** For Rollup. */
export const rollupPlugin = instrumentPlugin.rollup;
/** For webpack (and rspack through `instrumentPlugin.rspack`). */
export const webpackPlugin = instrumentPlugin.webpack;
/** For esbuild. */
export const esbuildPlugin = instrumentPlugin.esbuild;
