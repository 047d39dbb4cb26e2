import { isAbsolute, relative, sep } from 'node:path';

import picomatch from 'picomatch';

/**
 * Whether a module file (absolute path) is one of the app's to instrument:
 * globs relative to the root, POSIX. Files outside the root and the SDK's
 * own directories never are; files under node_modules only when an include
 * glob names node_modules (a dependency is instrumented on purpose, never by
 * accident).
 *
 * @example
 * const instruments = fileFilter('/app', ['src/**'], ['src/**\/*.spec.ts'], []);
 * instruments('/app/src/server.ts'); // true
 */
export function fileFilter(
  root: string,
  include: readonly string[],
  exclude: readonly string[],
  sdkDirs: readonly string[],
): (file: string) => boolean {
  const options = { dot: true };
  const included = picomatch([...include], options);
  const excluded = exclude.length === 0 ? () => false : picomatch([...exclude], options);
  const namesNodeModules = include.some((glob) => glob.includes('node_modules'));
  const sdk = sdkDirs.map((dir) => (dir.endsWith(sep) ? dir : dir + sep));
  return (file: string): boolean => {
    if (!isAbsolute(file)) return false;
    if (sdk.some((dir) => file.startsWith(dir))) return false;
    const rel = relative(root, file);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    if (!namesNodeModules && (posix.startsWith('node_modules/') || posix.includes('/node_modules/'))) return false;
    return included(posix) && !excluded(posix);
  };
}
