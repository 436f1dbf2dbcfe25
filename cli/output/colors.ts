import type { Color } from './log-events.js';

/**
 * Whether the console gets colours: an explicit --use-colors/--no-use-colors wins, then NO_COLOR
 * (any value turns them off, see no-color.org), then FORCE_COLOR (on unless `0`/`false`), else
 * only when stdout is a terminal.
 */
export function consoleColors(explicit: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (explicit !== undefined) return explicit;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY;
}

const CODES: Record<Color, number> = { red: 31, green: 32, yellow: 33 };

/** `text` in an ANSI colour, or unchanged when colours are off. */
export function paint(text: string, color: Color | undefined, on: boolean): string {
  return on && color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}
