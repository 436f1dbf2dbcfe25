import { Worker } from 'node:worker_threads';

/** Files to write: [absolute path, text]. */
export type FileBatch = [string, string][];

// The worker's whole program. It remembers, per file, the hash of what it wrote and the file's
// size and mtime afterwards; a file whose text is unchanged and that nobody touched since is not
// written again. Anything else (new, changed, edited or deleted by hand) is written.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdirSync, writeFileSync, readFileSync, statSync, existsSync } = require('node:fs');
const { dirname } = require('node:path');
const { hash: digest } = require('node:crypto');
parentPort.once('message', ({ files, ledgerFile }) => {
let ledger = {};
if (ledgerFile && existsSync(ledgerFile)) { try { ledger = JSON.parse(readFileSync(ledgerFile, 'utf8')); } catch { ledger = {}; } }
const next = {};
const made = new Set();
let written = 0;
for (const [file, text] of files) {
  const hash = digest('sha1', text, 'base64');
  const known = ledger[file];
  let stat;
  try { stat = statSync(file); } catch { stat = undefined; }
  if (known && stat && known[0] === hash && known[1] === stat.size && known[2] === stat.mtimeMs) { next[file] = known; continue; }
  const dir = dirname(file);
  if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
  writeFileSync(file, text);
  const after = statSync(file);
  next[file] = [hash, after.size, after.mtimeMs];
  written++;
}
if (ledgerFile) { mkdirSync(dirname(ledgerFile), { recursive: true }); writeFileSync(ledgerFile, JSON.stringify(next)); }
parentPort.postMessage(written);
parentPort.close();
});
`;

/** A writer thread, started before its files are known. */
export interface FileWriter {
  /** Writes the files (skipping unchanged ones); resolves to how many were written. Call once. */
  write(files: FileBatch, ledgerFile?: string): Promise<number>;
  /** Stops the thread when there is nothing to write (e.g. the compile failed). */
  cancel(): void;
}

/**
 * Writes many small files on a worker thread, skipping the ones that would not change. Thousands of
 * small writes from the main thread, next to a large heap, cost several times more than the same
 * writes from a small worker, and the main thread can build the manifest meanwhile. The thread is
 * started here, before the files are known, so that its own start-up (some 30 ms) overlaps with
 * loading the project rather than keeping a small compile waiting. `ledgerFile` records what was
 * written, so the next write can skip unchanged files.
 */
export function startFileWriter(): FileWriter {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // Until it is given work, the thread must not keep the process alive.
  worker.unref();
  const done = new Promise<number>((resolve, reject) => {
    worker.once('message', (written: number) => resolve(written));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`artifact writer exited with ${code}`))));
  });
  // Cancelled before any work, the thread's exit is no failure anyone waits for.
  done.catch(() => undefined);
  return {
    write(files, ledgerFile) {
      worker.ref();
      worker.postMessage({ files, ledgerFile });
      return done;
    },
    cancel() {
      void worker.terminate();
    },
  };
}
