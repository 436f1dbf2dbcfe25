import { pathToFileURL } from 'node:url';
import { loadCorpus } from './corpus.js';
import { generateCase } from './generate-templates.js';
import { renderWithJinja2, type JinjaCase, type JinjaResult } from './oracle.js';
import { renderWithStrata } from './strata-render.js';

// How often Strata renders like Python's Jinja2: shared by generated.test.ts and, run as a script,
// a report of the agreement rate, the first mismatches and what they have in common:
//   npx tsx test/differential/agreement.ts [--seed N] [--cases N] [--corpus] [--show K] [--minimize]
// (--minimize shrinks each kind's example to a template that still disagrees the same way).

/** A comparable form of a result, as corpus.test.ts compares them: the output, or just "error". */
export const outcome = (result: JinjaResult | undefined): string =>
  result === undefined ? 'missing' : result.error !== undefined ? 'error' : result.output;

export interface Mismatch {
  testCase: JinjaCase;
  jinja: JinjaResult | undefined;
  strata: JinjaResult;
}

export interface Comparison {
  total: number;
  /** Cases Python's Jinja2 raised for (both engines raising counts as agreement). */
  jinjaErrors: number;
  mismatches: Mismatch[];
}

/** Renders every case with both engines (Python once, for all) and keeps the disagreements. */
export function compareCases(cases: readonly JinjaCase[]): Comparison {
  const expected = renderWithJinja2(cases);
  const mismatches: Mismatch[] = [];
  let jinjaErrors = 0;
  for (const testCase of cases) {
    const jinja = expected.get(testCase.id);
    if (jinja?.error !== undefined) jinjaErrors++;
    const strata = safeStrata(testCase);
    if (outcome(strata) !== outcome(jinja)) mismatches.push({ testCase, jinja, strata });
  }
  return { total: cases.length, jinjaErrors, mismatches };
}

/** Strata's result; an exception escaping the engine counts as an error result (it is a bug of its own). */
function safeStrata(testCase: JinjaCase): JinjaResult {
  try {
    return renderWithStrata(testCase);
  } catch (err) {
    return { error: `uncaught ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` };
  }
}

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(whole, 1)).toFixed(2)}%`;

export function agreementLine(label: string, run: Comparison): string {
  const agreed = run.total - run.mismatches.length;
  return `${label}: agreement ${percent(agreed, run.total)} (${agreed}/${run.total}); Python raised for ${percent(run.jinjaErrors, run.total)} (${run.jinjaErrors})`;
}

const show = (result: JinjaResult | undefined): string =>
  result === undefined ? '(missing)' : result.error !== undefined ? `ERROR ${result.error}` : JSON.stringify(result.output);

/** A mismatch in full, so that it can be reproduced. */
export function formatMismatch(m: Mismatch): string {
  const lines = [
    `--- ${m.testCase.id}`,
    `template: ${JSON.stringify(m.testCase.template)}`,
    `context:  ${JSON.stringify(m.testCase.context ?? {})}`,
  ];
  if (m.testCase.macros !== undefined) lines.push(`macros:   ${JSON.stringify(m.testCase.macros)}`);
  lines.push(`jinja2:   ${show(m.jinja)}`, `strata:   ${show(m.strata)}`);
  return lines.join('\n');
}

/** The agreement line and the first `limit` mismatches in full. */
export function formatReport(label: string, run: Comparison, limit: number): string {
  const shown = run.mismatches.slice(0, limit).map(formatMismatch);
  const more = run.mismatches.length > limit ? [`... and ${run.mismatches.length - limit} more`] : [];
  return [agreementLine(label, run), ...shown, ...more].join('\n');
}

/* ------------------------------------------------------------------ classifying mismatches */

/** An error message without its particulars (names, numbers, quoted values), so that alike errors group. */
const errorKind = (message: string): string =>
  message
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '…')
    .replace(/\d+/g, 'N')
    .replace(/\s+at .*$/, '')
    .slice(0, 80);

/** The token of text that starts at or around position i (a word, a run of spaces, or one character). */
function tokenAt(text: string, i: number): string {
  let start = i;
  while (start > 0 && /\w/.test(text[start - 1] ?? '') && /\w/.test(text[start] ?? '')) start--;
  const rest = text.slice(start);
  return (/^(\w+|\s+|[^\w\s])/.exec(rest)?.[0] ?? '').slice(0, 24);
}

/** What kind of disagreement this is: who raised, or the first differing tokens of the two outputs. */
export function categorize(m: Mismatch): string {
  const jinja = m.jinja;
  if (jinja === undefined) return 'no Python result';
  if (m.strata.error !== undefined && jinja.error === undefined) return `Strata raised: ${errorKind(m.strata.error)}`;
  if (jinja.error !== undefined) return `only Python raised: ${errorKind(jinja.error)}`;
  const a = jinja.output;
  const b = m.strata.output ?? '';
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const left = i < a.length ? JSON.stringify(tokenAt(a, i)) : '(end)';
  const right = i < b.length ? JSON.stringify(tokenAt(b, i)) : '(end)';
  return `output: jinja ${left} vs strata ${right}`;
}

/** Counts by key, most frequent first. */
function histogram(keys: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
}

/** For each construct the generator used, how often cases using it disagree (the constructs most to blame first). */
function featureRates(features: ReadonlyMap<string, readonly string[]>, mismatched: ReadonlySet<string>): string[] {
  const used = new Map<string, { cases: number; bad: number }>();
  for (const [id, names] of features) {
    for (const name of names) {
      const entry = used.get(name) ?? { cases: 0, bad: 0 };
      entry.cases++;
      if (mismatched.has(id)) entry.bad++;
      used.set(name, entry);
    }
  }
  return [...used]
    .filter(([, e]) => e.cases >= 10)
    .sort((x, y) => y[1].bad / y[1].cases - x[1].bad / x[1].cases || y[1].cases - x[1].cases)
    .map(([name, e]) => `${percent(e.bad, e.cases).padStart(7)} of ${String(e.cases).padStart(5)}  ${name}`);
}

/* ------------------------------------------------------------------ shrinking */

const TAG = /({{[\s\S]*?}}|{%[\s\S]*?%}|{#[\s\S]*?#})/;
const BLOCK = /^{%-?\s*(if|for|filter|with|macro|call|raw|set)\b/;

/** The template's pieces: tags and the text between them. */
const pieces = (template: string): string[] => template.split(TAG).filter((p) => p !== '');

/** Where the block opened at piece i ends (its matching end tag), or i itself for a simple piece. */
function blockEnd(parts: readonly string[], i: number): number {
  const word = BLOCK.exec(parts[i] ?? '')?.[1];
  // `set x = ...` is a statement; only `set x` (no `=`) opens a block.
  if (!word || (word === 'set' && /=/.test(parts[i] ?? ''))) return i;
  let depth = 0;
  for (let j = i; j < parts.length; j++) {
    const part = parts[j] ?? '';
    if (BLOCK.exec(part)?.[1] === word && !(word === 'set' && /=/.test(part))) depth++;
    else if (new RegExp(`^{%-?\\s*end${word}\\b`).test(part) && --depth === 0) return j;
  }
  return i;
}

/** Every template one piece or one whole block shorter than this one. */
function shorter(template: string): string[] {
  const parts = pieces(template);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push([...parts.slice(0, i), ...parts.slice(blockEnd(parts, i) + 1)].join(''));
  return out;
}

/** Every case one piece or block smaller than this one, in its template or its macro file (or without the file). */
function smallerCases(c: JinjaCase): JinjaCase[] {
  const { macros, ...bare } = c;
  const out: JinjaCase[] = [...new Set(shorter(c.template))].map((template) => ({ ...c, template }));
  if (macros !== undefined) out.push(bare, ...[...new Set(shorter(macros))].map((text) => ({ ...c, macros: text })));
  return out.map((candidate, i) => ({ ...candidate, id: `${c.id}~${i}` }));
}

/**
 * Shrinks a mismatch while it stays the same kind of mismatch: removes pieces and whole blocks of the
 * template and the macro file, one at a time, until none can go (each round renders its candidates
 * with Python once).
 */
export function minimize(m: Mismatch): Mismatch {
  const kind = categorize(m);
  let best = m;
  for (;;) {
    const smaller = compareCases(smallerCases(best.testCase)).mismatches.find((c) => categorize(c) === kind);
    if (!smaller) return { ...best, testCase: { ...best.testCase, id: m.testCase.id } };
    best = smaller;
  }
}

/* ------------------------------------------------------------------ CLI */

interface Options {
  seed: number;
  cases: number;
  corpus: boolean;
  show: number;
  minimize: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { seed: 1, cases: 3000, corpus: false, show: 10, minimize: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n)) throw new Error(`${arg} needs a number`);
      return n;
    };
    if (arg === '--seed') options.seed = value();
    else if (arg === '--cases') options.cases = value();
    else if (arg === '--show') options.show = value();
    else if (arg === '--corpus') options.corpus = true;
    else if (arg === '--minimize') options.minimize = true;
    else throw new Error(`Unknown argument ${arg}; usage: agreement.ts [--seed N] [--cases N] [--corpus] [--show K] [--minimize]`);
  }
  return options;
}

/** The mismatch kinds, most frequent first, each with its shortest case (template and macros; shrunk with --minimize). */
function printCategories(run: Comparison, shrink: boolean, top = 40): void {
  if (run.mismatches.length === 0) return;
  console.log('\nmismatch kinds (count, kind, shortest case):');
  const shortest = new Map<string, Mismatch>();
  const size = (m: Mismatch) => m.testCase.template.length + (m.testCase.macros?.length ?? 0);
  for (const m of run.mismatches) {
    const kind = categorize(m);
    const best = shortest.get(kind);
    if (!best || size(m) < size(best)) shortest.set(kind, m);
  }
  for (const [kind, count] of histogram(run.mismatches.map(categorize)).slice(0, top)) {
    const found = shortest.get(kind);
    const example = found && shrink ? minimize(found) : found;
    console.log(`${String(count).padStart(6)}  ${kind}`);
    if (!example) continue;
    const macros = example.testCase.macros !== undefined ? `  macros: ${JSON.stringify(example.testCase.macros).slice(0, 300)}` : '';
    console.log(`        ${example.testCase.id}: ${JSON.stringify(example.testCase.template).slice(0, 300)}${macros}`);
    if (shrink)
      console.log(
        `        context: ${JSON.stringify(example.testCase.context ?? {})}\n        jinja2: ${show(example.jinja)}\n        strata: ${show(example.strata)}`,
      );
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const generated = Array.from({ length: options.cases }, (_, i) => generateCase(options.seed, i));
  const run = compareCases(generated.map((g) => g.case));
  console.log(formatReport(`generated (seed ${options.seed})`, run, options.show));
  printCategories(run, options.minimize);
  if (run.mismatches.length > 0) {
    console.log('\nconstructs by mismatch rate (cases using each):');
    const features = new Map(generated.map((g) => [g.case.id, g.features]));
    for (const line of featureRates(features, new Set(run.mismatches.map((m) => m.testCase.id))).slice(0, 40)) console.log(line);
  }
  let agreed = run.mismatches.length === 0;
  if (options.corpus) {
    const corpusRun = compareCases(loadCorpus());
    console.log(`\n${formatReport('corpus', corpusRun, options.show)}`);
    printCategories(corpusRun, options.minimize);
    agreed &&= corpusRun.mismatches.length === 0;
  }
  process.exitCode = agreed ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
