import { hash, randomBytes } from 'node:crypto';

/**
 * Env vars as caches remember them: a digest of each value instead of the value, so a password
 * read through `env_var()` in profiles.yml is not kept in target/ in plain text. The digest covers
 * a per-file random salt and the variable's name, so equal values under two names, or in two
 * projects, do not look alike. (It hides a value; it cannot stop someone who already holds the
 * file from testing guesses of a weak one.)
 */
export type EnvDigests = Record<string, string | null>;

/** A new salt for a cache file that has none yet. */
export function newEnvSalt(): string {
  return randomBytes(16).toString('base64');
}

/** The digest of one variable's value (null: unset). */
export function envDigest(salt: string, name: string, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : hash('sha256', `${salt}\u0000${name}\u0000${value}`, 'base64');
}

/** Digests of every variable read. */
export function envDigests(salt: string, read: Iterable<[string, string | null | undefined]>): EnvDigests {
  const out: EnvDigests = {};
  for (const [name, value] of read) out[name] = envDigest(salt, name, value);
  return out;
}

/** Whether every recorded variable still has the value it had. */
export function sameEnv(salt: string, saved: EnvDigests, env: NodeJS.ProcessEnv): boolean {
  for (const name in saved) if (envDigest(salt, name, env[name]) !== saved[name]) return false;
  return true;
}
