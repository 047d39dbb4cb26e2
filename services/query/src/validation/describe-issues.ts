import type { z } from 'zod';

import { quote } from './query-params.schema';

/** Where a parameter came from, as a person reads it in an error message. */
export type ParameterSource = 'query' | 'path';

/**
 * One sentence per problem, each starting with the parameter it is about,
 * e.g. `from: is required; limit: must be an integer from 1 to 10000, got "0"`.
 * `input` is the raw parameters, used to tell "missing" and "repeated" apart
 * from a wrong value, which zod's own messages do not.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: Record<string, unknown>,
  source: ParameterSource,
  accepted: readonly string[],
): string {
  const sentences = issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map(quote).join(', ');
      const known = accepted.length > 0 ? accepted.join(', ') : 'none';
      return `unknown ${source} parameter${issue.keys.length > 1 ? 's' : ''} ${names} (this route accepts: ${known})`;
    }
    const name = issue.path.map(String).join('.') || `(${source})`;
    const raw = input[String(issue.path[0])];
    if (issue.code === 'invalid_type' && raw === undefined) return `${name}: is required`;
    if (issue.code === 'invalid_type' && Array.isArray(raw)) return `${name}: must be given once, got ${raw.length}`;
    return `${name}: ${issue.message}`;
  });
  return [...new Set(sentences)].join('; ');
}
