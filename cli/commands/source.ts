import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import { freshnessPrinter, printFreshnessSummary } from '../output/freshness-progress.js';
import type { Terminal } from '../output/terminal.js';
import { positiveInt, projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface FreshnessFlags extends CommonFlags {
  output?: string;
  threads?: number;
}

/** `strata source freshness` (and dbt's older spelling `source snapshot-freshness`, hidden). */
export function registerSource(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  const source = program.command('source').description('commands about the sources a project reads');
  for (const [name, hidden] of [
    ['freshness', false],
    ['snapshot-freshness', true],
  ] as const) {
    withSelectionOptions(
      withProjectOptions(
        source
          .command(name, { hidden })
          .description('check how recently each source table was loaded, against its warn_after/error_after; writes target/sources.json'),
      ),
    )
      .option('-o, --output <path>', 'where to write the results (default: target/sources.json)')
      .option('--threads <n>', "tables to check at once (default: the profile's threads)", positiveInt)
      .action(async (flags: FreshnessFlags) => setExit(await sourceFreshness(term, env, flags)));
  }
}

/** Runs the checks and returns the exit code: 1 when a table is stale past error_after or could not be checked. */
async function sourceFreshness(term: Terminal, env: NodeJS.ProcessEnv, flags: FreshnessFlags): Promise<number> {
  const [
    { prepareProject },
    { checkSourceFreshness },
    { sourcesArtifact, writeSourcesArtifact },
    { newInvocation },
    { FRESHNESS_WARNING_EVENT, warningFate },
    { projectFlags },
  ] = await Promise.all([
    import('../../core/compile/compile-project.js'),
    import('../../core/run/source-freshness.js'),
    import('../../core/artifacts/sources-artifact.js'),
    import('../../core/artifacts/run-results.js'),
    import('../../core/diagnostics/warn-error.js'),
    import('../../core/project/project-flags.js'),
  ]);
  const invocation = newInvocation({ which: 'source freshness', ...(flags.output ? { output: flags.output } : {}) });
  const options = await projectOptions(flags, env);
  const prepared = prepareProject(options);
  const { project } = prepared;
  printDiagnostics(term, prepared.warnings, project.root);
  const checked: string[] = [];
  for (const id of prepared.selectedSources) {
    const source = project.sources.get(id);
    if (!source?.freshness) continue;
    // A file source without either is judged by its files' modification times.
    if (source.loadedAtField || source.loadedAtQuery || source.fileLocations) checked.push(id);
    // dbt would read the warehouse's metadata here; DuckDB and Postgres keep no load times.
    else
      term.err(
        `Warning: the freshness of ${source.sourceName}.${source.name} is not checked: it has no loaded_at_field or loaded_at_query (${source.originalFilePath}:${source.at.line}).`,
      );
  }
  const threads = flags.threads ?? project.target.info.threads;
  if (checked.length === 0) term.out('Nothing to do: no selected source has freshness criteria with a loaded_at_field or loaded_at_query.');
  else
    term.out(
      `Checking the freshness of ${checked.length} source${checked.length === 1 ? '' : 's'} with ${threads} thread${threads === 1 ? '' : 's'}.`,
    );
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const { results, elapsed } = await checkSourceFreshness({
      project,
      adapter: prepared.adapter,
      engine: prepared.engine,
      sources: checked,
      threads,
      signal: controller.signal,
      onEvent: freshnessPrinter(term),
    });
    const file = flags.output ? resolve(flags.output) : join(project.targetPath, 'sources.json');
    writeSourcesArtifact(file, sourcesArtifact(results, elapsed, invocation));
    const names = new Map(checked.map((id) => [id, `${project.sources.get(id)?.sourceName}.${project.sources.get(id)?.name}`]));
    if (checked.length > 0) printFreshnessSummary(term, results, elapsed, names);
    if (controller.signal.aborted) return 130;
    // As recent dbt: under --warn-error (or warn-error-options naming LogFreshnessResult) a warning fails the command.
    const warningsFail = warningFate(options.warnError ?? projectFlags(project.settings).warnError, FRESHNESS_WARNING_EVENT) === 'error';
    if (warningsFail && results.some((r) => r.status === 'warn'))
      term.err(`Freshness warnings are errors under warn-error (${FRESHNESS_WARNING_EVENT}).`);
    return results.some((r) => r.status === 'error' || r.status === 'runtime error' || (warningsFail && r.status === 'warn')) ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
  }
}
