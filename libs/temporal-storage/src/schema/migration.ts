import { createHash } from 'node:crypto';

/**
 * A numbered schema change. Statements are plain ClickHouse SQL where
 * `{db}` stands for the (validated, quoted) database name; each must be
 * idempotent (IF NOT EXISTS...), because several processes may open the
 * same database at once and all run them.
 *
 * Migrations are TypeScript strings, not .sql files, so that the tsc build
 * output carries them.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** sha256 of the statements as shipped (before the database name is filled in). */
export function migrationChecksum(migration: Migration): string {
  const hash = createHash('sha256');
  for (const statement of migration.statements) hash.update(statement).update('\n;\n');
  return hash.digest('hex');
}

/** Fills in the database: `{db}` becomes the backquoted identifier. */
export function renderStatement(statement: string, quotedDatabase: string): string {
  return statement.replaceAll('{db}', quotedDatabase);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The database name, checked and backquoted; identifiers are the one thing not bound as a parameter. */
export function quoteDatabase(name: string): string | undefined {
  return IDENTIFIER.test(name) ? `\`${name}\`` : undefined;
}
