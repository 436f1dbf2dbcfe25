import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileSearchPath } from '../../core/project/profiles.js';
import { isSecretEnvVar } from '../../core/template/base-scope.js';

/** Names whose values are credentials wherever they appear. */
const SECRET_NAME = /pass|secret|token|private_key|api_key|credential/i;
/** Shorter values would mask ordinary words. */
const SHORTEST = 4;

/**
 * The strings a log must never hold: values of secret-looking environment variables, of every
 * variable profiles.yml reads with env_var(), and literal credentials written in profiles.yml.
 */
export function secretValues(env: NodeJS.ProcessEnv, projectDir: string, profilesDir: string | undefined): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined) => {
    if (value && value.length >= SHORTEST) found.add(value);
  };
  for (const [name, value] of Object.entries(env)) if (isSecretEnvVar(name) || SECRET_NAME.test(name)) add(value);
  for (const dir of profileSearchPath({ env, projectDir, ...(profilesDir ? { profilesDir } : {}) })) {
    const file = join(dir, 'profiles.yml');
    if (!existsSync(file)) continue;
    const text = readable(file);
    if (text === undefined) break;
    for (const m of text.matchAll(/env_var\(\s*['"]([^'"]+)['"]/g)) add(env[m[1] as string]);
    for (const m of text.matchAll(/^\s*([\w-]+)\s*:\s*(.+?)\s*$/gm))
      if (SECRET_NAME.test(m[1] as string) && !(m[2] as string).includes('{{')) add((m[2] as string).replace(/^(['"])(.*)\1$/, '$2'));
    break;
  }
  // Longest first, so a secret that contains another is masked whole.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by `*****`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('*****');
  return out;
}

/** The file's text, or undefined when it cannot be read (the command reports that itself, later). */
function readable(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
