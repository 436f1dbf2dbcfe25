import type { Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, type CommonFlags } from './common.js';

const SECRET_KEYS = /pass|secret|token|key/i;

/** `strata debug`: show the configuration in use and test the connection. */
export function registerDebug(program: Command, term: Terminal, env: NodeJS.ProcessEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command('debug').description('check the project, profile and database connection')).action(
    async (flags: CommonFlags) => {
      const [{ BUILTIN_ADAPTERS }, { loadProject }, { isSecretEnvVar }] = await Promise.all([
        import('../../adapters/index.js'),
        import('../../core/project/load-project.js'),
        import('../../core/template/base-scope.js'),
      ]);
      const project = loadProject(await projectOptions(flags, env));
      printDiagnostics(term, project.warnings, project.root);
      const t = project.target;
      term.out(`project file: ${project.projectFile} [OK]`);
      term.out(`profiles.yml: ${t.profilesFile ?? 'none found; using the built-in DuckDB target'}`);
      term.out(`profile: ${t.profileName}, target: ${t.targetName}, type: ${t.type}`);
      // Values that came from secret env vars are masked wherever they appear, not just whole.
      const secretValues = Object.entries(env)
        .filter(([k, v]) => isSecretEnvVar(k) && v)
        .map(([, v]) => v as string);
      const mask = (text: string) => secretValues.reduce((t, s) => t.split(s).join('****'), text);
      for (const [key, value] of Object.entries(t.config))
        term.out(`  ${key}: ${SECRET_KEYS.test(key) ? '****' : mask(JSON.stringify(masked(value)))}`);
      term.out(`  schema: ${t.info.schema}, threads: ${t.info.threads}`);
      const adapter = BUILTIN_ADAPTERS.find((a) => a.name === t.type);
      if (!adapter) throw new Error(`adapter ${t.type} missing`);
      try {
        const pool = await adapter.connect(t.config, { size: 1 });
        try {
          await pool.withConnection((c) => c.execute('select 1 as ok'));
        } finally {
          await pool.close();
        }
        term.out('Connection test: [OK]');
        term.out('All checks passed!');
      } catch (err) {
        term.err(`Connection test: [ERROR] ${(err as Error).message}`);
        setExit(1);
      }
    },
  );
}

/** Nested settings too (a DuckDB `settings: {s3_secret_access_key: ...}`): secret-looking keys are masked at any depth. */
function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '****' : masked(v)]));
}
