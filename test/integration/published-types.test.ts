import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const tsc = join(repo, 'node_modules/typescript/bin/tsc');

/** Runs a command to its end; fails the test with its output when it does not exit 0. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A TypeScript program as a user writes it: the main API, typed, and one misuse that must be a type error. */
const USER_PROGRAM = `import { loadProject, runProject, StrataUserError, type Diagnostic, type RunSummary } from 'strata-sql';
import { BUILTIN_ADAPTERS } from 'strata-sql/adapters';

export async function build(projectDir: string): Promise<RunSummary> {
  try {
    const { summary } = await runProject({ projectDir, adapters: BUILTIN_ADAPTERS, threads: 2 });
    return summary;
  } catch (err) {
    if (err instanceof StrataUserError) {
      const first: Diagnostic | undefined = err.diagnostics[0];
      throw new Error(first ? \`\${first.code}: \${first.message}\` : 'failed');
    }
    throw err;
  }
}

export function nodeNames(projectDir: string): string[] {
  const project = loadProject({ projectDir, adapters: BUILTIN_ADAPTERS });
  return [...project.nodes.values()].map((node) => node.name);
}

// The types are real, not any: a wrong option type is an error (and an unused expect-error would be one too).
// @ts-expect-error projectDir is a string
await runProject({ projectDir: 42, adapters: BUILTIN_ADAPTERS });
`;

/** Strict settings, the declaration files of every package checked (skipLibCheck off). */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: false,
    noEmit: true,
  },
  files: ['use.ts'],
};

describe('the published package', () => {
  it('installs from its tarball with both command names, and its types check in a strict project with no other dev dependency', () => {
    expect(existsSync(join(repo, 'dist/core/index.d.ts')), 'run `npm run build` first').toBe(true);
    const consumer = mkdtempSync(join(tmpdir(), 'strata-consumer-'));
    // --ignore-scripts: pack dist/ as built, without `prepare` building it again.
    const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', consumer], repo)) as {
      filename: string;
    }[];
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // What `npm install strata-sql` gives a user, less the native DuckDB binary (an optional
    // dependency, not needed to type-check) and install scripts.
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--omit=optional',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `./${packed!.filename}`,
      ],
      consumer,
    );
    writeFileSync(join(consumer, 'use.ts'), USER_PROGRAM);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    // TypeScript sees only the consumer's node_modules: the repository's dev dependencies are out of reach.
    const checked = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: consumer, encoding: 'utf8' });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);

    // `npx strata-sql` works outside a project (a bare `npx strata` would fetch an unrelated package).
    const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    for (const bin of ['strata', 'strata-sql'])
      expect(run(join(consumer, 'node_modules/.bin', bin), ['--version'], consumer).trim()).toBe(version);
  });
});
