import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { siteRequest } from './site-request.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/** Sent with every answer: no sniffing a JSON file into a script, no leaking the URL onwards. */
const SAFE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-cache' };

/**
 * Serves a generated docs folder on 127.0.0.1 (never on other interfaces). Resolves once
 * listening. A request is checked by {@link siteRequest} before any file is touched, and the file
 * found must still be inside the folder once links are followed; anything odd gets a 4xx, and
 * nothing a client sends can stop the server.
 */
export function serveDocs(dir: string, port: number): Promise<Server> {
  const root = realpathSync(dir);
  const server = createServer((req, res) => {
    try {
      answer(root, req, res);
    } catch {
      // A bug must not stop the server: the one request fails.
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      // Later errors (a socket reset while listening) are the client's problem, never a crash.
      server.on('error', () => {});
      resolve(server);
    });
  });
}

function answer(root: string, req: IncomingMessage, res: ServerResponse): void {
  const wanted = siteRequest(req.method, req.url, req.headers.host);
  if ('status' in wanted) {
    send(res, wanted.status, wanted.reason, wanted.status === 405 ? { allow: 'GET, HEAD' } : {});
    return;
  }
  const file = insideSite(root, join(root, wanted.path));
  if (!file) {
    send(res, 404, 'not found');
    return;
  }
  const { size } = statSync(file);
  res.writeHead(200, { ...SAFE_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // The file may vanish between stat and read, or the client may go away: either ends this answer only.
  pipeline(createReadStream(file), res, () => {});
}

/** The real path of a regular file inside the site folder (links followed), or undefined. */
function insideSite(root: string, candidate: string): string | undefined {
  try {
    const real = realpathSync(candidate);
    const rel = relative(root, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || !statSync(real).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...SAFE_HEADERS,
    ...headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
