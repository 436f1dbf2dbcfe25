import { Option, type Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { withResourceTypeOptions, type ResourceTypeFlags } from './ci-flags.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface LsFlags extends CommonFlags, ResourceTypeFlags {
  output: 'selector' | 'name' | 'path' | 'json';
  outputKeys?: string[];
}

/** What `default` and `all` stand for in --resource-type: everything Strata can list. */
const LISTABLE = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'analysis', 'source', 'exposure'];

/** `strata ls`: list the resources a selection matches, as dbt's ls prints them. */
export function registerLs(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withResourceTypeOptions(
    withSelectionOptions(withProjectOptions(program.command('ls').alias('list').description('list the resources a selection matches'))),
  )
    .addOption(
      new Option('--output <format>', 'what to print of each resource').choices(['selector', 'name', 'path', 'json']).default('selector'),
    )
    .option('--output-keys <keys...>', 'with --output json: the keys to write (names of manifest fields; comma or space separated)')
    .action(async (flags: LsFlags) => {
      const [{ prepareProject }, { listResources, pickKeys, LS_JSON_KEYS }] = await Promise.all([
        import('../../core/compile/compile-project.js'),
        import('../../core/compile/list-resources.js'),
      ]);
      const prepared = prepareProject(await projectOptions(flags, env));
      printDiagnostics(term, prepared.warnings, prepared.project.root);
      const keys = (flags.outputKeys ?? []).flatMap((k) => k.split(/[\s,]+/)).filter(Boolean);
      for (const resource of listResources(prepared, listedTypes(flags))) {
        if (flags.output === 'name') term.out(resource.name);
        else if (flags.output === 'path') term.out(resource.path);
        else if (flags.output === 'json') term.out(JSON.stringify(pickKeys(resource.entry(), keys.length ? keys : LS_JSON_KEYS)));
        else term.out(resource.selector);
      }
    });
}

/** The resource types to list: --resource-type (`default` and `all`: everything) minus --exclude-resource-type. */
function listedTypes(flags: ResourceTypeFlags): Set<string> | undefined {
  const include = [...(flags.resourceType ?? []), ...(flags.resourceTypes ?? [])].flatMap(expand);
  const exclude = new Set([...(flags.excludeResourceType ?? []), ...(flags.excludeResourceTypes ?? [])].flatMap(expand));
  if (include.length === 0 && exclude.size === 0) return undefined;
  return new Set((include.length ? include : LISTABLE).filter((t) => !exclude.has(t)));
}

function expand(type: string): string[] {
  return type === 'default' || type === 'all' ? LISTABLE : [type];
}
