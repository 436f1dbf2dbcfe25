import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, printableUrl, unpackTarball } from '../../../core/deps/download.js';
import { hubPackage } from '../../../core/deps/hub.js';
import { StrataUserError } from '../../../core/diagnostics/diagnostic.js';
import { rawTarball, startPackageServer, type PackageServer, type RawEntry } from '../../helpers/package-server.js';
import { writeProject } from '../../helpers/temp-project.js';

/** The message of the user error `promise` rejects with. */
async function userError(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrataUserError);
  return (err as StrataUserError).diagnostics.map((d) => d.message).join('\n');
}

/** A fresh folder for one test. */
const scratch = () => mkdtempSync(join(tmpdir(), 'strata-download-'));

/** Every path under `dir`, relative, sorted ("link@" for a symbolic link). */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isSymbolicLink()
        ? [`${prefix}${e.name}@`]
        : e.isDirectory()
          ? [`${prefix}${e.name}/`, ...tree(join(dir, e.name), `${prefix}${e.name}/`)]
          : [`${prefix}${e.name}`],
    )
    .sort();
}

const sha1 = (file: string) => createHash('sha1').update(readFileSync(file)).digest('hex');

const PACKAGE = {
  'dbt_project.yml': 'name: dbt_utils\nversion: 1.1.1\n',
  'macros/star.sql': '{% macro star() %}*{% endmacro %}',
  'models/a.sql': 'select 1 as id',
};

describe('printableUrl', () => {
  it('strips user:password@ and hides secret-looking query values', () => {
    expect(printableUrl('https://me:s3cret@example.com/pkg.tar.gz')).toBe('https://example.com/pkg.tar.gz');
    expect(printableUrl('https://tok@example.com/pkg.tar.gz?access_token=abc&ref=main')).toBe(
      'https://example.com/pkg.tar.gz?access_token=***&ref=main',
    );
    expect(printableUrl('not a url://me:pw@host/x')).toBe('not a url://host/x');
  });
});

describe('downloadFile', () => {
  let server: PackageServer;
  const pkgDir = writeProject(PACKAGE);

  beforeAll(async () => {
    server = await startPackageServer();
    server.addHubPackage('dbt-labs/dbt_utils', '1.1.1', pkgDir);
    server.addHubPackage('dbt-labs/dbt_utils', '1.2.0', pkgDir, { corruptSha1: true });
  });
  afterAll(() => server.close());

  it('streams the file and accepts a matching sha1', async () => {
    const entry = (await hubPackage(server.url, 'dbt-labs/dbt_utils')).versions.get('1.1.1');
    const file = join(scratch(), 'package.tar.gz');
    server.requests.length = 0;
    await downloadFile(entry?.tarball ?? '', file, entry?.sha1);
    expect(server.requests).toEqual(['tarballs/dbt-labs/dbt_utils/1.1.1.tar.gz']);
    expect(sha1(file)).toBe(entry?.sha1);
    await downloadFile(entry?.tarball ?? '', file, entry?.sha1?.toUpperCase());
    expect(sha1(file)).toBe(entry?.sha1);
  });

  it('a sha1 mismatch is a clear error with both hashes, and the file is removed', async () => {
    const entry = (await hubPackage(server.url, 'dbt-labs/dbt_utils')).versions.get('1.2.0');
    const file = join(scratch(), 'package.tar.gz');
    const message = await userError(downloadFile(entry?.tarball ?? '', file, entry?.sha1));
    const actual = createHash('sha1')
      .update(readFileSync(join(pkgDir, 'dbt_project.yml')))
      .digest('hex');
    expect(actual).not.toBe(entry?.sha1);
    expect(message).toMatch(
      new RegExp(
        `^The file downloaded from ${server.url}tarballs/dbt-labs/dbt_utils/1\\.2\\.0\\.tar\\.gz does not match its published checksum: expected sha1 ${entry?.sha1}, got [0-9a-f]{40}\\. It may be corrupt or tampered with; try again, or tell the package's maintainers\\.$`,
      ),
    );
    expect(message.match(/[0-9a-f]{40}/g)?.length).toBe(2);
    expect(existsSync(file)).toBe(false);
  });

  it('an HTTP error names the status and the URL', async () => {
    const file = join(scratch(), 'package.tar.gz');
    expect(await userError(downloadFile(`${server.url}nowhere.tar.gz`, file))).toBe(
      `Could not download ${server.url}nowhere.tar.gz: the server answered HTTP 404 Not Found.`,
    );
  });

  it('sends user:password@ as Basic authorization and never prints it', async () => {
    const url = server.addTarball('private/pkg.tar.gz', pkgDir);
    server.requireAuth('private/pkg.tar.gz', 'me', 's3cr:et');
    const file = join(scratch(), 'package.tar.gz');
    await downloadFile(url.replace('http://', 'http://me:s3cr%3Aet@'), file);
    expect(existsSync(file)).toBe(true);
    const message = await userError(downloadFile(url.replace('http://', 'http://me:wrong-password@'), file));
    expect(message).toBe(`Could not download ${url}: the server answered HTTP 401 Unauthorized (check the credentials the URL needs).`);
  });

  it('retries a server error and succeeds when the server recovers', async () => {
    const url = server.addTarball('flaky/pkg.tar.gz', pkgDir);
    server.fail('flaky/pkg.tar.gz', 502, 2);
    server.requests.length = 0;
    const file = join(scratch(), 'package.tar.gz');
    await downloadFile(url, file);
    expect(server.requests).toEqual(Array(3).fill('flaky/pkg.tar.gz'));
    expect(tree(await unpackTarball(file, join(scratch(), 'files')))).toEqual([
      'dbt_project.yml',
      'macros/',
      'macros/star.sql',
      'models/',
      'models/a.sql',
    ]);
  });

  it('retries a download cut off mid-body, and reports one that keeps being cut off', async () => {
    const url = server.addTarball('cut/pkg.tar.gz', pkgDir);
    server.cut('cut/pkg.tar.gz', 1);
    server.requests.length = 0;
    const file = join(scratch(), 'package.tar.gz');
    await downloadFile(url, file);
    expect(server.requests).toEqual(['cut/pkg.tar.gz', 'cut/pkg.tar.gz']);
    expect(tree(await unpackTarball(file, join(scratch(), 'files')))).toEqual([
      'dbt_project.yml',
      'macros/',
      'macros/star.sql',
      'models/',
      'models/a.sql',
    ]);
    server.cut('cut/pkg.tar.gz', 100);
    expect(await userError(downloadFile(url, file))).toBe(`Could not download ${url}: other side closed.`);
    expect(server.requests.length).toBe(6);
  });

  it('a URL that is not http(s) is a clear error', async () => {
    expect(await userError(downloadFile('dbt-utils.tar.gz', join(scratch(), 'package.tar.gz')))).toBe(
      "Could not download 'dbt-utils.tar.gz': it is not an http:// or https:// URL.",
    );
    expect(await userError(downloadFile('ftp://me:pw@example.com/x.tar.gz', join(scratch(), 'package.tar.gz')))).toBe(
      "Could not download 'ftp://example.com/x.tar.gz': it is not an http:// or https:// URL.",
    );
  });

  it('a file that cannot be written is a clear error', async () => {
    const url = server.addTarball('fine/pkg.tar.gz', pkgDir);
    const file = join(scratch(), 'no-such-folder', 'package.tar.gz');
    expect(await userError(downloadFile(url, file))).toBe(
      `Could not save the download of ${url} to ${file}: ENOENT: no such file or directory, open '${file}'.`,
    );
  });

  it('a server that keeps failing is a clear error after a few tries', async () => {
    const url = server.addTarball('broken/pkg.tar.gz', pkgDir);
    server.fail('broken/pkg.tar.gz', 500, 100);
    server.requests.length = 0;
    expect(await userError(downloadFile(url, join(scratch(), 'package.tar.gz')))).toBe(
      `Could not download ${url}: HTTP 500 Internal Server Error.`,
    );
    expect(server.requests.length).toBe(4);
  });

  it('an unreachable server is a clear error', async () => {
    const gone = await startPackageServer();
    await gone.close();
    const url = `${gone.url}pkg.tar.gz`;
    expect(await userError(downloadFile(url, join(scratch(), 'package.tar.gz')))).toBe(
      `Could not download ${url}: connect ECONNREFUSED 127.0.0.1:${new URL(url).port}.`,
    );
  });

  it('a download that stalls mid-body fails once nothing arrives for the idle timeout', async () => {
    const url = server.addTarball('slow/pkg.tar.gz', pkgDir);
    const stalled = server.stall('slow/pkg');
    server.requests.length = 0;
    const file = join(scratch(), 'package.tar.gz');
    const download = userError(downloadFile(url, file, undefined, { idleTimeoutMs: 300 }));
    await stalled;
    expect(await download).toBe(`Downloading ${url} stalled: nothing arrived for 0.3 s. Try again later.`);
    expect(server.requests).toEqual(['slow/pkg.tar.gz']);
    server.unstall('slow/pkg');
    await downloadFile(url, file, undefined, { idleTimeoutMs: 300 });
    expect(tree(await unpackTarball(file, join(scratch(), 'files')))).toEqual([
      'dbt_project.yml',
      'macros/',
      'macros/star.sql',
      'models/',
      'models/a.sql',
    ]);
  });

  it('stall() matches a fragment of the path, such as a hub version, until unstall()', async () => {
    const stalled = server.stall('dbt-labs/dbt_utils/1.1.1');
    const index = await hubPackage(server.url, 'dbt-labs/dbt_utils');
    expect(index.versions.size).toBe(2);
    const download = userError(
      downloadFile(index.versions.get('1.1.1')?.tarball ?? '', join(scratch(), 'package.tar.gz'), undefined, { idleTimeoutMs: 300 }),
    );
    await stalled;
    expect(await download).toMatch(/^Downloading .+\/tarballs\/dbt-labs\/dbt_utils\/1\.1\.1\.tar\.gz stalled/);
    server.unstall();
    await downloadFile(index.versions.get('1.1.1')?.tarball ?? '', join(scratch(), 'package.tar.gz'), index.versions.get('1.1.1')?.sha1);
  });
});

describe('unpackTarball', () => {
  let server: PackageServer;
  const pkgDir = writeProject(PACKAGE);

  beforeAll(async () => {
    server = await startPackageServer();
  });
  afterAll(() => server.close());

  /** `entries` as a .tar.gz file in a fresh folder, and an empty `files/` beside it to unpack into. */
  function archive(entries: RawEntry[]): { file: string; into: string; parent: string } {
    const parent = scratch();
    const file = join(parent, 'package.tar.gz');
    writeFileSync(file, rawTarball(entries));
    return { file, into: join(parent, 'files'), parent };
  }

  it('returns the single top-level folder of a GitHub-style tarball', async () => {
    server.addHubPackage('dbt-labs/dbt_utils', '1.1.1', pkgDir);
    const dir = scratch();
    await downloadFile(`${server.url}tarballs/dbt-labs/dbt_utils/1.1.1.tar.gz`, join(dir, 'package.tar.gz'));
    const unpacked = await unpackTarball(join(dir, 'package.tar.gz'), join(dir, 'files'));
    expect(unpacked).toBe(join(dir, 'files', 'dbt_utils-1.1.1'));
    expect(tree(join(dir, 'files'))).toEqual([
      'dbt_utils-1.1.1/',
      'dbt_utils-1.1.1/dbt_project.yml',
      'dbt_utils-1.1.1/macros/',
      'dbt_utils-1.1.1/macros/star.sql',
      'dbt_utils-1.1.1/models/',
      'dbt_utils-1.1.1/models/a.sql',
    ]);
    expect(readFileSync(join(unpacked, 'models/a.sql'), 'utf8')).toBe('select 1 as id');
  });

  it('returns the folder itself when the files are at the root of the tarball', async () => {
    const url = server.addTarball('root/pkg.tar.gz', pkgDir);
    const dir = scratch();
    await downloadFile(url, join(dir, 'package.tar.gz'));
    const unpacked = await unpackTarball(join(dir, 'package.tar.gz'), join(dir, 'files'));
    expect(unpacked).toBe(join(dir, 'files'));
    expect(tree(unpacked)).toEqual(['dbt_project.yml', 'macros/', 'macros/star.sql', 'models/', 'models/a.sql']);
  });

  it('accepts strata_project.yml, and a root given as "./"', async () => {
    const { file, into } = archive([
      { path: './', type: 'Directory' },
      { path: './strata_project.yml', body: 'name: pkg\n' },
    ]);
    expect(await unpackTarball(file, into)).toBe(into);
    expect(tree(into)).toEqual(['strata_project.yml']);
  });

  it('writes nothing outside the folder for "../" entries', async () => {
    const { file, into, parent } = archive([
      { path: 'pkg/dbt_project.yml', body: 'name: pkg\n' },
      { path: 'pkg/../../escape.txt', body: 'escaped' },
      { path: '../escape.txt', body: 'escaped' },
      { path: 'pkg/models/../../../escape.txt', body: 'escaped' },
      { path: 'pkg/models/after.sql', body: 'select 1' },
    ]);
    expect(await unpackTarball(file, into)).toBe(join(into, 'pkg'));
    expect(tree(parent)).toEqual([
      'files/',
      'files/pkg/',
      'files/pkg/dbt_project.yml',
      'files/pkg/models/',
      'files/pkg/models/after.sql',
      'package.tar.gz',
    ]);
    expect(existsSync(join(parent, '..', 'escape.txt'))).toBe(false);
  });

  it('puts absolute entries inside the folder, stripped of their root', async () => {
    const outside = scratch();
    const { file, into } = archive([
      { path: 'dbt_project.yml', body: 'name: pkg\n' },
      { path: `${outside}/absolute.txt`, body: 'stripped of its root' },
    ]);
    expect(await unpackTarball(file, into)).toBe(into);
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(into, outside, 'absolute.txt'), 'utf8')).toBe('stripped of its root');
    const { file: file2, into: into2 } = archive([
      { path: '/pkg/dbt_project.yml', body: 'name: pkg\n' },
      { path: '/pkg/models/a.sql', body: 'select 1' },
    ]);
    expect(await unpackTarball(file2, into2)).toBe(join(into2, 'pkg'));
    expect(tree(into2)).toEqual(['pkg/', 'pkg/dbt_project.yml', 'pkg/models/', 'pkg/models/a.sql']);
  });

  it('several top-level folders and no project file at the root is not a package, and nothing is written', async () => {
    const { file, into, parent } = archive([
      { path: 'a/dbt_project.yml', body: 'name: a\n' },
      { path: 'b/dbt_project.yml', body: 'name: b\n' },
    ]);
    expect(await userError(unpackTarball(file, into))).toBe(
      'The downloaded package archive holds no dbt_project.yml or strata_project.yml, at its top or in a single top-level folder, so it is not a dbt package.',
    );
    expect(tree(parent)).toEqual(['package.tar.gz']);
  });

  it('skips symbolic links that point outside the package, and keeps those inside', async () => {
    const outside = scratch();
    const { file, into, parent } = archive([
      { path: 'pkg/dbt_project.yml', body: 'name: pkg\n' },
      { path: 'pkg/models/a.sql', body: 'select 1' },
      { path: 'pkg/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      { path: 'pkg/models/up', type: 'SymbolicLink', linkpath: '../../x' },
      { path: 'pkg/parent', type: 'SymbolicLink', linkpath: '..' },
      { path: 'pkg/out', type: 'SymbolicLink', linkpath: outside },
      // Written through a link that was skipped, it lands in a plain folder inside the package.
      { path: 'pkg/out/evil.txt', body: 'not outside' },
      { path: 'pkg/alias.sql', type: 'SymbolicLink', linkpath: 'models/a.sql' },
      { path: 'pkg/models/self', type: 'SymbolicLink', linkpath: '../models' },
    ]);
    const unpacked = await unpackTarball(file, into);
    expect(unpacked).toBe(join(into, 'pkg'));
    expect(tree(parent)).toEqual([
      'files/',
      'files/pkg/',
      'files/pkg/alias.sql@',
      'files/pkg/dbt_project.yml',
      'files/pkg/models/',
      'files/pkg/models/a.sql',
      'files/pkg/models/self@',
      'files/pkg/out/',
      'files/pkg/out/evil.txt',
      'package.tar.gz',
    ]);
    expect(readlinkSync(join(unpacked, 'alias.sql'))).toBe('models/a.sql');
    expect(readFileSync(join(unpacked, 'alias.sql'), 'utf8')).toBe('select 1');
    expect(readdirSync(outside)).toEqual([]);
    expect(() => lstatSync(join(unpacked, 'passwd'))).toThrow();
  });

  it('skips hard links to files outside the package, and keeps those inside', async () => {
    const { file, into } = archive([
      { path: 'pkg/dbt_project.yml', body: 'name: pkg\n' },
      { path: 'pkg/hard.yml', type: 'Link', linkpath: 'pkg/dbt_project.yml' },
      { path: 'pkg/passwd', type: 'Link', linkpath: '/etc/passwd' },
      { path: 'pkg/up', type: 'Link', linkpath: '../outside.txt' },
    ]);
    const unpacked = await unpackTarball(file, into);
    expect(tree(into)).toEqual(['pkg/', 'pkg/dbt_project.yml', 'pkg/hard.yml']);
    expect(readFileSync(join(unpacked, 'hard.yml'), 'utf8')).toBe('name: pkg\n');
  });

  it('a tarball without a project file is a clear error', async () => {
    const noProject = writeProject({ 'models/a.sql': 'select 1', 'README.md': '# not a package' });
    const url = server.addTarball('plain/files.tar.gz', noProject, { topFolder: 'files-1.0' });
    const dir = scratch();
    await downloadFile(url, join(dir, 'package.tar.gz'));
    expect(await userError(unpackTarball(join(dir, 'package.tar.gz'), join(dir, 'files'), url))).toBe(
      `${url} holds no dbt_project.yml or strata_project.yml, at its top or in a single top-level folder, so it is not a dbt package.`,
    );
  });

  it('a project file deeper than the top-level folder is not found', async () => {
    const { file, into } = archive([{ path: 'repo-main/sub/dbt_project.yml', body: 'name: pkg\n' }]);
    expect(await userError(unpackTarball(file, into, 'The tarball'))).toBe(
      'The tarball holds no dbt_project.yml or strata_project.yml, at its top or in a single top-level folder, so it is not a dbt package.',
    );
  });

  it('a project file that is a link pointing outside is not a project file', async () => {
    const { file, into } = archive([{ path: 'pkg/dbt_project.yml', type: 'SymbolicLink', linkpath: '/etc/hostname' }]);
    expect(await userError(unpackTarball(file, into, 'The tarball'))).toBe(
      'The tarball holds no dbt_project.yml or strata_project.yml that could be unpacked, so it is not a dbt package.',
    );
  });

  it('a file that is not a .tar.gz is a clear error', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'page.html'), '<html>Sign in to continue</html>\n'.repeat(40));
    writeFileSync(join(dir, 'empty.tar.gz'), '');
    expect(await userError(unpackTarball(join(dir, 'page.html'), join(dir, 'files'), 'The download'))).toBe(
      'The download is not a readable .tar.gz archive (Unrecognized archive format).',
    );
    expect(await userError(unpackTarball(join(dir, 'empty.tar.gz'), join(dir, 'files'), 'The download'))).toBe(
      'The download is not a readable .tar.gz archive (Unrecognized archive format).',
    );
    expect(readdirSync(dir).sort()).toEqual(['empty.tar.gz', 'page.html']);
  });

  it('a truncated .tar.gz is a clear error', async () => {
    const dir = scratch();
    const whole = rawTarball([
      { path: 'pkg/dbt_project.yml', body: 'name: pkg\n' },
      { path: 'pkg/models/a.sql', body: 'x'.repeat(100_000) },
    ]);
    writeFileSync(join(dir, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await userError(unpackTarball(join(dir, 'cut.tar.gz'), join(dir, 'files'), 'The download'))).toBe(
      'The download is not a readable .tar.gz archive (zlib: unexpected end of file).',
    );
  });
});
