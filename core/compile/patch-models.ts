import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SqlDialect } from '../adapter/dialect.js';
import { checksum } from '../project/checksum.js';
import { configFromManifest } from '../project/node-config-json.js';
import type { DependencyGraph } from '../graph/build-graph.js';
import { directedGraph } from '../graph/directed-graph.js';
import type { ParseResult } from '../project/parse-cache.js';
import { parseResultOf, parseTemplate } from '../project/parse-template.js';
import { decodeText } from '../project/read-text.js';
import type { ProjectNode, SourceDefinition } from '../project/types.js';
import { artifactText, nodeArtifactPath } from '../artifacts/artifact-paths.js';
import { baseScope } from '../template/base-scope.js';
import type { ParseRecord } from '../template/parse-scope.js';
import { engineFromFiles } from '../template/engine.js';
import type { CompileState, NodeFacts } from './compile-state.js';
import { Compiler } from './compiler.js';
import type { ProjectForCompile } from './project-for-compile.js';

/** What patching changed models needs: the project and sources the state recorded, and lookups into it. */
export interface PatchInput {
  project: CompileState['project'];
  sources: CompileState['sources'];
  /** The changed model files (from the project root), each with the id of the model it holds. */
  changed: { file: string; id: string }[];
  /** What the last full compile recorded about a node. */
  facts: (id: string) => NodeFacts | undefined;
  /** A node's manifest entry, as manifest.json holds it now. */
  entry: (id: string) => string;
  dialect: SqlDialect;
  env: NodeJS.ProcessEnv;
}

/** A changed model, with what the last compile knew of it. */
interface ChangedModel {
  id: string;
  file: string;
  text: string;
  facts: NodeFacts;
  entry: Record<string, unknown>;
}

/**
 * Compiles changed model files again, when each is a patchable model whose parse result is
 * unchanged. Returns the changed models' new manifest entries (JSON text, by id) and the compiled
 * files to write, or undefined when a full compile is needed (including any template error: the
 * full compile reports it with every other problem).
 */
export function patchModels(input: PatchInput): { entries: Map<string, string>; compiledFiles: [string, string][] } | undefined {
  const { project: saved } = input;
  const changed: ChangedModel[] = [];
  const targets = new Map<string, NodeFacts>();
  for (const { file, id } of input.changed) {
    const facts = input.facts(id);
    if (!facts?.parse || !facts.refs) return undefined;
    for (const target of Object.values(facts.refs)) {
      const targetFacts = input.facts(target);
      // A model reading an ephemeral one inlines its SQL: not worth patching.
      if (!targetFacts || targetFacts.materialized === 'ephemeral') return undefined;
      targets.set(target, targetFacts);
    }
    // Not UTF-8 any more: the full compile reports it.
    const text = decodeText(readFileSync(join(saved.root, file)));
    if (text === undefined) return undefined;
    changed.push({ id, file, text, facts, entry: JSON.parse(input.entry(id)) as Record<string, unknown> });
  }

  const project = projectForCompile(input, changed, targets);
  const engine = engineFromFiles(saved.root, saved.macroFiles, { rootPackage: saved.name, dispatch: saved.dispatch });
  if (engine.diagnostics.length) return undefined;
  const base = baseScope({ projectName: saved.name, vars: saved.vars, target: saved.target, env: input.env, execute: false });
  // Only the changed models are compiled, and their refs resolve as the full compile resolved them.
  const dag: DependencyGraph = {
    graph: directedGraph(),
    resolvedRefs: new Map(changed.map((c) => [c.id, new Map(Object.entries(c.facts.refs ?? {}))])),
    order: [],
    warnings: [],
  };
  const compiler = new Compiler(project, dag, input.dialect, { env: input.env, engine });
  const entries = new Map<string, string>();
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
      compiledFiles.push([nodeArtifactPath(saved, node, 'compiled'), artifactText(compiledSql)]);
    }
    entries.set(id, JSON.stringify(entry));
  }
  return { entries, compiledFiles };
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
 * What the compile pass reads for the changed models: each rebuilt from its manifest entry, the
 * nodes they ref from the state's facts, and the sources. Nothing else is known: the other fields
 * are empty, which the compile pass of a model that passed the checks above does not read.
 */
function projectForCompile(input: PatchInput, changed: ChangedModel[], targets: Map<string, NodeFacts>): ProjectForCompile {
  const { project: saved } = input;
  const nodes = new Map<string, ProjectNode>();
  for (const [id, facts] of targets) {
    const materialized = facts.materialized === 'external' ? 'view' : facts.materialized;
    const resourceType = materialized === 'seed' || materialized === 'snapshot' ? materialized : 'model';
    const config = { enabled: true, materialized, tags: [], meta: {}, pre_hook: [], post_hook: [], event_time: facts.eventTime };
    nodes.set(id, emptyNode({ uniqueId: id, resourceType, name: facts.name, relation: facts.relation, config }));
  }
  for (const { id, facts, entry } of changed) {
    const file = String(entry.original_file_path);
    const node = emptyNode({
      uniqueId: id,
      resourceType: 'model',
      name: facts.name,
      relation: facts.relation,
      config: configFromManifest(entry.config as Record<string, unknown>),
    });
    node.packageName = String(entry.package_name);
    node.originalFilePath = file;
    node.absolutePath = join(saved.root, file);
    node.path = String(entry.path);
    node.fqn = entry.fqn as string[];
    nodes.set(id, node);
  }
  const sources = new Map<string, SourceDefinition>();
  for (const [id, [relation, eventTime]] of Object.entries(input.sources)) {
    const [, packageName = '', sourceName = '', name = ''] = id.split('.');
    sources.set(id, {
      uniqueId: id,
      sourceName,
      name,
      packageName,
      originalFilePath: '',
      relation,
      description: '',
      columns: {},
      tags: [],
      meta: eventTime ? { event_time: eventTime } : {},
      loader: '',
      sourceDescription: '',
      tests: [],
      fqn: [],
      at: { file: '', line: 1, column: 1 },
    });
  }
  return {
    root: saved.root,
    name: saved.name,
    vars: saved.vars,
    nodes,
    sources,
    macroFiles: saved.macroFiles,
    macros: [],
    groups: new Map(),
    externals: new Map(),
    settings: { dispatch: saved.dispatch },
    target: {
      type: saved.adapter,
      targetName: saved.target.name,
      profileName: saved.target.profile_name,
      config: {},
      info: saved.target,
    },
  };
}

/** A node with what is known of it and nothing else. */
function emptyNode(known: Pick<ProjectNode, 'uniqueId' | 'resourceType' | 'name' | 'relation' | 'config'>): ProjectNode {
  return {
    ...known,
    packageName: '',
    originalFilePath: '',
    absolutePath: '',
    path: '',
    fqn: [],
    rawCode: '',
    description: '',
    columns: {},
    tests: [],
    refs: [],
    sources: [],
    macros: [],
  };
}
