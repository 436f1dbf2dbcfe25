import type { StatementResponse } from '../adapter/connection.js';
import type { Relation } from '../adapter/relation.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

// What a run produces, in the shape run_results.json and the CLI read (run fills them in).

/** How a node ended. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';

/** The outcome of one node in a run. */
export interface NodeResult {
  /** Node id. */
  uniqueId: string;
  /** Outcome. */
  status: NodeStatus;
  /** One line for the user: what was built, or why it failed or was skipped. */
  message: string;
  /** Relation built, when there is one. */
  relation?: Relation;
  /** Verb phrase, e.g. `created table`. */
  action?: string;
  /** Seconds spent on the node. */
  executionTime: number;
  /** ISO time the node started. */
  startedAt: string;
  /** ISO time the node finished. */
  completedAt: string;
  /** Compiled SQL file, relative to the project root. */
  compiledPath?: string;
  /** The compiled SQL itself. */
  compiledSql?: string;
  /** Tests: how many failing rows (or the fail_calc result). */
  failures?: number;
  /** Tests with store_failures: where the failing rows were written. */
  storedFailures?: string;
  /** Microbatch models: which batches were written and which failed, as [start, end] ISO pairs. */
  batchResults?: { successful: [string, string][]; failed: [string, string][] };
  /** Template or config problems that stopped the node. */
  diagnostics?: Diagnostic[];
  /** Runner thread that executed the node, e.g. `Thread-2`. */
  threadId: string;
  /** When the node's SQL was rendered (run_results' `compile` timing), where it was. */
  compileTiming?: { startedAt: string; completedAt: string };
  /** What the database said about the node's main statement (run_results' `adapter_response`). */
  adapterResponse?: StatementResponse;
}

/** The outcome of a whole run. */
export interface RunSummary {
  /** One result per selected node, in completion order. */
  results: NodeResult[];
  /** Wall time in seconds. */
  elapsed: number;
  /** True when the run was interrupted. */
  cancelled: boolean;
  /** True when every node succeeded. */
  success: boolean;
}
