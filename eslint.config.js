import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

// The floors of core/, bottom to top (docs/architecture.md): each folder imports only the floors
// below it, type-only imports and import() included. `deps` is a side floor on `project` that only
// the CLI loads; `core/index.ts` exports every floor; adapters/ implement core/adapter and see only
// it and diagnostics; cli/ may import anything. Database drivers are imported only under adapters/.
const FLOORS = ['diagnostics', 'adapter', 'template', 'project', 'plan', 'graph', 'artifacts', 'compile', 'run', 'docs'];
const DRIVERS = ['pg', 'pg-copy-streams', '@duckdb/node-api'];
const DRIVER_MESSAGE = 'Database drivers are imported only under adapters/ (an Adapter is how core reaches a database).';

/** A relative import reaching into one of `folders` (at any depth of ../), as a regex source. */
const into = (prefix, folders) => `^(\\.\\./)+${prefix}(${folders.join('|')})/`;

/** Lint rules for `files`: no import (static, type-only or dynamic) reaching `forbidden`, nor a driver unless `drivers`. */
function floor(files, forbidden, message, { drivers = false } = {}) {
  const patterns = forbidden.map(({ prefix, folders }) => ({ regex: into(prefix, folders), message }));
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: drivers ? [] : DRIVERS.map((name) => ({ name, message: DRIVER_MESSAGE })),
          patterns: [...patterns, ...(drivers ? [] : [{ group: DRIVERS.map((name) => `${name}/*`), message: DRIVER_MESSAGE }])],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...patterns.map(({ regex }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`, message })),
      ],
    },
  };
}

const UP = 'imports only the folders below it in core/ (see docs/architecture.md, "Floors").';
const floors = [
  ...FLOORS.map((name, i) =>
    floor(
      [`core/${name}/**/*.ts`],
      [
        { prefix: '', folders: [...FLOORS.slice(i + 1), 'deps'] },
        { prefix: '', folders: ['cli', 'adapters'] },
      ],
      `core/${name} ${UP}`,
    ),
  ),
  floor(
    ['core/deps/**/*.ts'],
    [{ prefix: '', folders: [...FLOORS.slice(FLOORS.indexOf('project') + 1), 'cli', 'adapters'] }],
    `core/deps ${UP}`,
  ),
  floor(
    ['core/index.ts'],
    [{ prefix: '', folders: ['cli', 'adapters'] }],
    'core/index.ts exports core only; adapters/ has its own entry point.',
  ),
  floor(
    ['adapters/**/*.ts'],
    [
      { prefix: 'core/', folders: [...FLOORS.filter((f) => f !== 'diagnostics' && f !== 'adapter'), 'deps'] },
      { prefix: '', folders: ['cli'] },
    ],
    'adapters/ implement core/adapter and import only core/adapter and core/diagnostics.',
    { drivers: true },
  ),
  floor(['cli/**/*.ts'], [], ''),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**/target/**', 'test/**/target/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }],
    },
  },
  ...floors,
  {
    // No file-level import circle in the product (type-only imports count): two files that need
    // each other are one concept and become one file (docs/architecture.md, "Floors").
    files: ['core/**/*.ts', 'adapters/**/*.ts', 'cli/**/*.ts'],
    plugins: { 'import-x': importX },
    // The parser setting lets the rule read the imported .ts files (it parses them itself).
    settings: { 'import-x/resolver': { typescript: true }, 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] } },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The docs site's script runs in the browser, with dagre loaded before it.
    files: ['core/docs/site/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', location: 'readonly', dagre: 'readonly' } },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
