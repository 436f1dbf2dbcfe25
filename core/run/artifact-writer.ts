import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Files to write: [absolute path, text]. */
export type FileBatch = [string, string][];

// The worker's whole program: write each file, creating folders as needed.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const made = new Set();
for (const [file, text] of workerData) {
  const dir = dirname(file);
  if (!made.has(dir)) { mkdirSync(dir, { recursive: true }); made.add(dir); }
  writeFileSync(file, text);
}
parentPort.postMessage('done');
`;

/**
 * Writes many small files on a worker thread. Thousands of small writes from the main thread,
 * next to a large heap, cost several times more than the same writes from a small worker, and
 * the main thread can build the manifest meanwhile. Small batches are written directly.
 */
export function writeFilesInBackground(files: FileBatch): Promise<void> {
  if (files.length < 200) {
    const made = new Set<string>();
    for (const [file, text] of files) {
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, text);
    }
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: files });
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`artifact writer exited with ${code}`))));
  });
}
