import type { Adapter } from '../adapter/adapter.js';
import { identifierBytes } from '../adapter/derived-name.js';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Project } from '../project/types.js';

/**
 * Fails before anything runs when a node would build a relation whose schema or name is longer
 * than the database keeps (Postgres: 63 bytes). The database would cut the name silently, so the
 * next run could not find the relation it built, and two long names could become one (dbt-postgres
 * refuses such names too). Names Strata derives from these are shortened to fit instead.
 */
export function checkIdentifiers(
  project: Project,
  ids: readonly string[],
  adapter: Pick<Adapter, 'name' | 'capabilities'>,
  storeFailures = false,
): void {
  const max = adapter.capabilities.maxIdentifierBytes;
  if (max === undefined) return;
  throwIfErrors(
    ids.flatMap((id): Diagnostic[] => {
      const node = project.nodes.get(id);
      if (!node || node.resourceType === 'unit_test' || node.config.materialized === 'ephemeral') return [];
      if (node.resourceType === 'test' && !(node.config.store_failures ?? storeFailures)) return [];
      return (['schema', 'identifier'] as const).flatMap((part) => {
        const name = node.relation[part];
        const bytes = identifierBytes(name);
        if (bytes <= max) return [];
        const what = part === 'schema' ? 'schema' : 'relation name';
        const fix = part === 'schema' ? 'a shorter schema' : 'a shorter name or alias';
        return [
          diagnostic(
            'invalid-config',
            `${node.name}: the ${what} '${name}' is ${bytes} bytes long, and ${adapter.name} keeps only ${max} (it would cut the name, and the next run would not find the relation). Use ${fix}.`,
            { file: node.originalFilePath, line: 1, column: 1 },
          ),
        ];
      });
    }),
  );
}
