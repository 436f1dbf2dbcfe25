import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

/**
 * The `yaml` library, loaded on first use: it keeps every node's position (for diagnostics) and
 * writes YAML (`toyaml`), but most commands need neither, and loading it costs start-up time.
 * Values are read with js-yaml (core/project/yaml-file.ts).
 */
export function yamlLibrary(): typeof YamlModule {
  return createRequire(import.meta.url)('yaml') as typeof YamlModule;
}
