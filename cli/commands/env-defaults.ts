import type { Command } from 'commander';
import { envBoolean, envSetting } from './flag-env.js';

/**
 * Flags every command shares that dbt also reads from the environment when they are not given:
 * DBT_PROJECT_DIR and DBT_FULL_REFRESH (and their STRATA_ spellings). Filled in once, before any
 * action runs, so each command sees them as if typed.
 */
export function applyEnvDefaults(program: Command, env: NodeJS.ProcessEnv): void {
  program.hook('preAction', (_root, action) => {
    const has = (long: string) => action.options.some((o) => o.long === long);
    if (has('--project-dir') && action.getOptionValue('projectDir') === undefined) {
      const dir = envSetting(env, 'project-dir');
      if (dir !== undefined) action.setOptionValue('projectDir', dir);
    }
    if (has('--full-refresh') && action.getOptionValue('fullRefresh') === undefined && envBoolean(env, 'full-refresh'))
      action.setOptionValue('fullRefresh', true);
  });
}
