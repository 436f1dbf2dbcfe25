import type { Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import { cloneProgressPrinter } from '../output/clone-progress.js';
import type { Terminal } from '../output/terminal.js';
import { withCancellation } from './cancellation.js';
import { positiveInt, projectOptions, seconds, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface CloneFlags extends CommonFlags {
  threads?: number;
  fullRefresh?: boolean;
  lockTimeout?: number;
}

/** `strata clone --state <dir>`: the selected relations of another run, made available in this target. */
export function registerClone(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withSelectionOptions(
    withProjectOptions(
      program
        .command('clone')
        .description("make the selected models, seeds and snapshots of the target copies of the --state run's relations (views over them)"),
    ),
  )
    .option('--threads <n>', "relations to clone at once (default: the profile's threads)", positiveInt)
    .option('--full-refresh', 'replace relations that already exist in the target (by default they are left alone)')
    .option('--lock-timeout <seconds>', 'how long to wait while another run writes to the same target', seconds)
    .action(async (flags: CloneFlags) => {
      const { cloneProject } = await import('../../core/run/clone-project.js');
      const code = await withCancellation(
        term,
        'Cancelling: stopping after the relations being cloned (press Ctrl-C again to exit at once)...',
        async (signal) => {
          let print: ReturnType<typeof cloneProgressPrinter> | undefined;
          const { summary } = await cloneProject({
            ...(await projectOptions(flags, env)),
            ...(flags.threads ? { threads: flags.threads } : {}),
            // DBT_FULL_REFRESH is filled in by env-defaults.ts when the flag is not given.
            ...(flags.fullRefresh ? { fullRefresh: true } : {}),
            ...(flags.lockTimeout !== undefined ? { lockTimeout: flags.lockTimeout } : {}),
            signal,
            onPrepared: (prepared) => {
              printDiagnostics(term, prepared.warnings, prepared.project.root);
              print = cloneProgressPrinter(term, prepared.project);
            },
            onEvent: (event) => print?.(event),
          });
          return summary.cancelled ? 130 : summary.success ? 0 : 1;
        },
      );
      setExit(code);
    });
}
