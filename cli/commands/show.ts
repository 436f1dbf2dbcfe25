import { InvalidArgumentError, Option, type Command } from 'commander';
import { printDiagnostics } from '../output/diagnostics.js';
import { previewJson, previewTable } from '../output/preview-table.js';
import type { Terminal } from '../output/terminal.js';
import { projectOptions, withProjectOptions, withSelectionOptions, type CommonFlags } from './common.js';

interface ShowFlags extends CommonFlags {
  inline?: string;
  limit: number;
  output: 'text' | 'json';
}

/** `strata show`: run one node's compiled SQL (or inline SQL) and print the first rows, building nothing. */
export function registerShow(program: Command, term: Terminal, env: NodeJS.ProcessEnv): void {
  withSelectionOptions(
    withProjectOptions(
      program.command('show').description("preview the rows of one node's SQL, or of inline SQL, without building anything"),
    ),
  )
    .option('--inline <sql>', 'SQL to preview instead of a node; may use ref(), source() and macros: "select * from {{ ref(\'orders\') }}"')
    .option('--limit <n>', 'rows to fetch (default 5; a negative number fetches every row)', wholeNumber, 5)
    .addOption(
      new Option('--output <format>', 'text: a table; json: {"node": ..., "show": [rows]}').choices(['text', 'json']).default('text'),
    )
    .action(async (flags: ShowFlags) => {
      const { showPreview } = await import('../../core/run/show-node.js');
      const shown = await showPreview({
        ...(await projectOptions(flags, env)),
        ...(flags.inline !== undefined ? { inline: flags.inline } : {}),
        // As dbt: a negative limit fetches everything; 0 fetches no rows.
        ...(flags.limit >= 0 ? { limit: flags.limit } : {}),
      });
      printDiagnostics(term, shown.warnings, shown.root);
      if (flags.output === 'json') {
        const rows = previewJson(shown);
        term.out(JSON.stringify(shown.inline ? { show: rows } : { node: shown.name, show: rows }, null, 2));
      } else {
        const heading = shown.inline ? 'Previewing inline node:' : `Previewing node '${shown.name}':`;
        term.out([heading, ...previewTable(shown)].join('\n'));
      }
    });
}

/** A whole number, negative allowed (dbt's --limit takes -1 for no limit). */
function wholeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`expected a whole number, got '${value}'.`);
  return n;
}
