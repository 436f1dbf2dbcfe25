import semver from 'semver';

/**
 * The dbt version Strata behaves as (its artifacts follow dbt 1.10's), against which packages'
 * `require-dbt-version` is checked, as dbt checks its own version.
 */
export const DBT_COMPATIBLE_VERSION = '1.10.0';

/**
 * Whether `required` (dbt's `require-dbt-version`: a range such as ">=1.3.0", or a list of them, all
 * of which must hold; "1.3.0" exact; a comma inside one string also separates ranges) admits the
 * version Strata behaves as. A range it cannot read admits nothing.
 */
export function admitsStrata(required: string | readonly string[]): boolean {
  const ranges = (Array.isArray(required) ? required : [required])
    .flatMap((r) => String(r).split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return ranges.every((range) => {
    const valid = semver.validRange(range.replace(/^=(?!=)/, ''), { loose: true });
    return valid !== null && semver.satisfies(DBT_COMPATIBLE_VERSION, valid, { includePrerelease: true });
  });
}
