import { describe, expect, it } from 'vitest';
import { EventLogger } from '../../../cli/output/event-logger.js';

describe('the logging terminal', () => {
  it('answers what the real terminal is (commands prompt only on one), and passes lines through before a command starts', () => {
    const lines: string[] = [];
    const logger = new EventLogger({ out: (l) => lines.push(l), err: (l) => lines.push(`! ${l}`), isTTY: true, columns: 90 }, {}, '1.0.0');
    expect(logger.terminal.isTTY).toBe(true);
    expect(logger.terminal.columns).toBe(90);
    logger.terminal.out('Usage: strata [options]');
    logger.terminal.err("error: unknown option '--nope'");
    expect(lines).toEqual(['Usage: strata [options]', "! error: unknown option '--nope'"]);
  });
});
