import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Rotated files kept beside strata.log: strata.log.1 (newest) … strata.log.5. */
const KEPT = 5;

/**
 * `<dir>/strata.log`, appended line by line and rotated when it would pass `maxBytes` (0: never).
 * A directory that cannot be written is reported once through `warn`, and the command carries on
 * without a file.
 */
export class LogFile {
  readonly path: string;
  private size: number | undefined;
  private failed = false;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(dir, 'strata.log');
  }

  write(line: string): void {
    if (this.failed) return;
    const text = `${line}\n`;
    try {
      if (this.size === undefined) {
        mkdirSync(this.dir, { recursive: true });
        this.size = existsSync(this.path) ? statSync(this.path).size : 0;
      }
      const bytes = Buffer.byteLength(text);
      if (this.maxBytes > 0 && this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.path, text);
      this.size += bytes;
    } catch (err) {
      this.failed = true;
      // `strata clean` removed the directory (clean-targets: [logs]): it stays removed, as dbt leaves it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && this.size !== undefined) return;
      this.warn(
        `Cannot write the log file ${this.path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); carrying on without it.`,
      );
    }
  }

  private rotate(): void {
    rmSync(`${this.path}.${KEPT}`, { force: true });
    for (let i = KEPT - 1; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }
}
