// Flat ESLint config: type-checked TypeScript rules for all sources, and Nx
// module boundaries so dependencies point one way (services -> libs) and the
// SDK stays light. See docs/style.md.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'data/**', '.nx/**', 'tmp/**'],
  },
  js.configs.recommended,
  {
    plugins: { '@nx': nx },
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/require-await': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Libs never import services.
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            {
              // Applications install the SDK: it must not drag servers' clients along.
              sourceTag: 'scope:sdk',
              // scope:sdk: the runtime loads the transform (libs/auto-instrument).
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:sdk', 'scope:testing'],
              bannedExternalImports: [
                '@nestjs/*',
                '@clickhouse/*',
                'ioredis',
                'chdb',
                'chdb/*',
                'fastify',
                '@fastify/*',
              ],
            },
            { sourceTag: 'scope:storage', onlyDependOnLibsWithTags: ['scope:shared', 'scope:testing'] },
            // OTLP decoding and mapping: knows the wire event, nothing of servers.
            { sourceTag: 'scope:otlp', onlyDependOnLibsWithTags: ['scope:shared', 'scope:testing'] },
            {
              sourceTag: 'scope:bridge',
              onlyDependOnLibsWithTags: [
                'scope:shared',
                'scope:storage',
                'scope:bridge',
                'scope:service-kit',
                'scope:otlp',
                'scope:testing',
              ],
            },
            {
              sourceTag: 'scope:query',
              onlyDependOnLibsWithTags: ['scope:shared', 'scope:storage', 'scope:service-kit', 'scope:testing'],
            },
            {
              // Standalone serves the query service's routes with the same code.
              sourceTag: 'scope:standalone',
              onlyDependOnLibsWithTags: [
                'scope:shared',
                'scope:storage',
                'scope:bridge',
                'scope:query',
                'scope:sdk',
                'scope:service-kit',
                'scope:otlp',
                'scope:testing',
              ],
            },
            // Plumbing for the services; it knows nothing of the domain.
            { sourceTag: 'scope:service-kit', onlyDependOnLibsWithTags: ['scope:service-kit', 'scope:testing'] },
            { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:testing'] },
            // Benchmarks measure any part of the system; nothing imports them.
            { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:lib', 'type:service', 'type:bench'] },
          ],
        },
      ],
    },
  },
  {
    // The testing lib is for specs only; production code must not import it.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts', '**/test-support/**', '**/__fixtures__/**', 'libs/testing/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@temporal-bridge/testing', message: 'libs/testing is for tests and benchmarks only.' }] },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  prettier,
);
