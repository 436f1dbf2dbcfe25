import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Names a Chromium build goes by on PATH, in order of preference. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

/**
 * The browser for browser tests: $STRATA_CHROMIUM when set (used as given, so a wrong path fails
 * loudly), else the first of NAMES found on PATH; undefined when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.STRATA_CHROMIUM) return env.STRATA_CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const file = join(dir, name);
      if (executable(file)) return file;
    }
  }
  return undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
