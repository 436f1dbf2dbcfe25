import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../project/types.js';
import type { ManifestParts } from './manifest.js';

/** Byte ranges in manifest.json of the metadata and of each node's entry, so one can be replaced in place. */
export interface ManifestLayout {
  metadata: [start: number, end: number];
  nodes: Record<string, [start: number, end: number]>;
}

/** Writes target/manifest.json; returns its path and where the metadata and node entries are in it. */
export function writeManifest(project: Project, manifest: ManifestParts): { file: string; layout: ManifestLayout } {
  mkdirSync(project.targetPath, { recursive: true });
  const file = join(project.targetPath, 'manifest.json');
  // Written a section (and, for nodes, an entry) at a time: one JSON string of a large project's
  // manifest would be tens of megabytes held in memory at once.
  // Many small writes are slow, so pieces are gathered into chunks of about a megabyte.
  const fd = openSync(file, 'w');
  const layout: ManifestLayout = { metadata: [0, 0], nodes: {} };
  let chunk: string[] = [];
  let size = 0;
  let offset = 0;
  /** Adds text; returns its byte range in the file. */
  const put = (text: string, force = false): [number, number] => {
    const start = offset;
    offset += Buffer.byteLength(text);
    chunk.push(text);
    size += text.length;
    if (size > 1_000_000 || force) {
      writeSync(fd, chunk.join(''));
      chunk = [];
      size = 0;
    }
    return [start, offset];
  };
  try {
    put('{');
    Object.entries(manifest.sections).forEach(([key, value], i) => {
      put(`${i ? ',' : ''}${JSON.stringify(key)}:`);
      if (key === 'nodes') {
        put('{');
        let j = 0;
        for (const [id, node] of manifest.nodeEntries()) {
          put(`${j++ ? ',' : ''}${JSON.stringify(id)}:`);
          layout.nodes[id] = put(JSON.stringify(node));
        }
        put('}');
      } else {
        const range = put(JSON.stringify(value));
        if (key === 'metadata') layout.metadata = range;
      }
    });
    put('}', true);
  } finally {
    closeSync(fd);
  }
  return { file, layout };
}
