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
 * `compiled`: the code already went through a loader (tsx, ts-node): a .ts
 * file's code is then JavaScript, and its inline source map (which the
 * transform composes) leads positions and ids back to the TypeScript source.
 */
export function instrumentFile(
  code: string,
  filename: string,
  root: string,
  sourceType: 'module' | 'script',
  compiled: boolean,
): string {
  try {
    const ext = extname(filename);
    const lang = TYPESCRIPT.has(ext) ? (compiled ? 'js' : ext === '.tsx' ? 'tsx' : 'ts') : undefined;
    // Lines never move, so plain JavaScript needs no map; code from a loader (tsx, ts-node) carries
    // an inline map, which the transform replaces with the composed one (columns stay right).
    const sourceMap = code.includes('sourceMappingURL=data:');
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
