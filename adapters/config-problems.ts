import type { z } from 'zod';
import { didYouMean } from '../core/diagnostics/suggest.js';

/**
 * Profile validation issues as `{key, message}` pairs for the profiles file diagnostics; a key
 * absent (or empty) in the `raw` output is said to be required rather than of the wrong type.
 */
export function zodProblems(error: z.ZodError, schema: z.ZodObject, raw: Record<string, unknown>): { key: string; message: string }[] {
  const keys = Object.keys(schema.shape);
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ key, message: `unknown key '${key}'.${didYouMean(key, keys)}` }));
    }
    const key = String(issue.path[0] ?? '');
    if (issue.path.length === 1 && raw[key] == null) return [{ key, message: `'${key}' is required.` }];
    return [{ key, message: `'${key}': ${issue.message}` }];
  });
}
