import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadCorpus, type KnownDifference } from './corpus.js';
import { renderWithJinja2, type JinjaResult } from './oracle.js';
import { renderWithStrata } from './strata-render.js';

// The differential corpus: every case rendered by Python's Jinja2 (set up as dbt sets it up) and
// by Strata's engine must give the same text, or both must fail.

const differences: KnownDifference[] = [];
const cases = loadCorpus(undefined, differences);
const expected = renderWithJinja2(cases);
const known = new Set(differences.map((d) => d.id));

/** A comparable form: the output, or just "error" (messages differ between the engines by design). */
const outcome = (result: JinjaResult | undefined) =>
  result === undefined ? 'missing' : result.error !== undefined ? 'error' : result.output;

describe('Strata renders like Python Jinja2 (differential corpus)', () => {
  it('has at least 500 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
  });

  // Each case twice: as Strata renders it (simple templates take the fast path) and through the
  // full dialect only, so both paths are held to Python's output.
  it.each(cases.filter((c) => !known.has(c.id)).map((c) => [c.id, c] as const))('%s', (_, testCase) => {
    const jinja = expected.get(testCase.id);
    for (const fastPath of [true, false]) {
      const strata = renderWithStrata(testCase, { fastPath });
      expect({
        fastPath,
        outcome: outcome(strata),
        ...(strata.error !== undefined && jinja?.error === undefined ? { strataError: strata.error } : {}),
      }).toEqual({ fastPath, outcome: outcome(jinja) });
    }
  });

  // A known difference must still differ (else it is fixed: drop the mark) and be documented.
  it.each(differences.map((d) => [d.id, d] as const))('known difference %s', (_, difference) => {
    const testCase = cases.find((c) => c.id === difference.id);
    expect(testCase && outcome(renderWithStrata(testCase))).not.toEqual(outcome(expected.get(difference.id)));
    expect(readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8')).toContain(difference.id);
  });
});
