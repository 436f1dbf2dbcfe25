import type { Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

interface OperationFlags extends CommonFlags {
  args?: string;
}

/** `strata run-operation <macro>`: calls a macro on the target (its SQL commits), as dbt's. */
export function registerRunOperation(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withProjectOptions(
    program
      .command('run-operation')
      .description('call a macro on the target database: maintenance, grants, one-off SQL (its log(..., info=True) lines are printed)')
      .argument('<macro>', 'the macro to call: name, or package.name'),
  )
    .option('--args <yaml>', "keyword arguments for the macro, as a YAML mapping: '{table: orders, days: 7}'")
    .action(async (macro: string, flags: OperationFlags) => {
      const { runOperation, parseOperationArgs } = await import('../../core/run/run-operation.js');
      const args = parseOperationArgs(flags.args);
      const outcome = await runOperation({
        ...(await projectOptions(flags, env)),
        macro,
        args,
        onPrepared: (prepared) => printDiagnostics(term, prepared.warnings, prepared.project.root),
      });
      const root = outcome.prepared.project.root;
      if (outcome.success) return;
      term.err(`Encountered an error while running operation ${macro}:`);
      printDiagnostics(term, outcome.diagnostics, root);
      setExit(1);
    });
}
