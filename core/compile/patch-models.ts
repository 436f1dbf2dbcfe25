import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SqlDialect } from '../adapter/dialect.js';
import { checksum } from '../project/checksum.js';
import { configFromManifest } from '../project/node-config-json.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import type { ParseResult } from '../project/parse-cache.js';
import { parseResultOf, parseTemplate } from '../project/parse-template.js';
import { decodeText } from '../project/read-text.js';
import type { Project, ProjectNode, SourceDefinition } from '../project/types.js';
import { artifactText, nodeArtifactPath } from '../artifacts/artifact-paths.js';
import { baseScope } from '../template/base-scope.js';
import type { ParseRecord } from '../template/parse-scope.js';
import { engineFor, engineFromFiles } from '../template/engine.js';
import { compileStateFiles, type CompileState, type NodeFacts } from './compile-state.js';
import { Compiler } from './compiler.js';

/** A byte range of manifest.json and its new text. */
export type Replacement = [start: number, end: number, text: string];

/** What patching changed models needs. */
export interface PatchInput {
  state: CompileState;
  /** Changed files, from the project root. */
  changed: string[];
  dialect: SqlDialect;
  env: NodeJS.ProcessEnv;
  /** Reads a byte range of manifest.json as written by the full compile. */
  read: (range: [number, number]) => string;
}

/**
 * Compiles changed model files again, when each is a patchable model whose parse result is
 * unchanged. Returns the manifest entries to replace and the compiled files to write, or
 * undefined when a full compile is needed (including any template error: the full compile
 * reports it with every other problem).
 */
export function patchModels(input: PatchInput): { replacements: Replacement[]; compiledFiles: [string, string][] } | undefined {
  const { state } = input;
  const positions = new Map(state.files.paths.map((p, i) => [p, i]));
  const byId = new Map(state.index.ids.map((id, i) => [id, i]));
  const factsText = readFileSync(compileStateFiles(state.project.root).facts);
  const range = (id: string, which: 0 | 2): [number, number] | undefined => {
    const i = byId.get(id);
    const start = i === undefined ? -1 : (state.index.ranges[4 * i + which] as number);
    return i === undefined || start < 0 ? undefined : [start, state.index.ranges[4 * i + which + 1] as number];
  };
  const factsOf = (id: string): NodeFacts | undefined => {
    const r = range(id, 2);
    return r ? (JSON.parse(factsText.toString('utf8', r[0], r[1])) as NodeFacts) : undefined;
  };

  const changed: { id: string; file: string; text: string; facts: NodeFacts; entry: Record<string, unknown> }[] = [];
  const targets = new Map<string, NodeFacts>();
  for (const file of input.changed) {
    const id = state.files.models[positions.get(file) ?? -1];
    const facts = id ? factsOf(id) : undefined;
    const entryRange = id ? range(id, 0) : undefined;
    if (!id || !facts?.parse || !facts.refs || !entryRange) return undefined;
    for (const target of Object.values(facts.refs)) {
      const targetFacts = factsOf(target);
      // A model reading an ephemeral one inlines its SQL: not worth patching.
      if (!targetFacts || targetFacts.materialized === 'ephemeral') return undefined;
      targets.set(target, targetFacts);
    }
    // Not UTF-8 any more: the full compile reports it.
    const text = decodeText(readFileSync(join(state.project.root, file)));
    if (text === undefined) return undefined;
    changed.push({ id, file, text, facts, entry: JSON.parse(input.read(entryRange)) as Record<string, unknown> });
  }

  const project = partialProject(state, changed, targets);
  const engine = engineFor(project, () =>
    engineFromFiles(state.project.root, state.project.macroFiles, { rootPackage: state.project.name, dispatch: state.project.dispatch }),
  );
  if (engine.diagnostics.length) return undefined;
  const base = baseScope({
    projectName: state.project.name,
    vars: state.project.vars,
    target: state.project.target as never,
    env: input.env,
    execute: false,
  });
  const dag: DependencyGraph = {
    graph: undefined as never,
    resolvedRefs: new Map(changed.map((c) => [c.id, new Map(Object.entries(c.facts.refs ?? {}))])),
    order: [],
    warnings: [],
  };
  const compiler = new Compiler(project, dag, input.dialect, { env: input.env });
  const replacements: Replacement[] = [];
  const compiledFiles: [string, string][] = [];
  for (const { id, file, text, facts, entry } of changed) {
    const node = project.nodes.get(id) as ProjectNode;
    const parsed = parseTemplate({ engine, base }, file, text, node.name);
    if (!parsed.record || parsed.diagnostics.length || !sameParse(parsed.record, facts.parse as ParseResult)) return undefined;
    node.rawCode = text;
    let compiledSql: string | undefined;
    try {
      compiledSql = facts.compiled ? compiler.compile(id).compiledSql : undefined;
    } catch {
      return undefined;
    }
    // A template reading `graph` depends on every node; only a full compile renders it right.
    if (compiler.usedGraph) return undefined;
    entry.raw_code = text;
    entry.checksum = checksum(text);
    if (compiledSql !== undefined) {
      entry.compiled_code = compiledSql;
      compiledFiles.push([nodeArtifactPath(project, node, 'compiled'), artifactText(compiledSql)]);
    }
    replacements.push([...(range(id, 0) as [number, number]), JSON.stringify(entry)]);
  }
  return { replacements, compiledFiles };
}

/** Same refs, sources, config() and macro calls as the last full parse. */
function sameParse(record: ParseRecord, before: ParseResult): boolean {
  const now = parseResultOf(record);
  return (
    isDeepStrictEqual(now.refs, before.refs) &&
    isDeepStrictEqual(now.sources, before.sources) &&
    isDeepStrictEqual(now.config, before.config) &&
    isDeepStrictEqual(now.macros.sort(), [...before.macros].sort())
  );
}

/**
 * The part of the project the compile pass reads for the changed models: each rebuilt from its
 * manifest entry, the nodes they ref from the state's facts, and the sources. Only the fields the
 * compile pass reads are filled in, hence the casts.
 */
function partialProject(
  state: CompileState,
  changed: { id: string; facts: NodeFacts; entry: Record<string, unknown> }[],
  targets: Map<string, NodeFacts>,
): Project {
  const nodes = new Map<string, ProjectNode>();
  for (const [id, facts] of targets) {
    const config = {
      materialized: facts.materialized === 'external' ? 'view' : facts.materialized,
      ...(facts.eventTime ? { event_time: facts.eventTime } : {}),
    };
    nodes.set(id, { uniqueId: id, name: facts.name, relation: facts.relation, config } as unknown as ProjectNode);
  }
  for (const { id, facts, entry } of changed) {
    const file = String(entry.original_file_path);
    nodes.set(id, {
      uniqueId: id,
      resourceType: 'model',
      name: facts.name,
      packageName: String(entry.package_name),
      originalFilePath: file,
      absolutePath: join(state.project.root, file),
      path: String(entry.path),
      fqn: entry.fqn as string[],
      rawCode: '',
      config: configFromManifest(entry.config as Record<string, unknown>),
      description: '',
      columns: {},
      tests: [],
      refs: [],
      sources: [],
      macros: [],
      relation: facts.relation,
    });
  }
  const sources = new Map(
    Object.entries(state.sources).map(([id, [relation, eventTime]]) => [
      id,
      { uniqueId: id, relation, meta: eventTime ? { event_time: eventTime } : {} } as unknown as SourceDefinition,
    ]),
  );
  return {
    root: state.project.root,
    name: state.project.name,
    targetPath: state.project.targetPath,
    vars: state.project.vars,
    nodes,
    sources,
    macroFiles: state.project.macroFiles,
    externals: new Map(),
    disabled: new Map(),
    target: {
      type: state.project.adapter,
      targetName: String(state.project.target.name),
      profileName: String(state.project.target.profile_name),
      info: state.project.target,
    },
  } as unknown as Project;
}
