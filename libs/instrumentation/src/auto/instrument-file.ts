import { extname } from 'node:path';

import { transformSource } from '@temporal-bridge/auto-instrument';

/** What the module hooks need to decide and transform (plain data: it crosses to the ESM hooks thread). */
export interface HookSettings {
  root: string;
  include: string[];
  exclude: string[];
  /** Directories never instrumented: the SDK and the packages it runs on. */
  sdkDirs: string[];
}

const TYPESCRIPT = new Set(['.ts', '.tsx', '.mts', '.cts']);

/**
 * The instrumented source of one application file, or the input unchanged.
 * A file the parser cannot handle loads uninstrumented, with one warning on
 * stderr naming it; nothing here throws into the loader.
 *
 * A .ts file's code is JavaScript when a loader (tsx, ts-node) compiled it
 * before: it then carries an inline source map, which the transform composes
 * so that positions and ids lead back to the TypeScript source. Without one
 * it is TypeScript itself (a loader that runs after this hook, or Node's own
 * type stripping), parsed as such. `compiled` forces JavaScript.
 */
export function instrumentFile(
  code: string,
  filename: string,
  root: string,
  sourceType: 'module' | 'script' | 'unambiguous',
  compiled: boolean,
): string {
  try {
    const ext = extname(filename);
    // Lines never move, so plain JavaScript needs no map; code from a loader (tsx, ts-node) carries
    // an inline map, which the transform replaces with the composed one (columns stay right).
    const sourceMap = code.includes('sourceMappingURL=data:');
    const lang = TYPESCRIPT.has(ext) ? (compiled || sourceMap ? 'js' : ext === '.tsx' ? 'tsx' : 'ts') : undefined;
    const result = transformSource(code, {
      filename,
      root,
      sourceType,
      sourceMap,
      ...(lang === undefined ? {} : { lang }),
    });
    for (const warning of result.warnings) process.stderr.write(`temporal-bridge: ${warning}\n`);
    return result.instrumented ? result.code : code;
  } catch (error) {
    process.stderr.write(
      `temporal-bridge: ${filename}: not instrumented: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return code;
  }
}
