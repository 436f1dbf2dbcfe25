import { describe, expect, it } from 'vitest';
import { syntheticTestNames, testIdHash } from '../../core/project/test-identity.js';
import { seededRandom } from '../helpers/prng.js';
import { dbtTestIdentities, type IdentityCase } from './test-identity-oracle.js';

/**
 * Strata's naming and hashing of generic tests against dbt's formulas run by Python itself
 * (dbt_test_identity.py): the names flatten arguments with Python's str() and the unique id
 * hashes Python's repr(), whose quoting and escapes are what must agree.
 */

/** Texts that Python's repr() quotes or escapes in its own way. */
const TEXTS = [
  '',
  'plain',
  "it's",
  'say "hi"',
  `both ' and "`,
  'back\\slash',
  "ends with a backslash\\'",
  'line\nbreak',
  'tab\tand\rreturn',
  'nul\u0000bell\u0007del\u007f',
  'café',
  'naïve — dash',
  '日本語',
  'emoji 🎉 and 𝔘',
  'zero\u200bwidth',
  'line\u2028separator',
  'nbsp\u00a0soft\u00adhyphen',
  'private\ue000use',
  'latin1 \u0085 \u00ff',
  "{{ ref('customers') }}",
  "status in ('a', 'b')",
  '  padded  ',
  '__under__',
];

const NUMBERS = [0, 1, -7, 42, 1000000, 0.5, -2.25, 0.1, 1e-5, 1.5e-7, 3.14159, 1e16 + 2, 1.5e17, 12345.678];

function generate(random: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const roll = random();
  if (depth > 0 && roll < 0.15) return Array.from({ length: Math.floor(random() * 4) }, () => generate(random, depth - 1));
  if (depth > 0 && roll < 0.25)
    return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(KEYS), generate(random, depth - 1)]));
  if (roll < 0.6) return pick(TEXTS);
  if (roll < 0.8) return pick(NUMBERS);
  if (roll < 0.9) return random() < 0.5;
  return null;
}

const KEYS = [
  'values',
  'to',
  'field',
  'column_name',
  'quote',
  'Zeta',
  'alpha',
  'é_key',
  '_x',
  'a1',
  'A1',
  'expression',
  'combination_of_columns',
];

function cases(count: number): IdentityCase[] {
  const random = seededRandom(21);
  return Array.from({ length: count }, (_, i) => {
    const args: Record<string, unknown> = {};
    const n = Math.floor(random() * 4);
    for (let k = 0; k < n; k++) args[KEYS[Math.floor(random() * KEYS.length)] as string] = generate(random, 2);
    args.model = "{{ get_where_subquery(ref('orders')) }}";
    const namespace = random() < 0.3 ? 'dbt_utils' : null;
    const target = random() < 0.2 ? 'a_rather_long_model_name_for_tests' : 'orders';
    const named = random() < 0.1;
    return {
      id: String(i),
      test_type: namespace ? 'dbt_utils_expression_is_true' : 'accepted_values',
      target,
      args,
      ...(named ? { name: `custom_${i}` } : {}),
      metadata: { name: 'accepted_values', kwargs: args, namespace },
    };
  });
}

describe("generic test identity against dbt's formulas in Python", () => {
  const generated = cases(600);
  const expected = dbtTestIdentities(generated);

  it('gives the same full name, short name and unique id hash for every generated case', () => {
    const mismatches = generated.flatMap((c) => {
      const names = syntheticTestNames(c.test_type, c.target, c.args);
      const hash = testIdHash(c.name ?? names.full, c.metadata);
      const want = expected.get(c.id);
      const got = { full: names.full, short: names.short, hash };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ case: c, got, want }];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(expected.size).toBe(600);
  });

  it('covers long names (short names with an md5) and every kind of value', () => {
    const shortened = generated.filter((c) => expected.get(c.id)?.short !== expected.get(c.id)?.full);
    expect(shortened.length).toBeGreaterThan(50);
    expect(generated.length - shortened.length).toBeGreaterThan(50);
    const json = JSON.stringify(generated);
    for (const text of ["it's", 'say \\"hi\\"', 'line\\nbreak', '🎉', 'true', 'null', '1.5e-7']) expect(json).toContain(text);
  });
});
