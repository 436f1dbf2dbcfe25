import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestMetadata } from '../../core/project/test-identity.js';

/** One generic test for dbt_test_identity.py: what dbt names it after, and the metadata it hashes. */
export interface IdentityCase {
  id: string;
  test_type: string;
  target: string;
  args: Record<string, unknown>;
  /** A custom name (`name:` on the test), hashed instead of the synthesized one. */
  name?: string;
  metadata: TestMetadata;
}

export interface IdentityResult {
  full: string;
  short: string;
  hash: string;
}

const SCRIPT = fileURLToPath(new URL('./dbt_test_identity.py', import.meta.url));

/** dbt's names and unique id hashes of `cases`, computed by Python (one process for all). */
export function dbtTestIdentities(cases: readonly IdentityCase[]): Map<string, IdentityResult> {
  const run = spawnSync('python3', [SCRIPT], { input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n', encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dbt_test_identity.py failed: ${run.stderr}`);
  const out = new Map<string, IdentityResult>();
  for (const line of run.stdout.split('\n').filter(Boolean)) {
    const { id, ...rest } = JSON.parse(line) as IdentityResult & { id: string };
    out.set(id, rest);
  }
  return out;
}
