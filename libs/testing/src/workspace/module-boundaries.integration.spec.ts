import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../../..');

// Without a computed project graph @nx/enforce-module-boundaries skips itself
// with nothing but a console warning: compute it first, as `npm run lint` does.
beforeAll(async () => {
  await promisify(execFile)(join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
  });
});

/**
 * Lints a throw-away file placed inside a project, with the workspace's real
 * ESLint config, and returns the rule ids it reports.
 */
async function ruleViolations(projectDir: string, source: string): Promise<string[]> {
  const file = join(root, projectDir, 'src', `boundary-probe-${process.pid}.ts`);
  writeFileSync(file, source);
  try {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('module boundaries (enforced by npm run lint)', () => {
  it('rejects a lib importing a service', async () => {
    const rules = await ruleViolations(
      'libs/temporal-storage',
      "import * as query from '@temporal-bridge/query';\nexport const probe = query;\n",
    );
    expect(rules).toContain('@nx/enforce-module-boundaries');
  });

  it('rejects the SDK importing server-side clients', async () => {
    const rules = await ruleViolations(
      'libs/instrumentation',
      "import { Redis } from 'ioredis';\nexport const probe = Redis;\n",
    );
    expect(rules).toContain('@nx/enforce-module-boundaries');
  });

  it('rejects production code importing the testing lib', async () => {
    const rules = await ruleViolations(
      'libs/event-schema',
      "import { uniqueName } from '@temporal-bridge/testing';\nexport const probe = uniqueName;\n",
    );
    expect(rules).toContain('no-restricted-imports');
  });

  it('accepts a service importing a lib', async () => {
    const rules = await ruleViolations(
      'services/query',
      "import * as storage from '@temporal-bridge/temporal-storage';\nexport const probe = storage;\n",
    );
    expect(rules).toEqual([]);
  });
});
