import { z } from 'zod';

/** A Postgres output in profiles.yml (dbt-postgres's keys). */
export const postgresProfileSchema = z.strictObject({
  type: z.literal('postgres'),
  // Required, as in dbt-postgres: a profile without them must not quietly reach a local server.
  host: z.string(),
  port: z.coerce.number().int().positive(),
  user: z.string(),
  password: z.union([z.string(), z.number()]).transform(String).optional(),
  pass: z.union([z.string(), z.number()]).transform(String).optional(),
  dbname: z.string().optional(),
  database: z.string().optional(),
  schema: z.string(),
  threads: z.coerce.number().int().positive().default(1),
  sslmode: z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
  connect_timeout: z.coerce.number().int().positive().default(10),
  keepalives_idle: z.coerce.number().int().nonnegative().optional(),
  // Passed to the server as startup options, so only plain names are accepted.
  search_path: z
    .string()
    .regex(/^[\w$, ]+$/, 'must be a comma-separated list of schema names')
    .optional(),
  role: z.string().regex(/^\w+$/, 'must be a role name').optional(),
  application_name: z.string().default('strata'),
  retries: z.coerce.number().int().nonnegative().optional(),
});

/** A validated Postgres output. */
export type PostgresConfig = z.infer<typeof postgresProfileSchema> & { dbname: string };
