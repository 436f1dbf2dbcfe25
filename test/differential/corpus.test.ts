import { describe, expect, it } from 'vitest';
import { loadCorpus } from './corpus.js';
import { renderWithJinja2, type JinjaResult } from './oracle.js';
import { renderWithStrata } from './strata-render.js';

// The differential corpus: every case rendered by Python's Jinja2 (set up as dbt sets it up) and
// by Strata's engine must give the same text, or both must fail.

const cases = loadCorpus();
const expected = renderWithJinja2(cases);

/** A comparable form: the output, or just "error" (messages differ between the engines by design). */
const outcome = (result: JinjaResult | undefined) => (result === undefined ? 'missing' : result.error !== undefined ? 'error' : result.output);

describe('Strata renders like Python Jinja2 (differential corpus)', () => {
  it('has at least 500 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(500);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_, testCase) => {
    const jinja = expected.get(testCase.id);
    const strata = renderWithStrata(testCase);
    expect({ outcome: outcome(strata), ...(strata.error !== undefined && jinja?.error === undefined ? { strataError: strata.error } : {}) }).toEqual({ outcome: outcome(jinja) });
  });
});
