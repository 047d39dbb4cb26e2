// Module customization hooks (module.register, Node 20.19+), run by Node in
// its loader thread: the settings arrive through `data` (plain JSON), and
// the instrumented code carries its descriptor to the probe host of the main
// thread, which publishes the manifest. CommonJS is left to the CommonJS
// loader, where the _compile hook instruments it (also under tsx/ts-node).
import { fileURLToPath } from 'node:url';

import { fileFilter } from './file-filter';
import { instrumentFile, type HookSettings } from './instrument-file';

let root = '';
let instruments: (file: string) => boolean = () => false;

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}

type NextLoad = (url: string, context?: unknown) => LoadResult | Promise<LoadResult>;

/** Receives the settings from `module.register(..., { data })`. */
export function initialize(settings: HookSettings): void {
  root = settings.root;
  instruments = fileFilter(settings.root, settings.include, settings.exclude, settings.sdkDirs);
}

/** Instruments the app's ES modules (and TypeScript that Node itself strips, on newer Node). */
export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  return instrumentLoaded(url, await nextLoad(url, context));
}

/** The load hook's work, shared with the synchronous `module.registerHooks` of Node 22.15+. */
export function instrumentLoaded(url: string, result: LoadResult): LoadResult {
  const format = result.format;
  const typescript = format === 'module-typescript' || format === 'commonjs-typescript';
  if (format !== 'module' && !typescript && format !== 'commonjs') return result;
  if (!url.startsWith('file:') || result.source === undefined || result.source === null) return result;
  // CommonJS with a source: in-thread hooks see every CommonJS module here; in the loader thread,
  // Node's default load gives no source (the CommonJS loader reads it, through _compile), so a
  // source means a loader (tsx, for a .cts imported from an ES module) supplied it and Node will
  // compile it itself, never calling _compile: this is the only place to instrument it.

  const file = fileURLToPath(url);
  if (!instruments(file)) return result;
  const code =
    typeof result.source === 'string' ? result.source : Buffer.from(result.source as ArrayBuffer).toString('utf8');
  const sourceType = format === 'module' || format === 'module-typescript' ? 'module' : 'script';
  return { ...result, source: instrumentFile(code, file, root, sourceType, false) };
}

/** registerHooks (in-thread) sees CommonJS too, with its source: instrumented there by `instrumentLoaded`. */
export function useSyncHooks(settings: HookSettings): void {
  initialize(settings);
}
