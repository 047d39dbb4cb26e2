import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

/** Every Nx project with sources: libs/* and services/*. */
const projectDirs = ['libs', 'services'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(group, name))
    .filter((dir) => existsSync(join(root, dir, 'project.json'))),
);

/** The tsconfig path aliases, so tests run against sources, never stale builds. */
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, [string]> };
};
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, resolve(root, target)]),
);

export default defineConfig({
  plugins: [
    // esbuild (Vite's default) cannot emit decorator metadata, which NestJS DI needs.
    swc.vite({
      tsconfigFile: false,
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
  resolve: { alias },
  test: {
    // Integration tests start real servers and child processes; forks keep
    // native code (chdb) and process state of one test file away from others.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    passWithNoTests: false,
    projects: projectDirs.map((dir) => ({
      extends: true,
      root: join(root, dir),
      test: {
        name: dir.split('/')[1] ?? dir,
        include: ['src/**/*.spec.ts'],
      },
    })),
  },
});
