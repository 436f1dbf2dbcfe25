import { describe, expect, it } from 'vitest';
import { resolveHubVersion } from '../../../core/deps/versions.js';

const UTILS = 'dbt-labs/dbt_utils';
const AVAILABLE = ['0.9.6', '1.0.0', '1.1.1', '1.3.0'];
const project = (...versions: string[]) => ({ versions, requiredBy: 'the project (shop)' });

/** The version picked, or the diagnostic's message prefixed with "error: ". */
function pick(requirements: { versions: string[]; requiredBy: string }[], available: string[] = AVAILABLE, prerelease = false): string {
  const result = resolveHubVersion(UTILS, requirements, available, prerelease);
  return 'version' in result ? result.version : `error: ${result.diagnostic.message}`;
}

describe('resolveHubVersion', () => {
  it('picks the highest version within every range', () => {
    expect(pick([project('>=1.0.0', '<2.0.0')])).toBe('1.3.0');
    expect(pick([project('>=0.9.0', '<1.2.0')])).toBe('1.1.1');
    expect(pick([project('>0.9.6', '<=1.1.1')])).toBe('1.1.1');
    expect(pick([project('>1.0.0')])).toBe('1.3.0');
    expect(pick([project('<1.0.0')])).toBe('0.9.6');
  });

  it('reads exact versions with and without "="', () => {
    expect(pick([project('1.0.0')])).toBe('1.0.0');
    expect(pick([project('=1.1.1')])).toBe('1.1.1');
  });

  it('reads several ranges in one string, separated by a comma or a space', () => {
    expect(pick([project('>=0.9.0, <1.0.0')])).toBe('0.9.6');
    expect(pick([project('>=1.0.0 <1.3.0')])).toBe('1.1.1');
    expect(pick([project('>= 1.0.0, < 1.1.1')])).toBe('1.0.0');
  });

  it('takes the intersection of every requirer', () => {
    expect(pick([project('>=1.0.0', '<2.0.0'), { versions: ['<1.2.0'], requiredBy: 'package_a' }])).toBe('1.1.1');
    expect(
      pick([project('>=0.9.0'), { versions: ['=1.0.0'], requiredBy: 'package_a' }, { versions: ['<1.3.0'], requiredBy: 'package_b' }]),
    ).toBe('1.0.0');
  });

  it('no requirement at all admits the latest version', () => {
    expect(pick([project()])).toBe('1.3.0');
    expect(pick([])).toBe('1.3.0');
  });

  it('reports a conflict between requirers, naming each with its ranges and the available versions', () => {
    expect(pick([project('>=1.0.0', '<2.0.0'), { versions: ['<1.0.0'], requiredBy: 'package_a' }])).toBe(
      'error: Version conflict for dbt-labs/dbt_utils: the project (shop) requires [">=1.0.0", "<2.0.0"], package_a requires ["<1.0.0"]; no version satisfies all (available: 0.9.6, 1.0.0, 1.1.1, 1.3.0).',
    );
    expect(pick([project('1.0.0'), { versions: ['1.1.1'], requiredBy: 'package_a' }])).toBe(
      'error: Version conflict for dbt-labs/dbt_utils: the project (shop) requires ["1.0.0"], package_a requires ["1.1.1"]; no version satisfies all (available: 0.9.6, 1.0.0, 1.1.1, 1.3.0).',
    );
  });

  it('reports ranges that agree but match no available version', () => {
    expect(pick([project('>=2.0.0')])).toBe(
      'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires [">=2.0.0"] (available: 0.9.6, 1.0.0, 1.1.1, 1.3.0).',
    );
    expect(pick([project('1.2.0'), { versions: ['>=1.0.0'], requiredBy: 'package_a' }])).toBe(
      'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires ["1.2.0"], package_a requires [">=1.0.0"] (available: 0.9.6, 1.0.0, 1.1.1, 1.3.0).',
    );
    expect(pick([project('>=1.0.0')], [])).toBe(
      'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires [">=1.0.0"] (available: none).',
    );
  });

  it('lists only the versions nearest the ranges when the hub has many', () => {
    const many = ['0.1.0', '0.2.0', '0.3.0', '0.4.0', '0.5.0', '0.6.0', '0.7.0', '0.8.0', '0.9.0', '1.0.0', '1.1.0', '1.2.0'];
    expect(pick([project('>=0.4.5', '<0.5.0')], many)).toBe(
      'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires [">=0.4.5", "<0.5.0"] (available: …, 0.4.0, 0.5.0, 0.6.0, …, 1.2.0; 12 in all).',
    );
    expect(pick([project('>=3.0.0')], many)).toBe(
      'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires [">=3.0.0"] (available: …, 1.2.0; 12 in all).',
    );
  });

  it('rejects a range dbt cannot read, naming it and who wrote it', () => {
    for (const bad of ['^1.0.0', '~1.0.0', '1.0', '*', 'latest', '>=1.0.0 || <0.5.0', '1.0.0 - 2.0.0', '']) {
      expect(pick([project('>=0.9.0'), { versions: [bad], requiredBy: 'package_a' }])).toBe(
        `error: Invalid version range ${JSON.stringify(bad)} for dbt-labs/dbt_utils (required by package_a): use a full version such as "1.2.3", or comparisons with >=, >, <=, < or = such as [">=1.0.0", "<2.0.0"].`,
      );
    }
  });

  it('returns a diagnostic of code invalid-dependency, an error', () => {
    const result = resolveHubVersion(UTILS, [project('>=9.0.0')], AVAILABLE, false);
    expect('diagnostic' in result && result.diagnostic.code).toBe('invalid-dependency');
    expect('diagnostic' in result && result.diagnostic.severity).toBe('error');
  });

  describe('pre-releases', () => {
    const withBetas = ['1.0.0', '1.1.0', '1.2.0-b1', '1.2.0rc1', '2.0.0-b1'];

    it('are left out unless install-prerelease is set', () => {
      expect(pick([project('>=1.0.0')], withBetas)).toBe('1.1.0');
      expect(pick([project('>=1.0.0')], withBetas, true)).toBe('2.0.0-b1');
    });

    it('hub strings without a hyphen (1.2.0rc1) are read as pre-releases and returned as written', () => {
      expect(pick([project('>=1.0.0', '<1.3.0')], withBetas, true)).toBe('1.2.0rc1');
      expect(pick([project('=1.2.0-rc1')], withBetas)).toBe('1.2.0rc1');
    });

    it('are allowed when a range names one', () => {
      expect(pick([project('1.2.0-b1')], withBetas)).toBe('1.2.0-b1');
      expect(pick([project('>=1.2.0-b1', '<1.3.0')], withBetas)).toBe('1.2.0rc1');
      expect(pick([project('>=1.1.0'), { versions: ['<=1.2.0-rc1'], requiredBy: 'package_a' }], withBetas)).toBe('1.2.0rc1');
    });

    it('"<2.0.0" shuts out 2.0.0\'s own pre-releases, as dbt does', () => {
      expect(pick([project('<2.0.0')], withBetas, true)).toBe('1.2.0rc1');
      expect(pick([project('<=2.0.0')], withBetas, true)).toBe('2.0.0-b1');
    });

    it('a pre-release that would match is named in the message', () => {
      expect(pick([project('>1.1.0')], withBetas)).toBe(
        'error: No available version of dbt-labs/dbt_utils matches: the project (shop) requires [">1.1.0"] (available: 1.0.0, 1.1.0). Pre-release 2.0.0-b1 would match: set install-prerelease: true to allow pre-releases.',
      );
    });
  });
});
