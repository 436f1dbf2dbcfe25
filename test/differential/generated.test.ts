import { beforeAll, describe, expect, it } from 'vitest';
import { compareCases, formatReport, type Comparison } from './agreement.js';
import { generateCases } from './generate-templates.js';

// Random templates (test/differential/generate-templates.ts) rendered by Python's Jinja2, set up as
// dbt sets it up, and by Strata's engine: the outputs must be the same, or both must fail.
// STRATA_JINJA_CASES and STRATA_JINJA_SEED choose another run; `npx tsx test/differential/agreement.ts`
// reports the agreement rate and groups the mismatches.

const COUNT = Number(process.env.STRATA_JINJA_CASES ?? 3000);
const SEED = Number(process.env.STRATA_JINJA_SEED ?? 20240611);
const SHOWN = 10;

describe(`Strata renders random templates like Python Jinja2 (seed ${SEED}, ${COUNT} cases)`, () => {
  let run: Comparison;

  beforeAll(() => {
    run = compareCases(generateCases(SEED, COUNT));
  }, 120_000);

  it('generates templates that Jinja mostly renders without error', () => {
    // A generator that drifts into invalid templates would test nothing: both engines failing agree.
    expect(run.jinjaErrors / run.total, `Python raised for ${run.jinjaErrors} of ${run.total} cases`).toBeLessThanOrEqual(0.2);
  });

  it('agrees with Jinja on every case', () => {
    if (run.mismatches.length > 0) throw new Error(formatReport('generated', run, SHOWN));
  });
});
