import type { Command } from 'commander';
import { relative } from 'node:path';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

/** `strata parse`: load and parse the project, check the graph and write target/manifest.json. */
export function registerParse(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withProjectOptions(
    program.command('parse').description('parse the project and write target/manifest.json, without compiling or connecting'),
  ).action(async (flags: CommonFlags) => {
    const { parseProject } = await import('../../core/compile/parse-project.js');
    const parsed = parseProject(await projectOptions(flags, env));
    printDiagnostics(term, parsed.warnings, parsed.project.root);
    // Relative to the project, as the project file's target-path is written.
    const shown = (file: string) => (relative(parsed.project.root, file).startsWith('..') ? file : relative(parsed.project.root, file));
    term.out(`Wrote ${shown(parsed.manifestFile)} in ${parsed.elapsed.toFixed(2)}s.`);
    term.out(`Performance info: ${shown(parsed.perfInfoFile)}`);
  });
}
