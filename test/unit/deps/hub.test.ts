import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubBaseUrl, hubPackage } from '../../../core/deps/hub.js';
import { resolveHubVersion } from '../../../core/deps/versions.js';
import { StrataUserError } from '../../../core/diagnostics/diagnostic.js';
import { startPackageServer, type PackageServer } from '../../helpers/package-server.js';
import { writeProject } from '../../helpers/temp-project.js';

/** The message of the user error `promise` rejects with. */
async function userError(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrataUserError);
  const diagnostics = (err as StrataUserError).diagnostics;
  expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['invalid-dependency', 'error']]);
  return diagnostics[0]?.message ?? '';
}

describe('hubBaseUrl', () => {
  it('is DBT_PACKAGE_HUB_URL, else STRATA_PACKAGE_HUB_URL, else hub.getdbt.com, always ending in "/"', () => {
    expect(hubBaseUrl({})).toBe('https://hub.getdbt.com/');
    expect(hubBaseUrl({ STRATA_PACKAGE_HUB_URL: 'http://mirror.local/hub' })).toBe('http://mirror.local/hub/');
    expect(hubBaseUrl({ DBT_PACKAGE_HUB_URL: 'http://dbt.local/', STRATA_PACKAGE_HUB_URL: 'http://mirror.local/' })).toBe(
      'http://dbt.local/',
    );
  });

  it('treats an empty variable as unset, as dbt does', () => {
    expect(hubBaseUrl({ DBT_PACKAGE_HUB_URL: '', STRATA_PACKAGE_HUB_URL: 'http://mirror.local' })).toBe('http://mirror.local/');
  });
});

describe('hubPackage', () => {
  let server: PackageServer;
  const pkgDir = writeProject({ 'dbt_project.yml': 'name: dbt_utils\nversion: 1.0.0\n', 'macros/m.sql': '{% macro m() %}1{% endmacro %}' });

  beforeAll(async () => {
    server = await startPackageServer();
    server.addHubPackage('dbt-labs/dbt_utils', '0.9.6', pkgDir);
    server.addHubPackage('dbt-labs/dbt_utils', '1.0.0', pkgDir, { requireDbtVersion: ['>=1.3.0', '<2.0.0'] });
    server.addHubPackage('dbt-labs/dbt_utils', '1.1.1', pkgDir, {
      requireDbtVersion: '>=1.3.0',
      dependencies: [{ package: 'dbt-labs/dbt_date', version: ['>=0.10.0', '<0.11.0'] }],
    });
    server.addHubPackage('dbt-labs/dbt_utils', '1.3.0', pkgDir);
    server.addHubPackage('dbt-labs/dbt_utils', '1.4.0-b1', pkgDir);
    server.addHubPackage('calogica/dbt_date', '0.10.1', pkgDir);
  });
  afterAll(() => server.close());

  it('reads every version of a package from api/v1/<owner>/<name>.json', async () => {
    server.requests.length = 0;
    const utils = await hubPackage(server.url, 'dbt-labs/dbt_utils');
    expect(server.requests).toEqual(['api/v1/dbt-labs/dbt_utils.json']);
    expect(utils.package).toBe('dbt-labs/dbt_utils');
    expect(utils.name).toBe('dbt_utils');
    expect(utils.movedTo).toBeUndefined();
    expect([...utils.versions.keys()]).toEqual(['0.9.6', '1.0.0', '1.1.1', '1.3.0', '1.4.0-b1']);
    expect(utils.versions.get('1.1.1')).toEqual({
      name: 'dbt_utils',
      tarball: `${server.url}tarballs/dbt-labs/dbt_utils/1.1.1.tar.gz`,
      sha1: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown,
      dependencies: [{ package: 'dbt-labs/dbt_date', version: ['>=0.10.0', '<0.11.0'] }],
      requireDbtVersion: '>=1.3.0',
    });
    expect(utils.versions.get('1.0.0')?.requireDbtVersion).toEqual(['>=1.3.0', '<2.0.0']);
    expect(utils.versions.get('1.3.0')).toEqual({
      name: 'dbt_utils',
      tarball: `${server.url}tarballs/dbt-labs/dbt_utils/1.3.0.tar.gz`,
      sha1: expect.stringMatching(/^[0-9a-f]{40}$/) as unknown,
      dependencies: [],
    });
  });

  it('accepts a base URL without the trailing "/"', async () => {
    const date = await hubPackage(server.url.replace(/\/$/, ''), 'calogica/dbt_date');
    expect([...date.versions.keys()]).toEqual(['0.10.1']);
  });

  it('gives the versions resolveHubVersion picks from', async () => {
    const utils = await hubPackage(server.url, 'dbt-labs/dbt_utils');
    const available = [...utils.versions.keys()];
    expect(
      resolveHubVersion('dbt-labs/dbt_utils', [{ versions: ['>=1.0.0', '<1.3.0'], requiredBy: 'the project' }], available, false),
    ).toEqual({ version: '1.1.1' });
    expect(resolveHubVersion('dbt-labs/dbt_utils', [{ versions: ['>=1.0.0'], requiredBy: 'the project' }], available, false)).toEqual({
      version: '1.3.0',
    });
    expect(resolveHubVersion('dbt-labs/dbt_utils', [{ versions: ['>=1.0.0'], requiredBy: 'the project' }], available, true)).toEqual({
      version: '1.4.0-b1',
    });
  });

  it('a package the hub does not have is a clear error, with a did-you-mean from the hub index', async () => {
    server.requests.length = 0;
    expect(await userError(hubPackage(server.url, 'dbt-labs/dbt_utilz'))).toBe(
      `Package 'dbt-labs/dbt_utilz' is not on the package hub at ${server.url}. Did you mean 'dbt-labs/dbt_utils'?`,
    );
    expect(server.requests).toEqual(['api/v1/dbt-labs/dbt_utilz.json', 'api/v1/index.json']);
    expect(await userError(hubPackage(server.url, 'someone/else_entirely'))).toBe(
      `Package 'someone/else_entirely' is not on the package hub at ${server.url}.`,
    );
  });

  it('a hub URL that is not http(s) is a clear error', async () => {
    expect(await userError(hubPackage('hub.example.com', 'dbt-labs/dbt_utils'))).toBe(
      "The package hub URL 'hub.example.com' is not an http:// or https:// URL: check DBT_PACKAGE_HUB_URL.",
    );
    expect(await userError(hubPackage('file:///srv/hub/', 'dbt-labs/dbt_utils'))).toBe(
      "The package hub URL 'file:///srv/hub/' is not an http:// or https:// URL: check DBT_PACKAGE_HUB_URL.",
    );
  });

  it('a name that is not owner/name is refused before asking the hub', async () => {
    server.requests.length = 0;
    expect(await userError(hubPackage(server.url, 'dbt_utils'))).toBe(
      "'dbt_utils' is not a package hub name: write it as owner/name, e.g. dbt-labs/dbt_utils.",
    );
    expect(await userError(hubPackage(server.url, 'a/b/c'))).toBe(
      "'a/b/c' is not a package hub name: write it as owner/name, e.g. dbt-labs/dbt_utils.",
    );
    expect(server.requests).toEqual([]);
  });

  it('retries a failing hub (5xx) and succeeds when it recovers', async () => {
    server.requests.length = 0;
    server.fail('api/v1/calogica/dbt_date.json', 503, 2);
    const date = await hubPackage(server.url, 'calogica/dbt_date');
    expect([...date.versions.keys()]).toEqual(['0.10.1']);
    expect(server.requests).toEqual(Array(3).fill('api/v1/calogica/dbt_date.json'));
  });

  it('a hub that keeps failing is a clear error after a few tries', async () => {
    server.requests.length = 0;
    server.fail('api/v1/calogica/dbt_date.json', 500, 100);
    expect(await userError(hubPackage(server.url, 'calogica/dbt_date'))).toBe(
      `The package hub at ${server.url} answered HTTP 500 Internal Server Error for ${server.url}api/v1/calogica/dbt_date.json after several tries. Try again later, or set DBT_PACKAGE_HUB_URL to the URL of a mirror.`,
    );
    expect(server.requests.length).toBe(4);
    server.fail('api/v1/calogica/dbt_date.json', 500, 0);
  });

  it('a 4xx other than 404 is reported at once', async () => {
    server.requests.length = 0;
    server.fail('api/v1/calogica/dbt_date.json', 403, 1);
    expect(await userError(hubPackage(server.url, 'calogica/dbt_date'))).toBe(
      `The package hub at ${server.url} answered HTTP 403 Forbidden for ${server.url}api/v1/calogica/dbt_date.json. Try again later, or set DBT_PACKAGE_HUB_URL to the URL of a mirror.`,
    );
    expect(server.requests.length).toBe(1);
  });

  it('an answer that is not JSON, or has no versions, is a clear error', async () => {
    server.addFile('api/v1/html/page.json', '<html>sign in</html>', { contentType: 'text/html' });
    expect(await userError(hubPackage(server.url, 'html/page'))).toBe(
      `The package hub at ${server.url} sent something other than JSON for ${server.url}api/v1/html/page.json. Is DBT_PACKAGE_HUB_URL the URL of a dbt package hub?`,
    );
    server.addFile('api/v1/empty/pkg.json', '{"name":"pkg"}', { contentType: 'application/json' });
    expect(await userError(hubPackage(server.url, 'empty/pkg'))).toBe(
      `The package hub at ${server.url} sent an index for 'empty/pkg' without versions.`,
    );
  });

  it('leaves out versions without a tarball and reads a rename', async () => {
    const index = {
      name: 'old_name',
      namespace: 'old-owner',
      redirectnamespace: 'new-owner',
      redirectname: null,
      versions: {
        '0.1.0': { name: 'old_name', packages: [], downloads: { tarball: 'http://x/0.1.0.tar.gz' } },
        '0.2.0': { name: 'old_name', packages: [], downloads: {} },
      },
    };
    server.addFile('api/v1/old-owner/old_name.json', JSON.stringify(index), { contentType: 'application/json' });
    const moved = await hubPackage(server.url, 'old-owner/old_name');
    expect(moved).toEqual({
      package: 'old-owner/old_name',
      name: 'old_name',
      movedTo: 'new-owner/old_name',
      versions: new Map([['0.1.0', { name: 'old_name', tarball: 'http://x/0.1.0.tar.gz', dependencies: [] }]]),
    });
  });

  it('an unreachable hub is a clear error naming the URL and DBT_PACKAGE_HUB_URL', async () => {
    const gone = await startPackageServer();
    const url = gone.url;
    await gone.close();
    const port = new URL(url).port;
    expect(await userError(hubPackage(url, 'dbt-labs/dbt_utils'))).toBe(
      `Could not reach the package hub at ${url} (connect ECONNREFUSED 127.0.0.1:${port}). Check the network, or set DBT_PACKAGE_HUB_URL to the URL of a mirror.`,
    );
  });

  it('never prints credentials of the hub URL', async () => {
    const withSecret = server.url.replace('http://', 'http://me:s3cret@');
    const message = await userError(hubPackage(withSecret, 'dbt-labs/nothing_here'));
    expect(message).toBe(`Package 'dbt-labs/nothing_here' is not on the package hub at ${server.url}.`);
  });
});
