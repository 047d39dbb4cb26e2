// Loader hook of built-entries.mjs: a main entry `<cwd>/<path>.<ext>` outside `<cwd>/dist/`
// resolves to `<cwd>/dist/<path>.mjs`, the bundle the plugin built of it.
import { pathToFileURL } from 'node:url';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (context.parentURL !== undefined) return resolved;
  const cwd = pathToFileURL(`${process.cwd()}/`).href;
  if (!resolved.url.startsWith(cwd) || resolved.url.startsWith(`${cwd}dist/`)) return resolved;
  const built = resolved.url.slice(cwd.length).replace(/\.[cm]?[jt]s$/, '.mjs');
  return { url: `${cwd}dist/${built}`, format: 'module', shortCircuit: true };
}
