import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { z } from 'zod';
import { NODE_CONFIG_KEYS, mergeConfigs, nodeConfigSchema, normalizeConfigKey, type PartialNodeConfig } from './node-config.js';
import { validateYaml, type YamlFile } from './yaml-file.js';

/** One level of a `models:`/`seeds:` tree in the project file: its configs and sub-folders. */
export interface ConfigTreeNode<C = PartialNodeConfig> {
  /** Configs set at this level (`+key`, or a bare config name). */
  config: C;
  /** Sub-folders (or package, or node names) below this level. */
  children: Map<string, ConfigTreeNode<C>>;
  /** Where the level is written, for the unused-path warning. */
  at: SourceLocation;
  /** Set once a node's path goes through this level. */
  used: boolean;
}

/** What configs a tree holds: models, seeds and the like hold node configs; `sources:` its own. */
export interface ConfigKind {
  /** Strict schema of one level's configs. */
  schema: z.ZodType;
  /** Config names (bare keys that are configs, not folders). */
  keys: ReadonlySet<string>;
  /** `+key`s that are not configs of this kind but are accepted with a warning (they have no effect). */
  ignored?: (key: string, path: readonly string[]) => string | undefined;
  /** Turns a level's checked configs into their stored form; `locate` points inside a config as written. */
  finish?: (
    config: Record<string, unknown>,
    locate: (path: readonly PropertyKey[]) => SourceLocation,
    diagnostics: Diagnostic[],
  ) => unknown;
}

const NODE_CONFIGS: ConfigKind = { schema: nodeConfigSchema, keys: NODE_CONFIG_KEYS };

/**
 * Reads a config tree such as `models:` from the project file. Keys starting with `+` are configs;
 * bare keys are configs when they name one and folders otherwise. A scalar under a bare key that is
 * not a config is a typo and is reported with the closest config name.
 */
export function readConfigTree<C = PartialNodeConfig>(
  yaml: YamlFile,
  section: string,
  kind: ConfigKind = NODE_CONFIGS,
): { tree: ConfigTreeNode<C>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const root = (yaml.value as Record<string, unknown> | null)?.[section];
  const tree = readLevel(yaml, kind, [section], root ?? {}, diagnostics, yaml.locate([], section));
  return { tree: tree as ConfigTreeNode<C>, diagnostics };
}

function readLevel(
  yaml: YamlFile,
  kind: ConfigKind,
  path: string[],
  value: unknown,
  diagnostics: Diagnostic[],
  at: SourceLocation,
): ConfigTreeNode<unknown> {
  const node: ConfigTreeNode<unknown> = { config: {}, children: new Map(), at, used: false };
  if (value === null || value === undefined) return node;
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push(
      diagnostic('yaml-schema', `Expected a mapping of folders and '+config' keys at '${path.join('.')}'.`, yaml.locate(path)),
    );
    return node;
  }
  const configs: Record<string, unknown> = {};
  const configPaths: Record<string, string> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const bare = key.startsWith('+') ? key.slice(1) : key;
    const name = normalizeConfigKey(bare);
    const isConfig = key.startsWith('+') || kind.keys.has(name);
    const ignored = key.startsWith('+') && !kind.keys.has(name) ? kind.ignored?.(name, path) : undefined;
    if (ignored) {
      diagnostics.push(diagnostic('ignored-setting', ignored, yaml.locate(path, key)));
    } else if (isConfig) {
      configs[name] = child;
      configPaths[name] = key;
    } else if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
      node.children.set(key, readLevel(yaml, kind, [...path, key], child, diagnostics, yaml.locate(path, key)));
    } else {
      const hint = didYouMean(name, kind.keys).replace("'", "'+");
      diagnostics.push(
        diagnostic('unknown-key', `'${key}' under '${path.join('.')}' is neither a config nor a folder.${hint}`, yaml.locate(path, key)),
      );
    }
  }
  const { data, diagnostics: found } = validateYaml(yaml, kind.schema, configs, path, `'${path.join('.')}' config`);
  for (const d of found) diagnostics.push(remapConfigKey(d, configPaths));
  const checked = (data ?? {}) as Record<string, unknown>;
  node.config = kind.finish
    ? kind.finish(checked, (p) => yaml.locate([...path, configPaths[String(p[0])] ?? String(p[0]), ...p.slice(1)]), diagnostics)
    : checked;
  return node;
}

/** Issue messages name normalized keys; point them back at the key as the user wrote it (with '+'). */
function remapConfigKey(d: Diagnostic, written: Record<string, string>): Diagnostic {
  const message = d.message
    .replace(/Unknown key '([^']+)'/, (_m, k: string) => `Unknown config '${written[k] ?? k}'`)
    .replace(/Did you mean '([^']+)'\?/, (_m, k: string) => `Did you mean '+${k}'?`);
  return { ...d, message };
}

/**
 * The merged config for a node whose path in the tree is `fqn` (package, folders..., name):
 * each level's configs override the level above.
 */
export function configForPath(tree: ConfigTreeNode, fqn: readonly string[]): PartialNodeConfig {
  return mergeConfigs(...configLevels(tree, fqn));
}

/** The configs of each level `fqn` goes through, the top of the tree first; marks those levels used. */
export function configLevels<C>(tree: ConfigTreeNode<C>, fqn: readonly string[]): C[] {
  const levels: C[] = [tree.config];
  let level: ConfigTreeNode<C> | undefined = tree;
  for (const part of fqn) {
    level = level.children.get(part);
    if (!level) break;
    level.used = true;
    levels.push(level.config);
  }
  return levels;
}

/** Warnings for tree paths no node went through (usually a misspelled folder name). */
export function unusedConfigPaths<C>(tree: ConfigTreeNode<C>, section: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: ConfigTreeNode<C>, path: string[]): void => {
    for (const [name, child] of node.children) {
      const childPath = [...path, name];
      if (!child.used)
        out.push(
          diagnostic(
            'unused-config-path',
            `Config path '${childPath.join('.')}' in '${section}:' matches no resource; check the folder name.`,
            child.at,
          ),
        );
      else walk(child, childPath);
    }
  };
  walk(tree, [section]);
  return out;
}
