import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ProbeHost } from '../test-support/probe-host';
import { transformSource } from './transform-source';

// In an import cycle a hoisted function of a module can run before that
// module's body (and so its prologue) has run. The probe must then set the
// module up itself, not hit the TDZ of a `const` (a ReferenceError the
// uninstrumented program never throws).
const files = {
  cjs: {
    'a.cjs': `exports.fromA = fromA;\nconst b = require('./b.cjs');\nfunction fromA() { return 'a'; }\nexports.result = b.result;\n`,
    'b.cjs': `const a = require('./a.cjs');\nexports.result = a.fromA() + 'b';\n`,
  },
  esm: {
    'a.mjs': `import { result } from './b.mjs';\nexport function fromA() { return 'a'; }\nexport { result };\n`,
    'b.mjs': `import { fromA } from './a.mjs';\nexport const result = fromA() + 'b';\n`,
  },
};

describe('an import cycle calling a hoisted function before its module ran', () => {
  let dir: string;
  let host: ProbeHost;
  let uninstall: () => void;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tb-cycle-'));
    host = new ProbeHost();
    uninstall = host.install();
  });
  afterEach(() => {
    uninstall();
    rmSync(dir, { recursive: true, force: true });
  });

  function write(set: Record<string, string>): void {
    for (const [name, code] of Object.entries(set)) {
      const result = transformSource(code, { filename: join(dir, name), root: dir, sourceMap: false });
      // b.* has no function of its own and stays as it is.
      expect(result.instrumented).toBe(name.startsWith('a.'));
      writeFileSync(join(dir, name), result.code);
    }
  }

  it('works in CommonJS, and the early call is recorded', () => {
    write(files.cjs);
    const loaded = createRequire(join(dir, 'entry.cjs'))('./a.cjs') as { result: string };
    expect(loaded.result).toBe('ab');
    expect(host.calls.map((c) => c.id)).toEqual(['a.cjs:fromA:function']);
    expect(host.descriptors.map((d) => d.file)).toEqual(['a.cjs']);
  });

  it('works in ES modules, and the early call is recorded', async () => {
    write(files.esm);
    const loaded = (await import(pathToFileURL(join(dir, 'a.mjs')).href)) as { result: string };
    expect(loaded.result).toBe('ab');
    expect(host.calls.map((c) => c.id)).toEqual(['a.mjs:fromA:function']);
    // The module registered once, though its probes were reached before its prologue ran.
    expect(host.descriptors.map((d) => d.file)).toEqual(['a.mjs']);
  });
});
