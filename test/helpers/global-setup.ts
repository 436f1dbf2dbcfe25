import pg from 'pg';

const url = process.env.STRATA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Drops the per-test schemas (`strata_t_*`) the suite created on the Postgres test server. */
async function dropTestSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch {
    return; // No server: nothing was created there.
  }
  try {
    const { rows } = await client.query<{ name: string }>("select nspname as name from pg_namespace where nspname like 'strata\\_t\\_%'");
    for (const { name } of rows) await client.query(`drop schema if exists "${name.replace(/"/g, '""')}" cascade`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  if (!process.env.STRATA_TEST_ADAPTERS || process.env.STRATA_TEST_ADAPTERS.includes('postgres')) await dropTestSchemas();
}

export async function teardown(): Promise<void> {
  if (!process.env.STRATA_TEST_ADAPTERS || process.env.STRATA_TEST_ADAPTERS.includes('postgres')) await dropTestSchemas();
}
