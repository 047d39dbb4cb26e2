import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { instrumentLoaded, useSyncHooks } from './esm-hooks';
import { fileFilter } from './file-filter';
import { instrumentFile, type HookSettings } from './instrument-file';

type Compile = (this: unknown, content: string, filename: string, ...rest: unknown[]) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
}
type RegisterHooks = (hooks: {
  load: (url: string, context: unknown, nextLoad: (url: string, context?: unknown) => unknown) => unknown;
}) => { deregister?: () => void };

/** The formats Node 22 hands `_compile` as TypeScript, to strip (22.6+: type stripping). */
const TS_FORMATS = new Set<unknown>(['commonjs-typescript', 'module-typescript', 'typescript']);
/** How to parse what `_compile` gets, by format ('typescript' is either: Node detects it after stripping). */
const SOURCE_TYPES: Record<string, 'module' | 'script' | 'unambiguous'> = {
  module: 'module',
  'module-typescript': 'module',
  typescript: 'unambiguous',
};

/** The ES module hook installed: in-thread (Node 22.15+) or in Node's loader thread (Node 20.19+). */
export type EsmHook = 'module.registerHooks' | 'module.register';

/** What `installModuleHooks` installed, and its undo (for a start that fails half way). */
export interface InstalledHooks {
  esm: EsmHook;
  undo: () => void;
}

/**
 * Installs the module hooks that instrument the app's files as they load:
 *
 * - CommonJS: `Module.prototype._compile`, which sees the final JavaScript of
 *   every CommonJS module (after tsx / ts-node compiled it: the transform
 *   follows their inline source maps back to the TypeScript);
 * - ES modules: `module.registerHooks` (Node 22.15+: synchronous, in-thread,
 *   require and import alike) or else `module.register` with a `load` hook in
 *   Node's loader thread (Node 20.19+).
 *
 * Already-instrumented code carries a marker, so a module both hooks see is
 * instrumented once.
 */
export function installModuleHooks(settings: HookSettings): InstalledHooks {
  const instruments = fileFilter(settings.root, settings.include, settings.exclude, settings.sdkDirs);
  const proto = (Module as unknown as ModuleInternals).prototype;
  const original = proto._compile;
  // Node 22 passes a third argument, the format: TypeScript formats are stripped by the original
  // _compile (so the content here is still TypeScript), 'module' is an ES module that require() loads.
  proto._compile = function compile(this: unknown, content: string, filename: string, ...rest: unknown[]): unknown {
    const format = rest[0];
    const code =
      typeof content === 'string' && typeof filename === 'string' && instruments(filename)
        ? instrumentFile(
            content,
            filename,
            settings.root,
            SOURCE_TYPES[String(format)] ?? 'script',
            !TS_FORMATS.has(format),
          )
        : content;
    return original.call(this, code, filename, ...rest);
  };
  const undo = (): void => {
    proto._compile = original;
  };
  try {
    const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
    if (typeof registerHooks === 'function') {
      useSyncHooks(settings);
      registerHooks({ load: (url, context, nextLoad) => instrumentLoaded(url, nextLoad(url, context) as never) });
      return { esm: 'module.registerHooks', undo };
    }
    // The hooks module sits next to this file in the build (dist/auto/esm-hooks.js).
    Module.register(pathToFileURL(join(__dirname, 'esm-hooks.js')), { data: settings });
    return { esm: 'module.register', undo };
  } catch (error) {
    undo();
    throw error;
  }
}
