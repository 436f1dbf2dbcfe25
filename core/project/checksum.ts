import { hash } from 'node:crypto';

// dbt's file checksums, on the lowest floor that needs them: project loading (seeds), state
// comparison (graph) and the manifest (artifacts) all compute the same digest.

/** A file's checksum as dbt writes it in the manifest. */
export interface FileChecksum {
  /** `sha256`, or `path` for a seed over 1 MiB. */
  name: string;
  /** The hex digest, or the file's path from the project root. */
  checksum: string;
}

/** sha256 of a file's text, as dbt records it. */
export function checksum(text: string): FileChecksum {
  return { name: 'sha256', checksum: hash('sha256', text, 'hex') };
}
