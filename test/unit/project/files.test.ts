import { describe, expect, it } from 'vitest';
import { findFiles } from '../../../core/project/files.js';
import { writeProject } from '../../helpers/temp-project.js';

describe('findFiles', () => {
  const root = writeProject({ 'models/a.sql': '', 'models/sub/deep/b.sql': '', 'models/c.yml': '', 'top.sql': '' });

  it.each([['models'], ['./models/'], ['models//']])('lists files under %s with paths from the root and from the folder', (folder) => {
    expect(findFiles(root, [folder], ['.sql']).map((f) => [f.fromRoot, f.fromFolder, f.absolute.slice(root.length)])).toEqual([
      ['models/a.sql', 'a.sql', '/models/a.sql'],
      ['models/sub/deep/b.sql', 'sub/deep/b.sql', '/models/sub/deep/b.sql'],
    ]);
  });

  it('lists the project folder itself as "."', () => {
    expect(findFiles(root, ['.'], ['.sql', '.yml']).map((f) => [f.fromRoot, f.fromFolder])).toEqual([
      ['models/a.sql', 'models/a.sql'],
      ['models/c.yml', 'models/c.yml'],
      ['models/sub/deep/b.sql', 'models/sub/deep/b.sql'],
      ['top.sql', 'top.sql'],
    ]);
  });

  it('skips folders that do not exist', () => {
    expect(findFiles(root, ['nowhere'], ['.sql'])).toEqual([]);
  });
});
