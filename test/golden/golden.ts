import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';

/** Set to 1 to (re)write the golden files instead of comparing with them. */
const UPDATE_GOLDEN = process.env.STRATA_UPDATE_GOLDEN === '1';

/**
 * Compares text with test/golden/<name>. A missing file fails like a difference, so a golden lost
 * or never committed cannot pass unnoticed; STRATA_UPDATE_GOLDEN=1 writes the files after an
 * intended change (or for a new case), and the diff is then reviewed.
 */
export function expectGolden(name: string, text: string): void {
  const file = join(import.meta.dirname, name);
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  if (!existsSync(file))
    throw new Error(`golden file test/golden/${name} is missing; run with STRATA_UPDATE_GOLDEN=1 to write it, then review and commit it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
}
