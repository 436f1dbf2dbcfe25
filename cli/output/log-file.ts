import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Rotated files kept beside strata.log: strata.log.1 (newest) … strata.log.5. */
const KEPT = 5;
/** Pending bytes that are written at once rather than after the current work yields. */
const BATCH = 64 * 1024;

/**
 * `<dir>/strata.log`, appended and rotated before it would pass `maxBytes` (0: never). Lines are
 * written in batches (after the code that logged them yields, past 64 KiB, and at `flush`), so
 * `ls` of 10,000 nodes costs one write, not 10,000. A directory that cannot be written is
 * reported once through `warn`, and the command carries on without a file.
 */
export class LogFile {
  readonly path: string;
  private size: number | undefined;
  private failed = false;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(dir, 'strata.log');
  }

  write(line: string): void {
    if (this.failed) return;
    this.pending.push(`${line}\n`);
    this.pendingBytes += line.length + 1;
    if (this.pendingBytes > BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes what is pending now. */
  flush(): void {
    this.scheduled = false;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.failed || lines.length === 0) return;
    try {
      if (this.size === undefined) {
        mkdirSync(this.dir, { recursive: true });
        this.size = existsSync(this.path) ? statSync(this.path).size : 0;
      }
      let chunk = '';
      let chunkBytes = 0;
      for (const text of lines) {
        const bytes = Buffer.byteLength(text);
        if (this.maxBytes > 0 && this.size + chunkBytes > 0 && this.size + chunkBytes + bytes > this.maxBytes) {
          if (chunk) appendFileSync(this.path, chunk);
          this.rotate();
          chunk = '';
          chunkBytes = 0;
        }
        chunk += text;
        chunkBytes += bytes;
      }
      appendFileSync(this.path, chunk);
      this.size += chunkBytes;
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
