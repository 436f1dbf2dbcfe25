import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import semver from 'semver';
import * as tar from 'tar';

/** What a hub package version declares besides its files. */
export interface HubPackageOptions {
  /** The version's own hub dependencies (`{package, version}`), as the hub lists them. */
  dependencies?: unknown[];
  /** `require_dbt_version` in the index. */
  requireDbtVersion?: string | string[];
  /** Publish a sha1 that does not match the tarball. */
  corruptSha1?: boolean;
}

/** A package hub and file server on 127.0.0.1, for tests. */
export interface PackageServer {
  /** Base URL, ending in '/': what DBT_PACKAGE_HUB_URL is set to. */
  url: string;
  /** Every path asked for (without the leading '/', with any query), in order, including those answered 404. */
  requests: string[];
  /** Publishes `dir` as version `version` of `pkg` (`owner/name`): a tarball under `<name>-<version>/` and the index at `api/v1/<owner>/<name>.json`. */
  addHubPackage(pkg: string, version: string, dir: string, options?: HubPackageOptions): void;
  /** Serves `dir` as a .tar.gz at `path` (files at the archive's root, or under `topFolder`); returns its URL. */
  addTarball(path: string, dir: string, options?: { topFolder?: string }): string;
  /** Serves `body` at `path` with `status`; returns its URL. */
  addFile(path: string, body: Buffer | string, options?: { status?: number; contentType?: string }): string;
  /**
   * Every path that contains `path` (say `owner/name/1.3.0`, for that version's tarball) sends its
   * headers and half its bytes, then nothing more. Resolves once such a half answer has been sent.
   */
  stall(path: string): Promise<void>;
  /** Stops stalling `path`, or every stalled path; answers already stalled stay so until the server closes. */
  unstall(path?: string): void;
  /** `path` sends its headers and half its bytes, then drops the connection, the next `times` times. */
  cut(path: string, times: number): void;
  /** `path` answers `status` (a 5xx, say) the next `times` times, then as usual. */
  fail(path: string, status: number, times: number): void;
  /** `path` answers 401 unless asked with Basic authorization `user:password`. */
  requireAuth(path: string, user: string, password: string): void;
  close(): Promise<void>;
}

/** One entry of {@link rawTarball}. */
export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  body?: string;
  linkpath?: string;
}

/** A .tar.gz written header by header, so tests can build archives tar's packer would refuse (`../x`, links anywhere). */
export function rawTarball(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const body = Buffer.from(type === 'File' ? (entry.body ?? '') : '');
    const header = new tar.Header({
      path: entry.path,
      type,
      size: body.length,
      mode: type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(0),
      ...(entry.linkpath !== undefined ? { linkpath: entry.linkpath } : {}),
    });
    header.encode();
    if (!header.block) throw new Error(`could not encode a tar header for ${entry.path}`);
    blocks.push(header.block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** `dir` packed as a .tar.gz, its entries under `prefix` when given. */
function packDir(dir: string, prefix?: string): Buffer {
  const scratch = mkdtempSync(join(tmpdir(), 'strata-package-server-'));
  try {
    const file = join(scratch, 'package.tar.gz');
    tar.c({ gzip: true, sync: true, file, cwd: dir, portable: true, ...(prefix !== undefined ? { prefix } : {}) }, readdirSync(dir));
    return readFileSync(file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Starts a server on a free port of 127.0.0.1. */
export async function startPackageServer(): Promise<PackageServer> {
  const files = new Map<string, { body: Buffer; status: number; contentType: string }>();
  /** Stalled path fragments, with what waits for one of them to stall. */
  const stalled = new Map<string, (() => void)[]>();
  const failing = new Map<string, { status: number; times: number }>();
  const cuts = new Map<string, number>();
  const auth = new Map<string, string>();
  const hub = new Map<string, { name: string; namespace: string; versions: Record<string, unknown> }>();
  const requests: string[] = [];

  const server = createServer((req, res: ServerResponse) => {
    const path = decodeURIComponent((req.url ?? '/').replace(/^\//, '').split('?')[0] ?? '');
    requests.push((req.url ?? '/').replace(/^\//, ''));
    const failure = failing.get(path);
    if (failure && failure.times > 0) {
      failure.times--;
      res.writeHead(failure.status).end('failing on purpose');
      return;
    }
    const expected = auth.get(path);
    if (expected !== undefined && req.headers.authorization !== `Basic ${Buffer.from(expected).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic' }).end('unauthorized');
      return;
    }
    const file = files.get(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(file.status, { 'content-type': file.contentType, 'content-length': file.body.length });
    const cutsLeft = cuts.get(path) ?? 0;
    if (cutsLeft > 0) {
      cuts.set(path, cutsLeft - 1);
      res.write(file.body.subarray(0, Math.floor(file.body.length / 2)), () => res.destroy());
      return;
    }
    const stall = [...stalled].find(([fragment]) => path.includes(fragment));
    if (!stall) {
      res.end(file.body);
      return;
    }
    const waiting = stall[1].splice(0);
    res.write(file.body.subarray(0, Math.floor(file.body.length / 2)), () => waiting.forEach((done) => done()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const addFile: PackageServer['addFile'] = (path, body, options = {}) => {
    const key = path.replace(/^\//, '');
    files.set(key, {
      body: Buffer.from(body),
      status: options.status ?? 200,
      contentType: options.contentType ?? 'application/octet-stream',
    });
    return `${url}${key}`;
  };
  /** The hub's index of every package, and of each one. */
  const publishIndexes = () => {
    addFile('api/v1/index.json', JSON.stringify([...hub.keys()]), { contentType: 'application/json' });
    for (const [pkg, entry] of hub) {
      const latest = Object.keys(entry.versions).sort((a, b) => semver.rcompare(a, b, true))[0];
      addFile(`api/v1/${pkg}.json`, JSON.stringify({ name: entry.name, namespace: entry.namespace, latest, versions: entry.versions }), {
        contentType: 'application/json',
      });
    }
  };

  return {
    url,
    requests,
    addHubPackage(pkg, version, dir, options = {}) {
      const [namespace, name] = pkg.split('/');
      if (namespace === undefined || name === undefined) throw new Error(`hub packages are named owner/name, not '${pkg}'`);
      const tarball = packDir(dir, `${name}-${version}`);
      const sha1 = createHash('sha1')
        .update(tarball)
        .update(options.corruptSha1 ? 'corrupt' : '')
        .digest('hex');
      const entry = hub.get(pkg) ?? { name, namespace, versions: {} };
      entry.versions[version] = {
        id: `${pkg}/${version}`,
        name,
        version,
        packages: options.dependencies ?? [],
        ...(options.requireDbtVersion !== undefined ? { require_dbt_version: options.requireDbtVersion } : {}),
        downloads: { tarball: addFile(`tarballs/${pkg}/${version}.tar.gz`, tarball), format: 'tgz', sha1 },
      };
      hub.set(pkg, entry);
      publishIndexes();
    },
    addTarball: (path, dir, options = {}) => addFile(path, packDir(dir, options.topFolder)),
    addFile,
    stall: (path) =>
      new Promise<void>((done) => {
        const fragment = path.replace(/^\//, '');
        stalled.set(fragment, [...(stalled.get(fragment) ?? []), done]);
      }),
    unstall: (path) => (path === undefined ? stalled.clear() : void stalled.delete(path.replace(/^\//, ''))),
    cut: (path, times) => void cuts.set(path.replace(/^\//, ''), times),
    fail: (path, status, times) => void failing.set(path.replace(/^\//, ''), { status, times }),
    requireAuth: (path, user, password) => void auth.set(path.replace(/^\//, ''), `${user}:${password}`),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
