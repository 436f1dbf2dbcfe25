import { Worker } from 'node:worker_threads';

/** Files to write: [absolute path, text]. */
export type FileBatch = [string, string][];

// The worker's whole program. It remembers, per file, the hash of what it wrote and the file's
// size and mtime afterwards; a file whose text is unchanged and that nobody touched since is not
// written again. Anything else (new, changed, edited or deleted by hand) is written.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync, readFileSync, statSync, existsSync } = require('node:fs');
const { dirname } = require('node:path');
const { createHash } = require('node:crypto');
const { files, ledgerFile } = workerData;
let ledger = {};
if (ledgerFile && existsSync(ledgerFile)) { try { ledger = JSON.parse(readFileSync(ledgerFile, 'utf8')); } catch { ledger = {}; } }
const next = {};
const made = new Set();
let written = 0;
for (const [file, text] of files) {
  const hash = createHash('sha1').update(text).digest('base64');
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
`;

/**
 * Writes many small files on a worker thread, skipping the ones that would not change. Thousands of
 * small writes from the main thread, next to a large heap, cost several times more than the same
 * writes from a small worker, and the main thread can build the manifest meanwhile. `ledgerFile`
 * records what was written, so the next call can skip unchanged files.
 */
export function writeFilesInBackground(files: FileBatch, ledgerFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { files, ledgerFile } });
    worker.once('message', (written: number) => resolve(written));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`artifact writer exited with ${code}`))));
  });
}
