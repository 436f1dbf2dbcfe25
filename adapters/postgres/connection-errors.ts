import { StrataEnvironmentError } from '../../core/diagnostics/environment-error.js';

/** Settings that identify a server, for messages. */
interface Where {
  host: string;
  port: number;
  user: string;
  dbname: string;
}

/**
 * Turns a driver error from connecting into one sentence that says what to check. Unknown errors
 * keep the driver's message. Every command that connects (debug, run, build, hooks) says the same.
 */
export function explainConnectError(err: unknown, where: Where): StrataEnvironmentError {
  const e = err as { code?: string; message?: string };
  const server = `${where.host}:${where.port}`;
  const message = (() => {
    switch (e.code) {
      case 'ECONNREFUSED':
        return `No Postgres server is answering at ${server} (connection refused). Is it running, and are host and port right?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `Host '${where.host}' cannot be resolved. Check 'host' in profiles.yml.`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `Cannot reach ${server} (${e.code}). Check host, port and firewalls, or raise 'connect_timeout'.`;
      case '28P01':
        return `Password authentication failed for user '${where.user}' at ${server}. Check 'user' and 'password' in profiles.yml.`;
      case '28000':
        return `The server at ${server} rejected user '${where.user}' (${e.message}). Check 'user' in profiles.yml.`;
      case '3D000':
        return `Database '${where.dbname}' does not exist on ${server}. Create it, or fix 'dbname' in profiles.yml.`;
      case '53300':
        return `The server at ${server} has no free connections (${e.message}). Lower 'threads', or raise the server's max_connections.`;
      default:
        // pg's own connect timeout has no code.
        if (/timeout/i.test(e.message ?? ''))
          return `Connecting to ${server} timed out. Check host, port and firewalls, or raise 'connect_timeout'.`;
        return `Could not connect to Postgres at ${server} as user '${where.user}', database '${where.dbname}': ${e.message ?? String(err)}`;
    }
  })();
  return new StrataEnvironmentError('connection-failed', message);
}
