import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeOutsideLinks } from '../../../core/deps/outside-links.js';
import { writeProject } from '../../helpers/temp-project.js';

describe('removeOutsideLinks', () => {
  it('removes links that lead outside the package or nowhere, and keeps links within it', () => {
    const dir = writeProject({ 'dbt_project.yml': 'name: p\n', 'macros/real.sql': '{% macro m() %}1{% endmacro %}' });
    mkdirSync(join(dir, 'nested/deeper'), { recursive: true });
    symlinkSync('/etc/passwd', join(dir, 'macros/passwd.sql'));
    symlinkSync(tmpdir(), join(dir, 'nested/tmp'));
    symlinkSync('../../../outside.sql', join(dir, 'nested/deeper/up.sql'));
    symlinkSync('missing.sql', join(dir, 'macros/dangling.sql'));
    symlinkSync('real.sql', join(dir, 'macros/alias.sql'));
    symlinkSync('../macros', join(dir, 'nested/macros'));
    writeFileSync(join(dir, '../outside.sql'), 'secret');
    expect(removeOutsideLinks(dir)).toEqual(['macros/dangling.sql', 'macros/passwd.sql', 'nested/deeper/up.sql', 'nested/tmp']);
    expect(lstatSync(join(dir, 'macros/alias.sql')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'nested/macros')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'macros/passwd.sql'))).toBe(false);
    expect(existsSync('/etc/passwd')).toBe(true);
  });
});
