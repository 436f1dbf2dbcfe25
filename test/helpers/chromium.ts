import { chromium, type Browser } from 'playwright-core';
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

/** Flags for a headless browser in a container: no sandbox, no GPU, nothing fetched in the background. */
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts the browser found by {@link findChromium}; undefined when there is none. */
export async function launchChromium(): Promise<Browser | undefined> {
  const executablePath = findChromium();
  return executablePath ? chromium.launch({ executablePath, args: LAUNCH_ARGS }) : undefined;
}

/**
 * The browser a test needs: without one the test is skipped, except in CI (which installs chromium,
 * .ci/run), where a missing browser fails the test.
 */
export function needsBrowser<T>(browser: T | undefined, skip: (note: string) => void): T {
  if (browser === undefined && !process.env.CI)
    skip('no Chromium: set STRATA_CHROMIUM, or put chromium, chromium-browser or google-chrome on PATH');
  if (browser === undefined) throw new Error('no Chromium found (STRATA_CHROMIUM or PATH); CI must run the browser tests');
  return browser;
}
