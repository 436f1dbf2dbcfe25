import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

/** `strata compile`: render the selected models to target/compiled/ without touching the database. */
export function registerCompile(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withSelectionOptions(
    withProjectOptions(program.command('compile').description('render selected models to SQL under target/compiled/')),
  ).action(async (flags: CommonFlags & { models?: string[] }) => {
    const select = [...(flags.select ?? []), ...(flags.models ?? [])];
    const invocationArgs = { select, exclude: flags.exclude ?? [] };
    // Everything on the command line that can change what is compiled, as the re-compile key.
    const args = JSON.stringify({
      select,
      exclude: flags.exclude ?? [],
      selector: flags.selector ?? null,
      vars: flags.vars ?? null,
      target: flags.target ?? null,
      profilesDir: flags.profilesDir ? resolve(flags.profilesDir) : null,
    });
    const usesState = flags.state !== undefined || flags.defer || flags.favorState || flags.consumers !== undefined;
    if (!usesState) {
      const { recompile } = await import('../../core/compile/recompile.js');
      const { builtinDialect } = await import('../../adapters/dialects.js');
      const fast = await recompile({ projectDir: resolve(flags.projectDir ?? '.'), args, env, invocationArgs, dialect: builtinDialect });
      if (fast) {
        printDiagnostics(term, fast.warnings, fast.root);
        term.out(compiledLine(fast.compiledCount, fast.targetPath));
        return;
      }
    }
    const [{ compileProject }, { recordingEnv }] = await Promise.all([
      import('../../core/compile/compile-project.js'),
      import('../../core/project/recording-env.js'),
    ]);
    const recorded = recordingEnv(env);
    const result = await compileProject(
      await projectOptions(flags, recorded.env),
      usesState ? undefined : { args, envRead: recorded.read },
    );
    printDiagnostics(term, result.warnings, result.project.root);
    term.out(compiledLine(result.compiled.length, result.project.targetPath));
  });
}

function compiledLine(count: number, targetPath: string): string {
  return `Compiled ${count} node${count === 1 ? '' : 's'} to ${targetPath}/compiled/.`;
}
