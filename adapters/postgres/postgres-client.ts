import type pg from 'pg';
import { loadDriver } from '../load-driver.js';
import { explainConnectError } from './connection-errors.js';
import type { PostgresConfig } from './postgres-config.js';

function clientConfig(config: PostgresConfig, applicationName: string): pg.ClientConfig {
  // sslmode: 'prefer' and weaker connect without TLS (the driver cannot fall back); 'require' and stronger use it.
  const ssl = ['require', 'verify-ca', 'verify-full'].includes(config.sslmode)
    ? { rejectUnauthorized: config.sslmode !== 'require' }
    : false;
  const options = [
    config.search_path ? `-c search_path=${config.search_path.replace(/ /g, '\\ ')}` : '',
    config.role ? `-c role=${config.role}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.dbname,
    ssl,
    connectionTimeoutMillis: config.connect_timeout * 1000,
    application_name: applicationName,
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.keepalives_idle ? { keepAlive: true, keepAliveInitialDelayMillis: config.keepalives_idle * 1000 } : {}),
    ...(options ? { options } : {}),
  };
}

/**
 * Opens one session with the profile's settings; a failure to connect becomes a sentence saying
 * what to check. `applicationName` replaces the profile's `application_name`.
 */
export async function openClient(config: PostgresConfig, applicationName = config.application_name): Promise<pg.Client> {
  const driver = loadDriver<typeof pg>('pg');
  const client = new driver.Client(clientConfig(config, applicationName));
  // An idle session whose server goes away emits 'error'; without a listener that would crash the CLI.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw explainConnectError(err, config);
  }
  return client;
}
