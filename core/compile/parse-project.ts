import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestParts } from '../artifacts/manifest.js';
import { newInvocation } from '../artifacts/run-results.js';
import { writeManifest } from '../artifacts/write-manifest.js';
import { prepareProject, type PreparedProject, type ProjectOptions } from './compile-project.js';

/** What `strata parse` did. */
export interface ParsedProject extends PreparedProject {
  /** target/manifest.json. */
  manifestFile: string;
  /** target/perf_info.json. */
  perfInfoFile: string;
  /** Seconds from start to the manifest written. */
  elapsed: number;
}

/**
 * `strata parse`: loads the project, runs the parse pass and builds the graph (every error
 * reported), then writes target/manifest.json without compiling anything, and the timings as
 * dbt's perf_info.json. Needs no database.
 */
export function parseProject(options: ProjectOptions): ParsedProject {
  const started = performance.now();
  const invocation = newInvocation({ which: 'parse' });
  const prepared = prepareProject(options);
  const loaded = performance.now();
  const { project, dag, adapter } = prepared;
  const { file: manifestFile } = writeManifest(
    project,
    manifestParts({ project, dag, dialect: adapter.dialect, invocation, ...(options.env ? { env: options.env } : {}) }),
  );
  const written = performance.now();
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const { hits, misses } = project.parseCache;
  // dbt's PerfInfo fields that mean the same here; parsers Strata does not split out are left out.
  const perfInfo = {
    path_count: hits + misses,
    parsed_path_count: misses,
    static_analysis_path_count: 0,
    static_analysis_parsed_path_count: 0,
    is_partial_parse_enabled: options.parseCache !== false,
    is_static_analysis_enabled: false,
    read_files_elapsed: null,
    load_macros_elapsed: null,
    parse_project_elapsed: seconds(loaded - started),
    patch_sources_elapsed: null,
    process_manifest_elapsed: seconds(written - loaded),
    load_all_elapsed: seconds(written - started),
    projects: [{ project_name: project.name, elapsed: seconds(loaded - started), parsers: [], parsed_path_count: misses }],
    _project_index: { [project.name]: 0 },
  };
  mkdirSync(project.targetPath, { recursive: true });
  const perfInfoFile = join(project.targetPath, 'perf_info.json');
  writeFileSync(perfInfoFile, `${JSON.stringify(perfInfo, null, 2)}\n`);
  return { ...prepared, manifestFile, perfInfoFile, elapsed: (performance.now() - started) / 1000 };
}
