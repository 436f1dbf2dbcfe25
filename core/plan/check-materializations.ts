import type { Adapter } from '../adapter/adapter.js';
import { diagnostic, throwIfErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { configKeyAt } from '../project/node-location.js';
import type { Project, ProjectNode } from '../project/types.js';
import { INCREMENTAL_STRATEGIES, incrementalStrategy } from './incremental.js';
import { uniqueKeys } from './plan-input.js';
import { MATERIALIZATIONS } from './materializations.js';
import { externalConfigProblem } from '../project/external-location.js';

/**
 * Fails before anything runs when a selected node names a materialization Strata lacks, or an
 * incremental model a strategy its adapter lacks or a strategy without the unique_key it needs.
 * The strategy is only applied from the second run on, so without this check a typo such as
 * `upsert` would build the table once and fail on every run after.
 */
export function checkMaterializations(project: Project, ids: readonly string[], adapter: Pick<Adapter, 'name' | 'capabilities'>): void {
  const known = Object.keys(MATERIALIZATIONS).filter((m) => m !== 'seed' && m !== 'snapshot' && (m !== 'external' || writesFiles(adapter)));
  throwIfErrors(
    ids.flatMap((id) => {
      const node = project.nodes.get(id);
      if (!node || node.resourceType === 'test' || node.resourceType === 'unit_test') return [];
      if (!(node.config.materialized in MATERIALIZATIONS)) {
        return [
          diagnostic(
            'invalid-config',
            `${node.name}: materialized '${node.config.materialized}' is not supported (supported: ${known.join(', ')}).${didYouMean(node.config.materialized, known)}`,
            { file: node.originalFilePath, line: 1, column: 1 },
          ),
        ];
      }
      if (node.config.materialized === 'external') return checkExternal(node, adapter);
      return node.config.materialized === 'incremental' ? checkStrategy(node, adapter) : [];
    }),
  );
}

function checkStrategy(node: ProjectNode, adapter: Pick<Adapter, 'name' | 'capabilities'>): Diagnostic[] {
  const strategy = incrementalStrategy(node);
  const supported = adapter.capabilities.incrementalStrategies;
  const valid: string[] = INCREMENTAL_STRATEGIES.filter((s) => !supported || supported.includes(s));
  const at = () => configKeyAt(node, 'incremental_strategy');
  if (!valid.includes(strategy)) {
    const list = valid.map((s) => `'${s}'`).join(', ');
    return [
      diagnostic(
        'invalid-config',
        `${node.name}: incremental_strategy '${strategy}' is not supported on ${adapter.name}; expected one of: ${list}.${didYouMean(strategy, valid)}`,
        at(),
      ),
    ];
  }
  if ((strategy === 'merge' || strategy === 'delete+insert') && uniqueKeys(node).length === 0) {
    return [diagnostic('invalid-config', `${node.name}: incremental_strategy '${strategy}' needs a unique_key (or use 'append').`, at())];
  }
  return [];
}

/** External models write files with DuckDB's `COPY … TO`. */
function writesFiles(adapter: Pick<Adapter, 'name'>): boolean {
  return adapter.name === 'duckdb';
}

function checkExternal(node: ProjectNode, adapter: Pick<Adapter, 'name' | 'capabilities'>): Diagnostic[] {
  if (!writesFiles(adapter))
    return [
      diagnostic(
        'invalid-config',
        `${node.name}: materialized 'external' writes files with DuckDB and is not supported on ${adapter.name}; use 'table' or 'view'.`,
        configKeyAt(node, 'materialized'),
      ),
    ];
  const problem = externalConfigProblem(node.config);
  if (problem !== undefined) return [diagnostic('invalid-config', `${node.name}: ${problem}.`, configKeyAt(node, 'location'))];
  const strategy = node.config.incremental_strategy;
  if (strategy !== undefined && strategy !== null && strategy !== 'append')
    return [
      diagnostic(
        'invalid-config',
        `${node.name}: incremental_strategy '${strategy}' is not supported for external models; 'append' adds new files beside the existing ones.`,
        configKeyAt(node, 'incremental_strategy'),
      ),
    ];
  return [];
}
