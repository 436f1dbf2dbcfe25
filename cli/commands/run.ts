import type { Command } from 'commander';
import type { NodeType } from '../../core/project/types.js';
import type { RunOptions } from '../../core/run/run-project.js';
import { withCancellation } from './cancellation.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { progressPrinter } from '../output/progress.js';
import type { Terminal } from '../output/terminal.js';
import { envBoolean } from './flag-env.js';
import { resourceTypesSetting, storeFailuresSetting, withResourceTypeOptions, type ResourceTypeFlags } from './ci-flags.js';
import { parseTime, positiveInt, projectOptions, seconds, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface RunFlags extends CommonFlags, ResourceTypeFlags {
  empty?: boolean;
  threads?: number;
  failFast?: boolean;
  fullRefresh?: boolean;
  storeFailures?: boolean;
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  lockTimeout?: number;
}

/** `strata run` and `strata build`: build the selected nodes on the target. */
export function registerRun(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  const commands: [string, string, NodeType[] | undefined][] = [
    ['run', 'build the selected models on the target database', ['model']],
    ['seed', 'load the selected CSV seeds into tables', ['seed']],
    ['snapshot', 'record changes of the selected snapshots (type-2 history)', ['snapshot']],
    ['test', 'run the data tests and unit tests of the selection', ['test', 'unit_test']],
    ['build', 'seeds, models, snapshots and tests in dependency order; a failing test skips what is downstream', undefined],
  ];
  for (const [name, description, resourceTypes] of commands) {
    const command = withSelectionOptions(withProjectOptions(program.command(name).description(description)));
    // As dbt: the commands that run tests can store their failing rows.
    if (name === 'test' || name === 'build') {
      command.option(
        '--store-failures',
        'store the failing rows of every test in the audit schema (unless its config says store_failures: false; env: DBT_STORE_FAILURES)',
      );
      withResourceTypeOptions(command);
    }
    command
      .option('--threads <n>', "nodes to build at once (default: the profile's threads)", positiveInt)
      .option('-x, --fail-fast', 'stop at the first failure')
      .option('--full-refresh', 'rebuild incremental models and seeds from scratch (unless they set full_refresh: false)')
      .option('--empty', 'build every selected model with zero rows (refs and sources read nothing): checks SQL and schemas cheaply')
      .option('--event-time-start <time>', 'microbatch models: build batches from this time (UTC), e.g. 2024-01-01', parseTime)
      .option('--event-time-end <time>', 'microbatch models: build batches up to this time (exclusive)', parseTime)
      .option(
        '--lock-timeout <seconds>',
        'how long to wait while another run writes to the same target (0: fail at once; default: as long as it takes)',
        seconds,
      )
      .action(async (flags: RunFlags) => {
        const types = name === 'test' || name === 'build' ? resourceTypesSetting(flags, env, resourceTypes) : resourceTypes;
        // -x, else DBT_FAIL_FAST; unset leaves it to the project's `flags: {fail_fast: ...}`.
        const failFast = flags.failFast ?? envBoolean(env, 'fail-fast');
        setExit(
          await runWithProgress(term, {
            ...(await projectOptions(flags, env)),
            command: name,
            ...(types ? { resourceTypes: types } : {}),
            ...(flags.threads ? { threads: flags.threads } : {}),
            ...(failFast !== undefined ? { failFast } : {}),
            ...(flags.fullRefresh ? { fullRefresh: true } : {}),
            ...(storeFailuresSetting(flags.storeFailures, env) ? { storeFailures: true } : {}),
            ...(flags.empty ? { empty: true } : {}),
            ...(flags.favorState ? { favorState: true } : {}),
            ...(flags.eventTimeStart ? { eventTimeStart: flags.eventTimeStart } : {}),
            ...(flags.eventTimeEnd ? { eventTimeEnd: flags.eventTimeEnd } : {}),
            ...(flags.lockTimeout !== undefined ? { lockTimeout: flags.lockTimeout } : {}),
          }),
        );
      });
  }
}

/** Runs with progress lines, Ctrl-C/SIGTERM cancellation, and returns the exit code. */
export async function runWithProgress(term: Terminal, options: RunOptions): Promise<number> {
  const { runProject } = await import('../../core/run/run-project.js');
  return withCancellation(term, 'Cancelling: stopping running queries (press Ctrl-C again to exit at once)...', async (signal) => {
    let print: ReturnType<typeof progressPrinter> | undefined;
    const { summary } = await runProject({
      ...options,
      signal,
      onPrepared: (prepared) => {
        printDiagnostics(term, prepared.warnings, prepared.project.root);
        print = progressPrinter(term, prepared.project);
      },
      onEvent: (event) => print?.(event),
    });
    // 130 is the shell's code for a run stopped by Ctrl-C.
    return summary.cancelled ? 130 : summary.success ? 0 : 1;
  });
}
