import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { withProjectOptions, type CommonFlags } from './common.js';

interface DepsFlags extends CommonFlags {
  upgrade?: boolean;
  lock?: boolean;
  addPackage?: string;
  source?: 'hub' | 'git' | 'local';
  hubUrl?: string;
}

/** `strata deps`: install the packages of packages.yml (hub, git, tarball, local) as package-lock.yml pins them. */
export function registerDeps(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withProjectOptions(
    program
      .command('deps')
      .description(
        'install the packages listed in packages.yml (hub, git, tarball, local) and their dependencies, as package-lock.yml pins them',
      ),
  )
    .option('--upgrade', 'resolve every package again (newest versions the ranges allow) and rewrite package-lock.yml')
    .option('--lock', 'resolve and write package-lock.yml without installing')
    .option('--add-package <name@version>', 'add a package to packages.yml, then install (e.g. dbt-labs/dbt_utils@1.3.0)')
    .option('--source <source>', "where --add-package's package comes from: hub, git or local", 'hub')
    .option('--hub-url <url>', 'the package hub (or a mirror) to use; default: $DBT_PACKAGE_HUB_URL, else https://hub.getdbt.com/')
    .action(async (flags: DepsFlags) => {
      // The flag wins over the environment, as dbt's command-line flags do.
      const hubEnv = flags.hubUrl ? { ...env, DBT_PACKAGE_HUB_URL: flags.hubUrl } : env;
      const [{ runDeps }, { parseVars }] = await Promise.all([
        import('../../core/deps/install.js'),
        import('../../core/project/parse-vars.js'),
      ]);
      const root = resolve(flags.projectDir ?? '.');
      if (flags.addPackage) {
        const [{ addPackage, latestStable }, { hubBaseUrl, hubPackage }, { diagnostic, StrataUserError }] = await Promise.all([
          import('../../core/deps/add-package.js'),
          import('../../core/deps/hub.js'),
          import('../../core/diagnostics/diagnostic.js'),
        ]);
        const source = flags.source ?? 'hub';
        if (source !== 'hub' && source !== 'git' && source !== 'local')
          throw new StrataUserError([diagnostic('invalid-dependency', `--source must be hub, git or local, not '${String(source)}'.`)]);
        const added = await addPackage(root, flags.addPackage, source, async (pkg) =>
          latestStable(pkg, [...(await hubPackage(hubBaseUrl(hubEnv), pkg)).versions.keys()]),
        );
        term.out(
          `Added ${Object.entries(added.entry)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')} to ${added.file}`,
        );
      }
      const result = await runDeps({
        root,
        env: hubEnv,
        vars: parseVars(flags.vars),
        ...(flags.upgrade ? { upgrade: true } : {}),
        ...(flags.lock ? { lockOnly: true } : {}),
        progress: (line) => term.out(line),
        warn: (line) => term.err(`warning: ${line}`),
      });
      if (result.upToDate) term.out(`Packages are up to date with package-lock.yml in ${result.installPath}/: nothing to install.`);
      else if (result.packages.length === 0) term.out('No packages to install (packages.yml lists none).');
      else if (flags.lock) term.out(`Locked ${count(result.packages.length)} in package-lock.yml (nothing installed).`);
      else
        term.out(
          `Installed ${count(result.packages.length)} into ${result.installPath}/${result.lockWritten ? ' and wrote package-lock.yml' : ' as package-lock.yml pins them'}.`,
        );
    });
}

const count = (n: number) => `${n} package${n === 1 ? '' : 's'}`;
