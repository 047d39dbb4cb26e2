import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

import type * as Unplugin from 'unplugin' with { 'resolution-mode': 'import' };

import { createFileFilter, type FileFilterOptions } from '../transform/file-filter';
import { transformSource } from '../transform/transform-source';

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

/**
 * The transform as a bundler plugin (unplugin): every function of the included modules gets
 * probes. It runs before the bundler's own TypeScript / JSX handling (`enforce: 'pre'`), so
 * ids and positions are those of the sources as written.
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
  return {
    name: 'temporal-bridge-instrument',
    enforce: 'pre',
    buildStart() {
      if (manifest) {
        mkdirSync(dirname(manifest), { recursive: true });
        writeFileSync(manifest, '');
      }
    },
    transformInclude(id) {
      return accepts(id);
    },
    transform(code, id) {
      const result = transformSource(code, { filename: id, root, sourceMap: options.sourceMap !== false });
      for (const warning of result.warnings) this.warn(warning);
      if (!result.instrumented) return null;
      if (manifest) {
        const lines = result.nodes.map((node) => JSON.stringify({ file: result.file, ...node }));
        appendFileSync(manifest, `${lines.join('\n')}\n`);
      }
      return result.map ? { code: result.code, map: result.map as never } : result.code;
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
