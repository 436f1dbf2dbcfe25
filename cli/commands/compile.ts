import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { compiledByName, plainNames } from '../../core/compile/compiled-by-name.js';
import { refreshCompileRunResults } from '../../core/compile/recompile-results.js';
import { ciProjectOptions } from './ci-flags.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

/** `strata compile`: render the selected models to target/compiled/ without touching the database. */
export function registerCompile(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withSelectionOptions(withProjectOptions(program.command('compile').description('render selected models to SQL under target/compiled/')))
    .option('--inline <sql>', "compile this SQL instead of the project's nodes and print it (may use ref(), source() and macros)")
    .addOption(
      new Option('--output <format>', 'how to print a single node\'s SQL: text, or json ({"node": ..., "compiled": ...})')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (flags: CompileFlags) => {
      if (flags.inline !== undefined) return printInline(term, env, { ...flags, inline: flags.inline });
      const select = [...(flags.select ?? []), ...(flags.models ?? [])];
      const invocationArgs = { select, exclude: flags.exclude ?? [] };
      const ci = ciProjectOptions(flags, env);
      // Everything on the command line that can change what is compiled, as the re-compile key.
      const args = JSON.stringify({
        select,
        exclude: flags.exclude ?? [],
        selector: flags.selector ?? null,
        vars: flags.vars ?? null,
        target: flags.target ?? null,
        profilesDir: flags.profilesDir ? resolve(flags.profilesDir) : null,
        ci: { ...ci, parseCache: undefined },
      });
      const usesState = flags.state !== undefined || flags.defer || flags.favorState || flags.consumers !== undefined;
      // --no-partial-parse: a full parse and compile, as if nothing had been compiled before.
      if (!usesState && ci.parseCache !== false) {
        const { recompile } = await import('../../core/compile/recompile.js');
        const { builtinDialect } = await import('../../adapters/dialects.js');
        const fast = await recompile({ projectDir: resolve(flags.projectDir ?? '.'), args, env, invocationArgs, dialect: builtinDialect });
        // Nodes selected by name are printed; a re-compile holds no SQL, so it is read back from their files.
        const named = fast ? compiledByName(fast.targetPath, plainNames(select)) : [];
        // One node a selection compiled is printed whatever selected it: unless found by name, compile in full to know it.
        if (
          fast &&
          (fast.compiledCount !== 1 || named.length === 1 || select.length === 0) &&
          refreshCompileRunResults(fast.targetPath, invocationArgs, fast.patched)
        ) {
          printDiagnostics(term, fast.warnings, fast.root);
          for (const node of named) printCompiled(term, flags.output, node);
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
      // As dbt: the nodes selected by name (or the one node a selection compiled) are printed with their SQL.
      const names = new Set(plainNames(select));
      const named = result.compiled
        .map((c) => ({ name: result.project.nodes.get(c.uniqueId)?.name ?? c.uniqueId, sql: c.compiledSql }))
        .filter((c, _, all) => names.has(c.name) || (select.length > 0 && all.length === 1));
      for (const node of named) printCompiled(term, flags.output, node);
      term.out(compiledLine(result.compiled.length, result.project.targetPath));
    });
}

interface CompileFlags extends CommonFlags {
  models?: string[];
  inline?: string;
  output: 'text' | 'json';
}

/** `strata compile --inline '<sql>'`: the SQL compiled against the project, printed; nothing written. */
async function printInline(term: Terminal, env: NodeJS.ProcessEnv, flags: CompileFlags & { inline: string }): Promise<void> {
  const { compilePreview } = await import('../../core/compile/preview.js');
  const compiled = await compilePreview({ ...(await projectOptions(flags, env)), inline: flags.inline });
  printDiagnostics(term, compiled.warnings, compiled.root);
  printCompiled(term, flags.output, { sql: compiled.compiledSql });
}

/** dbt's CompiledNode message: "Compiled node 'x' is:" (or "Compiled inline node is:") and the SQL, or as JSON. */
function printCompiled(term: Terminal, output: 'text' | 'json', compiled: { name?: string; sql: string }): void {
  if (output === 'json')
    term.out(
      JSON.stringify(compiled.name === undefined ? { compiled: compiled.sql } : { node: compiled.name, compiled: compiled.sql }, null, 2),
    );
  else term.out(`${compiled.name === undefined ? 'Compiled inline node is:' : `Compiled node '${compiled.name}' is:`}\n${compiled.sql}`);
}

function compiledLine(count: number, targetPath: string): string {
  return `Compiled ${count} node${count === 1 ? '' : 's'} to ${targetPath}/compiled/.`;
}
