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
  const [{ prepareProject }, { checkSourceFreshness }, { sourcesArtifact, writeSourcesArtifact }, { newInvocation }, path] =
    await Promise.all([
      import('../../core/compile/compile-project.js'),
      import('../../core/run/source-freshness.js'),
      import('../../core/artifacts/sources-artifact.js'),
      import('../../core/artifacts/run-results.js'),
      import('node:path'),
    ]);
  const invocation = newInvocation({ which: 'source freshness', ...(flags.output ? { output: flags.output } : {}) });
  const prepared = prepareProject(await projectOptions(flags, env));
  const { project } = prepared;
  printDiagnostics(term, prepared.warnings, project.root);
  const checked: string[] = [];
  for (const id of prepared.selectedSources) {
    const source = project.sources.get(id);
    if (!source?.freshness) continue;
    if (source.loadedAtField || source.loadedAtQuery) checked.push(id);
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
    const file = flags.output ? path.resolve(flags.output) : path.join(project.targetPath, 'sources.json');
    writeSourcesArtifact(file, sourcesArtifact(results, elapsed, invocation));
    const names = new Map(checked.map((id) => [id, `${project.sources.get(id)?.sourceName}.${project.sources.get(id)?.name}`]));
    if (checked.length > 0) printFreshnessSummary(term, results, elapsed, names);
    if (controller.signal.aborted) return 130;
    return results.some((r) => r.status === 'error' || r.status === 'runtime error') ? 1 : 0;
  } finally {
    process.off('SIGINT', stop);
  }
}
