import { isAbsolute, relative, resolve } from 'node:path';

import picomatch from 'picomatch';

/** Which files to instrument: globs relative to the root, POSIX separators. */
export interface FileFilterOptions {
  /** Globs of files to instrument (default: every JS/TS file). */
  include?: string | string[];
  /** Globs of files to leave alone; node_modules is excluded unless an include glob names it. */
  exclude?: string | string[];
  /** Directory the globs are relative to (default: the working directory). */
  root?: string;
}

const SOURCE_FILES = '**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}';
const DECLARATIONS = /\.d\.[cm]?ts$/;

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).filter((glob) => glob.length > 0);

/**
 * A predicate on absolute paths (query strings and `\0` virtual ids are rejected): inside the
 * include globs, outside the exclude globs, not a declaration file, and not under node_modules
 * unless an include glob names node_modules.
 */
export function createFileFilter(options: FileFilterOptions = {}): (file: string) => boolean {
  const root = resolve(options.root ?? process.cwd());
  const include = list(options.include);
  const exclude = list(options.exclude);
  const included = picomatch(include.length > 0 ? include : [SOURCE_FILES], { dot: true });
  const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const allowNodeModules = include.some((glob) => glob.includes('node_modules'));
  return (file) => {
    if (file.startsWith('\0') || file.includes('?')) return false;
    const rel = (isAbsolute(file) ? relative(root, file) : file).split('\\').join('/');
    if (!/\.[cm]?[jt]sx?$/.test(rel) || DECLARATIONS.test(rel)) return false;
    if (!allowNodeModules && rel.split('/').includes('node_modules')) return false;
    return included(rel) && !excluded(rel);
  };
}
