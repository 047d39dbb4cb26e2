import { describe, expect, it } from 'vitest';

import { migrationChecksum, quoteDatabase, renderStatement } from './migration';
import { MIGRATIONS } from './migrations';

describe('migrations', () => {
  it('are numbered 1..n without gaps, with distinct names', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
  });

  it('are idempotent statements, each table and view guarded by IF NOT EXISTS', () => {
    for (const migration of MIGRATIONS) {
      for (const statement of migration.statements)
        expect(statement).toMatch(/^CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS /);
    }
  });

  it('have a checksum that changes with their text', () => {
    const [first] = MIGRATIONS;
    expect(migrationChecksum(first!)).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationChecksum({ ...first!, statements: [`${first!.statements[0]!} `] })).not.toBe(
      migrationChecksum(first!),
    );
  });
});

describe('quoteDatabase', () => {
  it('backquotes identifiers and refuses anything else', () => {
    expect(quoteDatabase('temporal_bridge')).toBe('`temporal_bridge`');
    expect(quoteDatabase('x`; DROP DATABASE y')).toBeUndefined();
    expect(quoteDatabase('1abc')).toBeUndefined();
    expect(quoteDatabase('a'.repeat(65))).toBeUndefined();
    expect(renderStatement('SELECT * FROM {db}.events', '`db1`')).toBe('SELECT * FROM `db1`.events');
  });
});
