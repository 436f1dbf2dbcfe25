import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';
import { runWithProgress } from './run.js';

/** `strata retry`: run again what errored, failed or was skipped last time, the way it ran then. */
export function registerRetry(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withProjectOptions(
    program.command('retry').description('re-run the nodes that errored, failed or were skipped in the last run, with its options'),
  ).action(async (flags: CommonFlags) => {
    const [{ loadProject }, { planRetry }] = await Promise.all([
      import('../../core/project/load-project.js'),
      import('../../core/run/retry.js'),
    ]);
    const options = await projectOptions(flags, env);
    const project = loadProject(options);
    const plan = planRetry(project.targetPath);
    if (plan.nodeIds.length === 0) {
      term.out('Nothing to retry: every node of the last run succeeded.');
      return;
    }
    term.out(`Retrying ${plan.nodeIds.length} node${plan.nodeIds.length === 1 ? '' : 's'} of the last '${plan.options.command ?? 'run'}'.`);
    const vars = { ...plan.options.vars, ...options.vars };
    setExit(await runWithProgress(term, { ...options, ...plan.options, vars, nodeIds: plan.nodeIds }));
  });
}
