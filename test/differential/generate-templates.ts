import { ExprGen } from './generator-expressions.js';
import { TemplateGen } from './generator-macros.js';
import { caseSeed, Rng } from './generator-random.js';
import type { Scope } from './generator-types.js';
import { contextVars } from './generator-values.js';
import type { JinjaCase } from './oracle.js';

// Random templates for differential testing against Python's Jinja2 as dbt configures it.
// The generator is typed: every expression knows the type of its value, so that almost every
// template renders without error in Jinja (a case where both engines fail tests little), and it
// knows how tightly its top operator binds, so that the printed form uses only the parentheses
// Jinja's grammar needs (which is where engines disagree: `~` binds tighter than `+`, `**` is
// left-associative, filters and tests bind tighter than unary minus...).
//
// The generator is split by what it generates: generator-random.ts (the PRNG), generator-types.ts (the
// type model), generator-values.ts (literals and the context), generator-expr-core.ts, generator-numbers.ts,
// generator-strings.ts, generator-booleans.ts, generator-containers.ts and generator-expressions.ts (the
// expressions), generator-statements.ts and generator-macros.ts (the statements and macros).

/** A generated case and the constructs it uses (to tell which constructs the mismatches share). */
export interface GeneratedCase {
  case: JinjaCase;
  features: string[];
}

/** Case `index` of the run with this seed: the same whatever the count. */
export function generateCase(seed: number, index: number): GeneratedCase {
  const x = new ExprGen(new Rng(caseSeed(seed, index)));
  const t = new TemplateGen(x);
  const vars = contextVars(x.rng, (pool) => x.freshName(pool));
  const macros = x.rng.chance(0.3) ? t.macroFile(vars) : undefined;
  const scope: Scope = { vars, loop: false, breakable: false, macros: macros?.sigs ?? [] };
  let template = t.block(
    scope,
    0,
    x.rng.weighted([
      [3, 1],
      [4, 2],
      [2, 3],
    ] as const),
  ).code;
  template += x.rng.weighted([
    [6, ''],
    [3, '\n'],
    [1, '\n\n'],
  ] as const);
  const context = Object.fromEntries(vars.map((v) => [v.name, v.value ?? null]));
  const id = `gen-${seed}-${index}`;
  return { case: { id, template, context, ...(macros ? { macros: macros.text } : {}) }, features: [...x.features].sort() };
}

/** count random cases for the seed, with ids `gen-<seed>-<i>`. */
export function generateCases(seed: number, count: number): JinjaCase[] {
  return Array.from({ length: count }, (_, i) => generateCase(seed, i).case);
}
