import type { NodeResult, NodeStatus } from '../artifacts/node-result.js';

/** Statuses after which a node's dependents may run (a warning does not block them). */
export function allowsDependents(status: NodeStatus): boolean {
  return status === 'success' || status === 'pass' || status === 'warn';
}

/** Everything a run reports as it goes; the CLI prints these, core never does. */
export type RunEvent =
  | { type: 'lock-wait'; holder: string; target: string }
  | { type: 'run-start'; total: number; threads: number }
  | { type: 'node-start'; index: number; total: number; uniqueId: string }
  | { type: 'node-done'; index: number; total: number; result: NodeResult }
  | { type: 'run-done'; results: NodeResult[]; elapsed: number; cancelled: boolean };
