import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { declarationAt } from './node-location.js';
import type { ProjectNode } from './types.js';

// A model's contract as declared, checked when the project loads; plan/contract.ts checks it
// against the database's columns.

/** True when the model's contract is enforced. */
export function hasEnforcedContract(node: ProjectNode): boolean {
  return node.resourceType === 'model' && node.config.contract?.enforced === true;
}

/** Load-time check: an enforced contract needs a model that is not ephemeral, some columns, and a `data_type` on each. */
export function checkContractDeclaration(node: ProjectNode): Diagnostic[] {
  if (!hasEnforcedContract(node)) return [];
  const at = declarationAt(node);
  // An ephemeral model is a CTE: no table whose shape could be checked (dbt refuses it at parse).
  if (node.config.materialized === 'ephemeral')
    return [
      diagnostic(
        'invalid-config',
        `${node.name} enforces a contract, but contracts are not supported on ephemeral models; materialize it as a table or view, or set contract: {enforced: false}.`,
        at,
      ),
    ];
  const columns = Object.values(node.columns);
  if (columns.length === 0) return [diagnostic('contract-mismatch', `${node.name} enforces a contract but declares no columns.`, at)];
  const untyped = columns.filter((c) => !c.dataType).map((c) => c.name);
  return untyped.length
    ? [
        diagnostic(
          'contract-mismatch',
          `${node.name} enforces a contract, so every column needs a data_type (missing on: ${untyped.join(', ')}).`,
          at,
        ),
      ]
    : [];
}
