import type { MacroDefinition } from './types.js';

const BLOCK = /\{%-?\s*(macro|test)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\([\s\S]*?\{%-?\s*end(?:macro|test)\s*-?%\}/g;

/** The macro and test blocks of a macro file, with their text (for the manifest and state checks). */
export function readMacroDefinitions(packageName: string, file: string, text: string): MacroDefinition[] {
  return [...text.matchAll(BLOCK)].map((match) => {
    const name = match[1] === 'test' ? `test_${match[2] as string}` : (match[2] as string);
    return { uniqueId: `macro.${packageName}.${name}`, name, packageName, file, sql: match[0] };
  });
}
