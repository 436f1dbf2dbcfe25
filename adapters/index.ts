import type { Adapter } from '../core/adapter/adapter.js';
import { duckdbAdapter } from './duckdb/duckdb-adapter.js';
import { postgresAdapter } from './postgres/postgres-adapter.js';

/** Every adapter shipped with Strata. */
export const BUILTIN_ADAPTERS: readonly Adapter[] = [duckdbAdapter, postgresAdapter];

export { duckdbAdapter, postgresAdapter };
