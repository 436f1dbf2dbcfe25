/** Where the CLI writes; tests pass their own to capture output. */
export interface Terminal {
  /** Normal output (stdout). */
  out(line: string): void;
  /** Problems (stderr). */
  err(line: string): void;
}

/** The process's stdout and stderr. */
export const processTerminal: Terminal = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
