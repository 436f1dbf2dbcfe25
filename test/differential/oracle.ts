import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One template to render with both engines. */
export interface JinjaCase {
  id: string;
  template: string;
  /** Variables the template sees (JSON values). */
  context?: Record<string, unknown>;
  /** A macro file whose macros every template can call, as dbt's macros are. */
  macros?: string;
  /**
   * Render as dbt renders YAML values (its native environment and marker filters); the output is
   * the value's Python type name and repr, e.g. `bool:True`.
   */
  native?: boolean;
}

/** What an engine made of a case: its output, or that it failed (and why). */
export type JinjaResult = { output: string; error?: undefined } | { output?: undefined; error: string };

const SCRIPT = fileURLToPath(new URL('./render_jinja.py', import.meta.url));
const CANDIDATES = ['python3', '/usr/bin/python3', 'python'];

let interpreter: string | undefined;

/** The first Python interpreter on this machine that can import jinja2 (CI installs python3-jinja2 where none can). */
export function jinjaPython(): string {
  if (interpreter) return interpreter;
  for (const candidate of CANDIDATES) {
    const probe = spawnSync(candidate, ['-c', 'import jinja2'], { encoding: 'utf8' });
    if (probe.status === 0) return (interpreter = candidate);
  }
  throw new Error(`No Python interpreter with jinja2 found (tried ${CANDIDATES.join(', ')}); install Debian's python3-jinja2.`);
}

/** Renders every case with Python's Jinja2, set up as dbt sets it up, in one Python process. */
export function renderWithJinja2(cases: readonly JinjaCase[]): Map<string, JinjaResult> {
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
  const run = spawnSync(jinjaPython(), [SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Error(`render_jinja.py failed: ${run.stderr}`);
  const results = new Map<string, JinjaResult>();
  for (const line of run.stdout.split('\n')) {
    if (!line.trim()) continue;
    const parsed = JSON.parse(line) as { id: string; output?: string; error?: string };
    results.set(parsed.id, parsed.error !== undefined ? { error: parsed.error } : { output: parsed.output ?? '' });
  }
  return results;
}
