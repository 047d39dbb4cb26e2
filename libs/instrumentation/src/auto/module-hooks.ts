import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { instrumentLoaded, useSyncHooks } from './esm-hooks';
import { fileFilter } from './file-filter';
import { instrumentFile, type HookSettings } from './instrument-file';

type Compile = (this: unknown, content: string, filename: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
}
type RegisterHooks = (hooks: {
  load: (url: string, context: unknown, nextLoad: (url: string, context?: unknown) => unknown) => unknown;
}) => { deregister?: () => void };

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
 * instrumented once. Returns the undo (for a start that fails half way).
 */
export function installModuleHooks(settings: HookSettings): () => void {
  const instruments = fileFilter(settings.root, settings.include, settings.exclude, settings.sdkDirs);
  const proto = (Module as unknown as ModuleInternals).prototype;
  const original = proto._compile;
  proto._compile = function compile(this: unknown, content: string, filename: string): unknown {
    const code =
      typeof content === 'string' && typeof filename === 'string' && instruments(filename)
        ? instrumentFile(content, filename, settings.root, 'script', true)
        : content;
    return original.call(this, code, filename);
  };
  const undo = (): void => {
    proto._compile = original;
  };
  try {
    const registerHooks = (Module as unknown as { registerHooks?: RegisterHooks }).registerHooks;
    if (typeof registerHooks === 'function') {
      useSyncHooks(settings);
      registerHooks({ load: (url, context, nextLoad) => instrumentLoaded(url, nextLoad(url, context) as never) });
    } else {
      // The hooks module sits next to this file in the build (dist/auto/esm-hooks.js).
      Module.register(pathToFileURL(join(__dirname, 'esm-hooks.js')), { data: settings });
    }
  } catch (error) {
    undo();
    throw error;
  }
  return undo;
}
