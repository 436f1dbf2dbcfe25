import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Files to write: [absolute path, text]. */
export type FileBatch = [string, string][];

/** What the ledger keeps per file: the hash of the text written, and the file's size and mtime after. */
export type LedgerEntry = [hash: string, size: number, mtimeMs: number];

// A writer thread's whole program. Given files and what the last write left of them (the ledger),
// it writes every file whose text changed or that was touched since (new, edited or deleted by
// hand), skips the others, and answers with the ledger entries of all its files.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdirSync, writeFileSync, statSync } = require('node:fs');
const { dirname } = require('node:path');
const { hash: digest } = require('node:crypto');
parentPort.once('message', ({ files: packed, ledger }) => {
  const files = typeof packed === 'string' ? unpack(packed) : packed;
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
  parentPort.postMessage({ written, next });
  parentPort.close();
});
function unpack(text) {
  const parts = text.split('\u0000');
  const files = [];
  for (let i = 0; i + 1 < parts.length; i += 2) files.push([parts[i], parts[i + 1]]);
  return files;
}
`;

/**
 * Creating a file costs the file system far more than writing it (0.1–0.3 ms on the disks
 * measured, more while it is still discarding deleted files), and creations in one folder wait for
 * each other, so many files are shared out by folder between two threads: on the benchmark's
 * 14,000 new files, two threads took half the time of one. A few files are quicker with one
 * thread (a second one's start-up costs more than it saves).
 */
const SECOND_WRITER_FROM = 2_000;

/** Writer threads, started before their files are known. */
export interface FileWriter {
  /** Writes the files (skipping unchanged ones); resolves to how many were written. Call once. */
  write(files: FileBatch, ledgerFile?: string): Promise<number>;
  /** Stops the threads when there is nothing to write (e.g. the compile failed). */
  cancel(): void;
}

/**
 * Writes many small files on worker threads, skipping the ones that would not change. Thousands of
 * small writes from the main thread, next to a large heap, cost several times more than the same
 * writes from a small worker, and the main thread builds the manifest meanwhile. The first thread
 * is started here, before the files are known, so that its start-up (some 30 ms) overlaps with
 * loading the project rather than keeping a small compile waiting; a second one joins for many
 * files. `ledgerFile` records what was written, so the next write can skip unchanged files.
 */
export function startFileWriter(): FileWriter {
  const workers = [startWorker()];
  return {
    async write(files, ledgerFile) {
      if (files.length >= SECOND_WRITER_FROM) workers.push(startWorker());
      const ledger = readLedger(ledgerFile);
      const shares = shareByFolder(files, workers.length);
      workers.forEach(({ worker }, i) => {
        const share = shares[i] as FileBatch;
        worker.ref();
        worker.postMessage({
          files: pack(share),
          ledger: Object.fromEntries(share.flatMap(([file]) => (ledger[file] ? [[file, ledger[file]]] : []))),
        });
      });
      const results = await Promise.all(workers.map((w) => w.done));
      if (ledgerFile) {
        mkdirSync(dirname(ledgerFile), { recursive: true });
        writeFileSync(ledgerFile, JSON.stringify(Object.assign({}, ...results.map((r) => r.next))));
      }
      return results.reduce((sum, r) => sum + r.written, 0);
    },
    cancel() {
      for (const { worker } of workers) void worker.terminate();
    },
  };
}

function startWorker(): { worker: Worker; done: Promise<{ written: number; next: Record<string, LedgerEntry> }> } {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // Until it is given work, a thread must not keep the process alive.
  worker.unref();
  const done = new Promise<{ written: number; next: Record<string, LedgerEntry> }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`artifact writer exited with ${code}`))));
  });
  // Cancelled before any work, the thread's exit is no failure anyone waits for.
  done.catch(() => undefined);
  return { worker, done };
}

/**
 * The files as one text (paths and contents between NUL characters) when none contains one:
 * handing a thread one string is a copy, where 28,000 small strings in arrays cost the main
 * thread tens of milliseconds to clone.
 */
function pack(files: FileBatch): FileBatch | string {
  if (files.length === 0) return files;
  const parts: string[] = [];
  for (const [file, text] of files) {
    if (file.includes('\u0000') || text.includes('\u0000')) return files;
    parts.push(file, text);
  }
  return `${parts.join('\u0000')}\u0000`;
}

/** Where a compile's ledger of the compiled files it wrote is kept. */
export function compiledLedgerFile(targetPath: string): string {
  return join(targetPath, 'compiled', '.strata-written.json');
}

/** What the last write recorded (none or damaged: empty, so every file is written). */
export function readLedger(file: string | undefined): Record<string, LedgerEntry> {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, LedgerEntry>;
  } catch {
    return {}; // none yet, or damaged: every file is written
  }
}

/** The files in `count` shares of whole folders, largest folders first to the lightest share. */
function shareByFolder(files: FileBatch, count: number): FileBatch[] {
  const folders = new Map<string, FileBatch>();
  for (const entry of files) {
    const dir = dirname(entry[0]);
    let batch = folders.get(dir);
    if (!batch) folders.set(dir, (batch = []));
    batch.push(entry);
  }
  const shares: FileBatch[] = Array.from({ length: count }, () => []);
  for (const batch of [...folders.values()].sort((a, b) => b.length - a.length)) {
    const lightest = shares.reduce((min, share) => (share.length < min.length ? share : min));
    for (const entry of batch) lightest.push(entry);
  }
  return shares;
}
