import pg from 'pg';

const url = process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether a process of this id is running (a test run that may still use its schemas). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Drops per-test schemas on the Postgres test server: this run's (`strata_t_<pid>_*`, see
 * uniqueSchema) and those of runs that are over, so two suites can run at once on one server.
 */
async function dropTestSchemas(mine: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return; // No server: nothing was created there.
  }
  try {
    const { rows } = await client.query<{ name: string }>("select nspname as name from pg_namespace where nspname like 'strata\\_t\\_%'");
    for (const { name } of rows) {
      const pid = Number(/^strata_t_(\d+)_/.exec(name)?.[1] ?? 0);
      const drop = mine ? pid === process.pid : pid === 0 || !alive(pid);
      if (drop) await client.query(`drop schema if exists "${name.replace(/"/g, '""')}" cascade`);
    }
  } finally {
    await client.end();
  }
}

const usesPostgres = () => !process.env.STRATA_TEST_ADAPTERS || process.env.STRATA_TEST_ADAPTERS.includes('postgres');

export async function setup(): Promise<void> {
  // Test files read the run's id to name their schemas (workers start after this, with this env).
  process.env.STRATA_TEST_RUN = String(process.pid);
  if (usesPostgres()) await dropTestSchemas(false);
}

export async function teardown(): Promise<void> {
  if (usesPostgres()) await dropTestSchemas(true);
}
