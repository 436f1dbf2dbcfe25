import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, throwIfErrors } from '../diagnostics/diagnostic.js';
import { loadState } from '../graph/state.js';
import type { NodeType } from '../project/types.js';
import type { RunOptions } from './run-project.js';

/** What `strata retry` needs from the last run_results.json. */
export interface RetryPlan {
  /** Nodes that errored, failed or were skipped last time. */
  nodeIds: string[];
  /** The last invocation's options, to run the same way again. */
  options: Partial<RunOptions>;
}

const RETRY_STATUSES = new Set(['error', 'fail', 'skipped', 'runtime error', 'partial success']);

/** Reads target/run_results.json: which nodes to run again, and how the last run was invoked. */
export function planRetry(targetPath: string): RetryPlan {
  const file = join(targetPath, 'run_results.json');
  if (!existsSync(file)) throwIfErrors([diagnostic('invalid-state', `Nothing to retry: ${file} does not exist. Run a command first.`)]);
  const artifact = JSON.parse(readFileSync(file, 'utf8')) as {
    results?: { unique_id: string; status: string }[];
    args?: Record<string, unknown>;
  };
  const args = artifact.args ?? {};
  const nodeIds = (artifact.results ?? []).filter((r) => RETRY_STATUSES.has(r.status)).map((r) => r.unique_id);
  const options: Partial<RunOptions> = {
    command: typeof args.which === 'string' ? args.which : 'run',
    ...(typeof args.threads === 'number' ? { threads: args.threads } : {}),
    ...(args.full_refresh === true ? { fullRefresh: true } : {}),
    ...(args.store_failures === true ? { storeFailures: true } : {}),
    ...(args.fail_fast === true ? { failFast: true } : {}),
    ...(args.empty === true ? { empty: true } : {}),
    ...(args.defer === true ? { defer: true } : {}),
    ...(args.favor_state === true ? { favorState: true } : {}),
    ...(typeof args.state === 'string' ? { state: loadState(args.state) } : {}),
    ...(args.vars && typeof args.vars === 'object' ? { vars: args.vars as Record<string, unknown> } : {}),
    ...(Array.isArray(args.resource_types) ? { resourceTypes: args.resource_types as NodeType[] } : {}),
  };
  return { nodeIds, options };
}
