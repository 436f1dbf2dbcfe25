/** Settings that identify a server, for messages. */
interface Where {
  host: string;
  port: number;
  user: string;
  dbname: string;
}

/**
 * Turns a driver error from connecting into a sentence that says what to fix. Unknown errors keep
 * the driver's message.
 */
export function explainConnectError(err: unknown, where: Where): Error {
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
        return `Connecting to ${server} timed out. Check host, port and firewalls, or raise 'connect_timeout'.`;
      case '28P01':
        return `Password authentication failed for user '${where.user}' at ${server}. Check 'user' and 'password' in profiles.yml.`;
      case '28000':
        return `The server at ${server} rejected user '${where.user}': ${e.message}`;
      case '3D000':
        return `Database '${where.dbname}' does not exist on ${server}. Create it, or fix 'dbname' in profiles.yml.`;
      default:
        return `Could not connect to Postgres at ${server}: ${e.message ?? String(err)}`;
    }
  })();
  return new Error(message);
}
