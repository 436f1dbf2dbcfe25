import { posix } from 'node:path';

/** Longest request target served; longer ones get 414 (Node answers 431 past its header limit). */
export const MAX_URL_LENGTH = 4096;

/** Host names the docs server answers to: others are refused, so a rebound DNS name cannot read the site. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** What a request asks for: a path inside the site folder, or the status that refuses it. */
export type SiteRequest = { path: string } | { status: 400 | 403 | 404 | 405 | 414; reason: string };

/**
 * Checks one request before any file is touched. Every part of it is hostile until shown
 * otherwise (any web page can make the browser send one to 127.0.0.1): only GET and HEAD, only
 * origin-form targets (`/path?query`) of sane length, percent-encoding that decodes, no NUL, no
 * backslash, no `.` or `..` segment (raw or encoded), and a Host that names this machine.
 * The returned path is relative to the site folder and never leaves it.
 */
export function siteRequest(method: string | undefined, url: string | undefined, host: string | undefined): SiteRequest {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'only GET and HEAD' };
  if (host !== undefined && !LOCAL_HOSTS.has(host.replace(/:\d*$/, '').toLowerCase()))
    return { status: 403, reason: 'not a local host name' };
  if (!url || !url.startsWith('/') || url.startsWith('//')) return { status: 400, reason: 'not a path' };
  if (url.length > MAX_URL_LENGTH) return { status: 414, reason: 'URL too long' };
  const raw = url.replace(/[?#].*$/s, '');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return { status: 400, reason: 'bad percent-encoding' };
  }
  // Control characters (NUL above all) and backslashes have no business in a site path.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return { status: 400, reason: 'bad character' };
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return { status: 400, reason: 'dot segment' };
  const relative = posix.normalize(segments.filter((s) => s !== '').join('/'));
  if (relative === '.' || relative === '') return { path: 'index.html' };
  if (relative.startsWith('..') || posix.isAbsolute(relative)) return { status: 400, reason: 'outside the site' };
  return { path: relative };
}
