import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

/**
 * Compares text with test/golden/<name>. Set STRATA_UPDATE_GOLDEN=1 to rewrite the files after
 * an intended change, then review the diff.
 */
export function expectGolden(name: string, text: string): void {
  const file = join(import.meta.dirname, name);
  if (process.env.STRATA_UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.CI) throw new Error(`golden file ${name} is missing; generate it locally with STRATA_UPDATE_GOLDEN=1`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}
