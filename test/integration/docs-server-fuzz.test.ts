import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveDocs } from '../../core/docs/serve-docs.js';
import { siteRequest } from '../../core/docs/site-request.js';
import { seededRandom } from '../helpers/prng.js';

/**
 * `strata docs serve` listens on 127.0.0.1, where any web page can make the browser send it
 * requests. Thousands of hostile and random ones must each get an answer that is a 4xx or a file
 * of the site, never a file beside it, and the server must still serve the site afterwards.
 */
const MARKER = 'MARKER-outside-the-site-7f3a';
const INDEX = '<!doctype html><title>site</title><p>the site</p>';
const PAGE = '{"page": true}';

function plantSite(): string {
  const base = mkdtempSync(join(tmpdir(), 'strata-docs-fuzz-'));
  const site = join(base, 'docs');
  mkdirSync(join(site, 'sub'), { recursive: true });
  writeFileSync(join(site, 'index.html'), INDEX);
  writeFileSync(join(site, 'sub', 'page.json'), PAGE);
  // Beside the site: a marker, a folder whose name starts like the site's, and a link out of it.
  writeFileSync(join(base, 'marker.txt'), MARKER);
  mkdirSync(join(base, 'docs-evil'));
  writeFileSync(join(base, 'docs-evil', 'marker.txt'), MARKER);
  symlinkSync(join(base, 'marker.txt'), join(site, 'link.txt'));
  symlinkSync(base, join(site, 'up'));
  return site;
}

/**
 * Sends raw bytes and reads the answer: until the server closes, or a moment after the last bytes
 * came (a kept-alive connection). A request still unanswered after half a second is ended from our
 * side (the server then sees it incomplete), and two seconds are the most any request waits.
 */
function raw(port: number, request: string | Buffer): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let settle: NodeJS.Timeout | undefined;
    const done = () => {
      for (const t of [timer, hangUp, settle]) clearTimeout(t);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text });
    };
    const timer = setTimeout(done, 2000);
    const hangUp = setTimeout(() => socket.end(), 500);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      clearTimeout(hangUp);
      clearTimeout(settle);
      settle = setTimeout(done, 150);
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.write(request));
  });
}

const get = (target: string, method = 'GET', headers = 'Host: 127.0.0.1\r\n') =>
  `${method} ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;

/** Request targets an attacker would try first. */
const HOSTILE_TARGETS = [
  '/%',
  '/%%',
  '/%zz',
  '/%e0%a4%a',
  '/%c0%af',
  '/%c0%ae%c0%ae/marker.txt',
  '/%ff',
  '/index.html%',
  '/..',
  '/../marker.txt',
  '/../../etc/passwd',
  '/..%2fmarker.txt',
  '/%2e%2e/marker.txt',
  '/%2E%2E%2Fmarker.txt',
  '/.%2e/marker.txt',
  '/sub/../../marker.txt',
  '/sub/%2e%2e/%2e%2e/marker.txt',
  '/%252e%252e/marker.txt',
  '/..\\marker.txt',
  '/..%5cmarker.txt',
  '/sub\\..\\..\\marker.txt',
  '/index.html%00',
  '/%00',
  '/marker.txt%00.html',
  '/../docs-evil/marker.txt',
  '/..%2fdocs-evil%2fmarker.txt',
  '/link.txt',
  '/up/marker.txt',
  '/up/docs-evil/marker.txt',
  '//marker.txt',
  '//etc/passwd',
  '/./index.html',
  '/sub/./page.json',
  '/sub/',
  '/sub',
  '/%2e',
  '/.',
  '/./',
  'http://127.0.0.1/../marker.txt',
  'http://127.0.0.1/index.html',
  'file:///etc/passwd',
  '*',
  'marker.txt',
  '../marker.txt',
  '',
  `/${'a'.repeat(5000)}`,
  `/${'../'.repeat(1500)}marker.txt`,
  `/?${'x'.repeat(6000)}`,
];

/** Whole requests: methods, request lines, headers and bytes that are not HTTP at all. */
const HOSTILE_REQUESTS: (string | Buffer)[] = [
  get('/', 'POST'),
  get('/', 'PUT'),
  get('/', 'DELETE'),
  get('/', 'OPTIONS'),
  get('*', 'OPTIONS'),
  get('/', 'TRACE'),
  get('/', 'PATCH'),
  get('/', 'FOO'),
  get('/', 'get'),
  get('127.0.0.1:80', 'CONNECT'),
  get('/', 'GET', 'Host: evil.example\r\n'),
  get('/', 'GET', 'Host: 127.0.0.1.evil.example\r\n'),
  get('/', 'GET', ''),
  get('/', 'GET', `Host: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n`),
  get(`/${'u'.repeat(20_000)}`),
  get('/', 'GET', `Host: 127.0.0.1\r\n${'X-A: 1\r\n'.repeat(3000)}`),
  get('/', 'GET', 'Host: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n'),
  `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
  'GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
  'GET /\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
  'GET\r\n\r\n',
  '\r\n\r\n',
  'GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n',
  'GET /../marker.txt HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n',
  'GET /%00 HTTP/1.1\r\n\r\n',
  'GET /\u0000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
  Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]),
  Buffer.from('GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'),
  'x'.repeat(70_000),
];

const PIECES = [
  '..',
  '.',
  '%2e',
  '%2E%2e',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  '%00',
  '%',
  '%c0%ae',
  '%e2%80%ae',
  '/',
  '//',
  'marker.txt',
  'index.html',
  'sub',
  'page.json',
  'docs-evil',
  'link.txt',
  'up',
  '?',
  '#',
  '~',
  ';',
  '%25',
  '%zz',
  'é',
  '%u002e',
  ':',
  '@',
];
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'BREW', 'M-SEARCH', 'PROPFIND'];

function randomRequest(next: () => number): string | Buffer {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const kind = next();
  if (kind < 0.1) return Buffer.from(Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
  const target =
    (next() < 0.9 ? '/' : '') + Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(PIECES)).join(next() < 0.5 ? '/' : '');
  if (kind < 0.2) return `${pick(METHODS)} ${target} HTTP/1.${next() < 0.5 ? 0 : 1}\r\n${next() < 0.5 ? 'Host: 127.0.0.1\r\n' : ''}\r\n`;
  return get(encodeURI(target) === target || next() < 0.5 ? target : encodeURI(target), pick(METHODS));
}

/** Runs `tasks` with at most `width` at a time. */
async function pooled<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  let index = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (index < tasks.length) {
        const i = index++;
        results[i] = await (tasks[i] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

describe('docs server under hostile requests', () => {
  it('checks each request before touching a file', () => {
    expect(siteRequest('GET', '/', '127.0.0.1:8080')).toEqual({ path: 'index.html' });
    expect(siteRequest('HEAD', '/sub//page.json?x=1#y', 'localhost')).toEqual({ path: 'sub/page.json' });
    expect(siteRequest('GET', '/%', undefined)).toMatchObject({ status: 400 });
    expect(siteRequest('GET', '/..%2fx', undefined)).toMatchObject({ status: 400 });
    expect(siteRequest('GET', '/a%5c..%5cx', undefined)).toMatchObject({ status: 400 });
    expect(siteRequest('GET', '/a%00', undefined)).toMatchObject({ status: 400 });
    expect(siteRequest('GET', 'http://127.0.0.1/', undefined)).toMatchObject({ status: 400 });
    expect(siteRequest('GET', '/', 'attacker.example:8080')).toMatchObject({ status: 403 });
    expect(siteRequest('GET', '/', '[::1]:8080')).toEqual({ path: 'index.html' });
    expect(siteRequest('POST', '/', undefined)).toMatchObject({ status: 405 });
    expect(siteRequest('GET', `/${'a'.repeat(5000)}`, undefined)).toMatchObject({ status: 414 });
  });

  it('answers thousands of hostile and random requests with a 4xx or a file of the site, and keeps serving', async () => {
    const site = plantSite();
    const server = await serveDocs(site, 0);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const next = seededRandom(18);
      const requests = [
        ...HOSTILE_TARGETS.flatMap((t) => [get(t), get(t, 'HEAD')]),
        ...HOSTILE_REQUESTS,
        ...Array.from({ length: 3000 }, () => randomRequest(next)),
      ];
      const answers = await pooled(
        requests.map((r) => () => raw(port, r)),
        64,
      );
      const siteFiles = [INDEX, PAGE];
      for (const [i, answer] of answers.entries()) {
        const request = String(requests[i]).slice(0, 120);
        expect(answer.text, request).not.toContain(MARKER);
        expect(answer.text, request).not.toContain('root:');
        if (answer.status === undefined) continue; // the server hung up on bytes that are not HTTP
        expect([200, 400, 403, 404, 405, 414, 431], request).toContain(answer.status);
        if (answer.status === 200 && !request.startsWith('HEAD'))
          expect(
            siteFiles.some((f) => answer.text.endsWith(`\r\n\r\n${f}`)),
            request,
          ).toBe(true);
      }
      // Only what is not HTTP at all goes unanswered (CONNECT, blank lines): the server hangs up.
      expect(answers.filter((a) => a.status === undefined).length).toBeLessThan(requests.length / 100);
      // The attacker's favourites are all refused.
      const statuses = new Map(HOSTILE_TARGETS.map((t, i) => [t, answers[i * 2]?.status]));
      for (const target of [
        '/%',
        '/../marker.txt',
        '/..%2fmarker.txt',
        '/%2e%2e/marker.txt',
        '/..%5cmarker.txt',
        '/%00',
        '/link.txt',
        '/up/marker.txt',
        '/../docs-evil/marker.txt',
        'http://127.0.0.1/../marker.txt',
        '*',
      ]) {
        expect(statuses.get(target), target).toBeGreaterThanOrEqual(400);
        expect(statuses.get(target), target).toBeLessThan(500);
      }
      expect(statuses.get(`/${'a'.repeat(5000)}`)).toBe(414);
      expect(answers[HOSTILE_TARGETS.length * 2 + 13]?.status).toBe(431); // a 20 kB header
      expect(answers[HOSTILE_TARGETS.length * 2]?.status).toBe(405);

      expect(server.listening).toBe(true);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(INDEX);
      const head = await fetch(`http://127.0.0.1:${port}/sub/page.json`, { method: 'HEAD' });
      expect([head.status, head.headers.get('content-length'), head.headers.get('content-type')]).toEqual([
        200,
        String(PAGE.length),
        'application/json',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);
});
