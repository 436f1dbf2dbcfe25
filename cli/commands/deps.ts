import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Terminal } from '../output/terminal.js';
import { withProjectOptions, type CommonFlags } from './common.js';

/** `strata deps`: install the packages listed in packages.yml into strata_packages/. */
export function registerDeps(program: Command, term: Terminal): void {
  withProjectOptions(program.command('deps').description("install the 'local:' packages of packages.yml into strata_packages/ (or packages-install-path)"))
    .action(async (flags: CommonFlags) => {
      const { installPackages, packagesInstallPath } = await import('../../core/project/packages.js');
      const root = resolve(flags.projectDir ?? '.');
      const installPath = packagesInstallPath(root);
      const installed = installPackages(root, installPath);
      if (installed.length === 0) term.out('No packages to install (packages.yml lists none).');
      for (const pkg of installed) term.out(`Installed ${pkg.name} into ${relative(root, pkg.dir)}/`);
    });
}
