import type { NodeConfig } from '../project/node-config.js';

/**
 * Whether a node is rebuilt from scratch: `full_refresh: true` always, `full_refresh: false` never
 * (protects large tables from a stray --full-refresh), otherwise the run's --full-refresh flag.
 */
export function shouldFullRefresh(config: NodeConfig, flag: boolean): boolean {
  return config.full_refresh ?? flag;
}
