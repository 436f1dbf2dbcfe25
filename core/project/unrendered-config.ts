import { plainValue } from './render-yaml.js';
import type { NodeProperties } from './properties-file.js';
import type { ProjectNode } from './types.js';

/**
 * A node's `unrendered_config` as dbt writes it: the configs the user set, layer over layer, each
 * key replacing the one before (dbt's UnrenderedConfigGenerator updates a plain dict: tags and meta
 * are not merged). The layers, lowest first: the project file's levels the node's fqn goes through
 * (raw YAML, Jinja left as written), the properties entry's `config:`, the `config()` call's
 * arguments, and for a package's node the root project file's levels again. With dbt's default
 * `state_modified_compare_more_unrendered_values: false`, the properties and `config()` layers are
 * the values dbt parsed (rendered), as dbt records them.
 */
export type UnrenderedConfig = Record<string, unknown>;

/**
 * The project file sections a node's unrendered configs come from: the same as its rendered config
 * (analyses: `analyses:`, dbt's corrected behaviour; dbt 1.10 reads `models:` for them).
 */
function sectionOf(node: ProjectNode, project: Record<string, unknown>): string | undefined {
  switch (node.resourceType) {
    case 'seed':
      return 'seeds';
    case 'snapshot':
      return 'snapshots';
    case 'test':
      return 'data_tests' in project ? 'data_tests' : 'tests';
    case 'analysis':
      return 'analyses';
    case 'model':
      return 'models';
    default:
      return undefined;
  }
}

/**
 * The configs each level of a raw project-file section gives a node at `fqn`, as dbt's fqn_search
 * reads them: the section's top, then one level per fqn part while the part names a mapping. A
 * `+key` is always a config; a bare key is one unless its value is a mapping (then it is a folder).
 */
export function projectLevels(section: unknown, fqn: readonly string[]): UnrenderedConfig[] {
  const levels: UnrenderedConfig[] = [];
  let level: unknown = section;
  for (let depth = 0; isMapping(level); depth++) {
    const configs: UnrenderedConfig = {};
    for (const [key, value] of Object.entries(level)) {
      if (key.startsWith('+')) set(configs, key.slice(1).trim(), value);
      else if (!isMapping(value)) set(configs, key, value);
    }
    levels.push(configs);
    if (depth === fqn.length) break;
    level = level[fqn[depth] as string];
  }
  return levels;
}

/**
 * The properties entry's configs as dbt patches them: `config:`, with the top-level `meta`, `docs`,
 * `group` and `access` moved in (dbt 1.10's normalize_*_attribute), and a version's own `config:`
 * deep-merged over the model's.
 */
export function propertiesConfig(props: NodeProperties | undefined, versionConfig?: Record<string, unknown>): UnrenderedConfig {
  if (!props) return {};
  const config: UnrenderedConfig = { ...(props.config as UnrenderedConfig | undefined) };
  for (const key of ['meta', 'docs', 'group', 'access'] as const) if (props[key] !== undefined) set(config, key, props[key]);
  return versionConfig ? deepMerge(config, versionConfig) : config;
}

/** A `config()` call's arguments as dbt records them: plain values, `pre_hook`/`post_hook` renamed as dbt's parser renames them. */
export function configCallConfig(call: Record<string, unknown>): UnrenderedConfig {
  const out: UnrenderedConfig = {};
  for (const [key, value] of Object.entries(call)) {
    if (value === undefined) continue;
    set(out, key === 'pre_hook' ? 'pre-hook' : key === 'post_hook' ? 'post-hook' : key, plainValue(value));
  }
  return out;
}

/**
 * Puts the project file layers around the properties and `config()` layers each node holds:
 * `project` is the raw value of the node's own project file, `root` the root project's for a
 * package's nodes.
 */
export function addProjectLayers(nodes: Iterable<ProjectNode>, project: unknown, root?: unknown): void {
  if (!isMapping(project)) return;
  for (const node of nodes) {
    const section = sectionOf(node, project);
    if (!section) continue;
    const own = projectLevels(project[section], node.fqn);
    const over = isMapping(root) ? projectLevels(root[section], node.fqn) : [];
    node.unrenderedConfig = layered(...own, node.unrenderedConfig ?? {}, ...over);
  }
}

/** Each layer's keys replace the ones below (a key keeps its first place, as in a Python dict). */
function layered(...layers: UnrenderedConfig[]): UnrenderedConfig {
  const out: UnrenderedConfig = {};
  for (const layer of layers) for (const [key, value] of Object.entries(layer)) set(out, key, value);
  return out;
}

function deepMerge(base: UnrenderedConfig, over: UnrenderedConfig): UnrenderedConfig {
  const out: UnrenderedConfig = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    set(out, key, isMapping(prev) && isMapping(value) ? deepMerge(prev, value) : value);
  }
  return out;
}

/** Defined, not assigned: a `__proto__` config key is a key like any other. */
function set(target: UnrenderedConfig, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}
