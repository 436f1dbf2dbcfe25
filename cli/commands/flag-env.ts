/**
 * dbt reads most flags from `DBT_<FLAG>` environment variables too (`--log-format` from
 * `DBT_LOG_FORMAT`); Strata reads the same names and a `STRATA_<FLAG>` spelling, which wins.
 * A flag on the command line wins over both.
 */

/** `log-format` → `LOG_FORMAT`. */
export function envName(flag: string): string {
  return flag.replace(/^-+/, '').replace(/-/g, '_').toUpperCase();
}

/** The value of STRATA_<NAME>, else DBT_<NAME>, else undefined (empty counts as unset). */
export function envSetting(env: NodeJS.ProcessEnv, flag: string): string | undefined {
  const name = envName(flag);
  for (const key of [`STRATA_${name}`, `DBT_${name}`]) {
    const value = env[key];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** A boolean environment setting as dbt reads it: 1/true/yes/on or 0/false/no/off. */
export function envBoolean(env: NodeJS.ProcessEnv, flag: string): boolean | undefined {
  const value = envSetting(env, flag)?.trim().toLowerCase();
  if (value === undefined) return undefined;
  if (['1', 'true', 't', 'yes', 'y', 'on'].includes(value)) return true;
  if (['0', 'false', 'f', 'no', 'n', 'off'].includes(value)) return false;
  return undefined;
}
