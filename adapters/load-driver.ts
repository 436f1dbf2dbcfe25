import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A database driver's module, loaded on first connect: drivers cost tens of milliseconds to load
 * (DuckDB's native one ~80 ms), which commands that never touch a database should not pay.
 * Loaded with require rather than import(): the bundled CLI runs from V8's code cache as a
 * script (cli/load-bundle.ts), and Node 20 gives such a script no import() (the drivers are
 * CommonJS packages).
 */
export function loadDriver<T>(name: string): T {
  return require(name) as T;
}
