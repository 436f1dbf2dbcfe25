import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../../core/diagnostics/codes.js';
import { diagnostic } from '../../../core/diagnostics/diagnostic.js';
import {
  ALL_WARNINGS_ERRORS,
  applyWarnError,
  readWarnErrorOptions,
  WARNING_EVENT_NAMES,
  WARNING_EVENTS,
  warningFate,
} from '../../../core/diagnostics/warn-error.js';

describe('warn-error', () => {
  it('names every warning Strata reports, with a name warn-error-options accepts', () => {
    const warnings = Object.entries(DIAGNOSTIC_CODES)
      .filter(([, severity]) => severity === 'warn')
      .map(([code]) => code);
    expect(Object.keys(WARNING_EVENTS).sort()).toEqual(warnings.sort());
    for (const name of Object.values(WARNING_EVENTS)) expect(WARNING_EVENT_NAMES).toContain(name);
  });

  it('reads error/warn/silence and the older include/exclude', () => {
    expect(readWarnErrorOptions({ error: 'all', warn: ['NothingToDo'], silence: ['DeprecatedReference'] }, 'x').policy).toEqual({
      error: 'all',
      warn: ['NothingToDo'],
      silence: ['DeprecatedReference'],
    });
    expect(readWarnErrorOptions({ include: ['NoNodesForSelectionCriteria'], exclude: ['NothingToDo'] }, 'x').policy).toEqual({
      error: ['NoNodesForSelectionCriteria'],
      warn: ['NothingToDo'],
      silence: [],
    });
    expect(readWarnErrorOptions({ include: '*' }, 'x').policy?.error).toBe('all');
  });

  it('reports unknown names and keys with a suggestion, and both spellings of one key', () => {
    expect(readWarnErrorOptions({ error: ['UnusedResourceConfigPaths'] }, '--warn-error-options').problems).toEqual([
      "--warn-error-options: 'UnusedResourceConfigPaths' is not a warning name. Did you mean 'UnusedResourceConfigPath'? See docs/ci-flags.md for the names.",
    ]);
    expect(readWarnErrorOptions({ silense: [] }, 'x').problems[0]).toContain("Did you mean 'silence'?");
    expect(readWarnErrorOptions({ error: 'all', include: 'all' }, 'x').problems[0]).toContain("give only 'error'");
    expect(readWarnErrorOptions({ warn: 'all' }, 'x').problems[0]).toContain("'all' is not a warning name");
    expect(readWarnErrorOptions(['all'], 'x').problems[0]).toContain('must be a mapping');
  });

  it('silence wins over warn, warn over error', () => {
    const policy = { error: 'all' as const, warn: ['NothingToDo', 'DeprecatedReference'], silence: ['DeprecatedReference'] };
    expect(warningFate(policy, 'NoNodesForSelectionCriteria')).toBe('error');
    expect(warningFate(policy, 'NothingToDo')).toBe('warn');
    expect(warningFate(policy, 'DeprecatedReference')).toBe('silence');
    expect(warningFate(undefined, 'NothingToDo')).toBe('warn');
    expect(warningFate({ error: ['NothingToDo'], warn: [], silence: [] }, 'LogTestResult')).toBe('warn');
  });

  it('turns promoted warnings into errors that say why, drops silenced ones, leaves errors alone', () => {
    const unused = diagnostic('unused-config-path', 'No model matches models: p.nowhere.');
    const noMatch = diagnostic('selector-no-match', "The selector 'x' does not match any node.");
    const bad = diagnostic('invalid-vars', 'bad');
    const out = applyWarnError([unused, noMatch, bad], {
      error: ['UnusedResourceConfigPath'],
      warn: [],
      silence: ['NoNodesForSelectionCriteria'],
    });
    expect(out).toEqual([
      {
        ...unused,
        severity: 'error',
        message: 'No model matches models: p.nowhere. (UnusedResourceConfigPath, an error under warn-error)',
      },
      bad,
    ]);
    expect(applyWarnError([noMatch], ALL_WARNINGS_ERRORS)[0]?.severity).toBe('error');
    expect(applyWarnError([noMatch], undefined)).toEqual([noMatch]);
  });
});
