import { z } from 'zod';

/** The environment does not describe a runnable service; each problem names its variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment once, at start. A bad or missing value throws a
 * ConfigError naming the variable, so the process can stop with a message a
 * person can act on.
 *
 * @example
 * const config = loadConfig(z.object({ PORT: envInt(4000, { min: 1, max: 65535 }) }));
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
      return `${variable}: ${issue.message}`;
    }),
  );
}

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An integer variable with a default and bounds. */
export function envInt(fallback: number, bounds: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^-?\d+$/, { error: (issue) => `must be an integer, got "${String(issue.input)}"` })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { error: `must be at least ${min}` })
          .max(max, { error: `must be at most ${max}` }),
      )
      .default(fallback),
  );
}

/** A non-empty string variable with a default, or optional without one. */
export function envString(fallback: string): z.ZodType<string, unknown>;
export function envString(): z.ZodType<string | undefined, unknown>;
export function envString(fallback?: string): z.ZodType<string | undefined, unknown> {
  const base = z.string().trim().min(1, { error: 'must not be empty' });
  return z.preprocess(blankToUndefined, fallback === undefined ? base.optional() : base.default(fallback));
}

/** A required non-empty string variable. */
export function envRequired(hint: string) {
  return z.preprocess(
    blankToUndefined,
    z
      .string({ error: (issue) => (issue.input === undefined ? `is required (${hint})` : 'must be a string') })
      .trim()
      .min(1),
  );
}

/** A comma-separated list (empty entries dropped). */
export function envList(fallback: string[] = []) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .default(fallback),
  );
}

/** true/false, 1/0, yes/no. */
export function envBool(fallback: boolean) {
  return z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], {
        error: (issue) => `must be true or false, got "${String(issue.input)}"`,
      })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .default(fallback),
  );
}

/** A URL with one of the given protocols. */
export function envUrl(protocols: string[]) {
  return z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { error: (issue) => `must be a URL with ${protocols.join(' or ')}, got "${String(issue.input)}"` },
      )
      .optional(),
  );
}
