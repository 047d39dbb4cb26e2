#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { instrumentDirectory } from './instrument-directory';

const USAGE = `usage: temporal-bridge-instrument <dir> [--root <dir>] [--manifest <file>]
                                  [--include <glob>]... [--exclude <glob>]...
Instruments every built .js/.mjs/.cjs file under <dir> in place.`;

/** Where the CLI writes (process.stdout / process.stderr, or a test's buffer). */
export interface Output {
  write(chunk: string): unknown;
}

/** Runs the CLI; returns the exit code (0 done, warnings included; 2 bad usage or unreadable directory). */
export function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        manifest: { type: 'string' },
        include: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] === undefined) {
    err.write(`expected exactly one directory\n${USAGE}\n`);
    return 2;
  }
  const root = resolve(values.root ?? process.cwd());
  let summary;
  try {
    summary = instrumentDirectory({
      dir: positionals[0],
      root,
      include: values.include ?? [],
      exclude: values.exclude ?? [],
    });
  } catch (error) {
    err.write(`temporal-bridge-instrument: ${(error as Error).message}\n`);
    return 2;
  }
  for (const warning of summary.warnings) err.write(`warning: ${warning}\n`);
  if (values.manifest) {
    writeFileSync(values.manifest, summary.nodes.map((node) => `${JSON.stringify(node)}\n`).join(''));
  }
  const show = (files: string[]): string =>
    files.length > 0 ? ` (${files.map((f) => relative(root, f)).join(', ')})` : '';
  out.write(
    `instrumented ${summary.instrumented.length} files, ${summary.nodes.length} functions; ` +
      `skipped ${summary.alreadyInstrumented.length} already instrumented, ` +
      `${summary.unchanged.length} without functions; ${summary.failed.length} failed${show(summary.failed)}\n`,
  );
  // A file that cannot be instrumented stays as it was and working: a warning, not a failed build.
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
