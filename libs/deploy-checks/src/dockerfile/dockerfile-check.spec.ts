import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoPath } from '@temporal-bridge/testing';
import { afterAll, describe, expect, it } from 'vitest';

import { dockerfileProblems } from './dockerfile-check';

const DOCKERFILE = repoPath('deploy/Dockerfile');
const scratch = mkdtempSync(join(tmpdir(), 'tb-dockerfile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function brokenCopy(name: string, edit: (text: string) => string): string {
  const original = readFileSync(DOCKERFILE, 'utf8');
  const edited = edit(original);
  expect(edited).not.toBe(original);
  const file = join(scratch, name);
  writeFileSync(file, edited);
  return file;
}

describe('deploy/Dockerfile', () => {
  it('passes dockerfilelint and runs as a non-root user with a healthcheck', () => {
    expect(dockerfileProblems(DOCKERFILE)).toEqual([]);
  });

  it('keeps chdb out of bridge and query images unless EMBEDDED=1', () => {
    const text = readFileSync(DOCKERFILE, 'utf8');
    expect(text).toMatch(
      /if \[ "\$SERVICE" != "standalone" \] && \[ "\$EMBEDDED" != "1" \]; then rm -rf node_modules\/chdb/,
    );
  });
});

describe('a broken Dockerfile fails', () => {
  it('the linter: an unknown instruction', () => {
    const file = brokenCopy('unknown', (t) => t.replace('WORKDIR /app\nCOPY . .', 'WORKDIR /app\nCOPPY . .'));
    expect(
      dockerfileProblems(file)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/Invalid Command/i);
  });

  it('the project rules: root user, no healthcheck, an unpinned base image', () => {
    const file = brokenCopy('rules', (t) =>
      t
        .replace('USER node', 'USER root')
        .replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, '')
        .replace('FROM node:20.20.2-bookworm-slim AS build', 'FROM node:latest AS build'),
    );
    const messages = dockerfileProblems(file).map((p) => p.message);
    expect(messages).toContain('runs as root: add USER with an unprivileged user');
    expect(messages).toContain('no HEALTHCHECK');
    expect(messages).toContain('FROM node:latest is not pinned to a tag');
  });
});
