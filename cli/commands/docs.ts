import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { diagnostic, StrataUserError } from '../../core/diagnostics/diagnostic.js';
import { printDiagnostics } from '../output/diagnostics.js';
import type { Terminal } from '../output/terminal.js';
import { positiveInt, projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

/** `strata docs generate` and `strata docs serve`. */
export function registerDocs(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  const docs = program.command('docs').description('generate and serve the documentation site');
  withSelectionOptions(
    withProjectOptions(
      docs.command('generate').description('write target/manifest.json, target/catalog.json and the site in target/docs/'),
    ),
  ).action(async (flags: CommonFlags) => {
    const { generateDocs } = await import('../../core/docs/generate-docs.js');
    const result = await generateDocs(await projectOptions(flags, env));
    printDiagnostics(term, result.warnings, result.project.root);
    term.out(`Catalog written to ${result.catalogFile}`);
    term.out(`Docs site written to ${result.indexFile} (open it directly, or run 'strata docs serve').`);
  });
  withProjectOptions(docs.command('serve').description('serve target/docs/ on 127.0.0.1'))
    .option('--port <port>', 'port to listen on', positiveInt, 8080)
    .action(async (flags: CommonFlags & { port: number }) => {
      const [{ loadProject }, { serveDocs }] = await Promise.all([
        import('../../core/project/load-project.js'),
        import('../../core/docs/serve-docs.js'),
      ]);
      const project = loadProject(await projectOptions(flags, env));
      const dir = join(project.targetPath, 'docs');
      if (!existsSync(join(dir, 'index.html')))
        throw new StrataUserError([diagnostic('invalid-state', `No docs site in ${dir}: run 'strata docs generate' first.`)]);
      const server = await serveDocs(dir, flags.port);
      term.out(`Serving ${dir} at http://127.0.0.1:${flags.port}/ (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
