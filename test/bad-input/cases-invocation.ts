import { MODEL, type BadInputCase } from './case.js';

const a = { 'models/a.sql': MODEL };
const SELECTORS = 'selectors:\n  - name: nightly\n    definition: {method: tag, value: nightly}\n';

/** Bad selections, --vars, flags, folders, profiles and targets. */
export const INVOCATION_CASES: BadInputCase[] = [
  { name: '-s +', files: a, argv: ['ls', '-s', '+'], exit: 1, code: 'invalid-selector', message: "'+'" },
  { name: '-s with an unknown method', files: a, argv: ['ls', '-s', 'foo:bar'], exit: 1, code: 'invalid-selector', message: "'foo'" },
  { name: '-s with a misspelt method, with a suggestion', files: a, argv: ['ls', '-s', 'tags:nightly'], exit: 1, code: 'invalid-selector', message: "'tag'" },
  { name: '-s tag: with no value matches nothing (a warning, as in dbt)', files: a, argv: ['ls', '-s', 'tag:'], exit: 0, code: 'selector-no-match', message: 'tag:' },
  { name: '--exclude +', files: a, argv: ['ls', '--exclude', '+'], exit: 1, code: 'invalid-selector', message: "'+'" },
  {
    name: '-s that matches nothing only warns',
    files: a, argv: ['run', '-s', 'nosuch'], exit: 0, code: 'selector-no-match', message: 'nosuch',
  },
  {
    name: '--selector with an unknown name, with a suggestion',
    files: { ...a, 'selectors.yml': SELECTORS }, argv: ['ls', '--selector', 'nightlly'], exit: 1, code: 'invalid-selector|invalid-selectors-file', message: /(did you mean|selectors:) '?nightly'?/i,
  },
  {
    name: '--selector without a selectors.yml',
    files: a, argv: ['ls', '--selector', 'nightly'], exit: 1, code: 'invalid-selector|invalid-selectors-file', message: 'nightly',
  },
  { name: '--vars: a list left open', files: a, argv: ['compile', '--vars', '[1, 2'], exit: 1, code: 'invalid-vars' },
  { name: '--vars: a mapping left open', files: a, argv: ['compile', '--vars', '{a: 1'], exit: 1, code: 'invalid-vars' },
  { name: '--vars: a list, not a mapping', files: a, argv: ['compile', '--vars', '[1, 2]'], exit: 1, code: 'invalid-vars', message: /mapping|dict/i },
  { name: '--vars: a bare word', files: a, argv: ['compile', '--vars', 'hello'], exit: 1, code: 'invalid-vars', message: /mapping|dict/i },
  { name: '--vars: a tab', files: a, argv: ['compile', '--vars', 'a:\n\tb: 1'], exit: 1, code: 'invalid-vars' },
  { name: '--threads 0', files: a, argv: ['run', '--threads', '0'], exit: 1, code: 'usage', message: '--threads' },
  { name: '--threads x', files: a, argv: ['run', '--threads', 'x'], exit: 1, code: 'usage', message: '--threads' },
  { name: '--threads 1.5', files: a, argv: ['run', '--threads', '1.5'], exit: 1, code: 'usage', message: '--threads' },
  { name: 'an unknown flag, with a suggestion', files: a, argv: ['run', '--full-refesh'], exit: 1, code: 'usage', message: '--full-refresh' },
  { name: 'an unknown command, with a suggestion', files: a, argv: ['buidl'], exit: 1, code: 'usage', message: 'build' },
  { name: '-s with no value', files: a, argv: ['ls', '-s'], exit: 1, code: 'usage', message: '--select' },
  { name: '--event-time-start that is not a time', files: a, argv: ['run', '--event-time-start', 'yesterday'], exit: 1, code: 'usage', message: 'yesterday' },
  { name: 'docs serve --port x', files: a, argv: ['docs', 'serve', '--port', 'x'], exit: 1, code: 'usage', message: '--port' },
  {
    name: '--target that the profile does not have, with a suggestion',
    files: a, argv: ['run', '--target', 'prod'], exit: 1, code: 'target-not-found', at: 'profiles.yml:4', message: "'prod'",
  },
  {
    name: "profiles.yml's own target is missing",
    files: { ...a, 'profiles.yml': 'p:\n  target: prod\n  outputs:\n    dev:\n      type: duckdb\n      path: test.duckdb\n' },
    argv: ['run'], exit: 1, code: 'target-not-found', at: 'profiles.yml:2', message: "'prod'",
  },
  {
    name: 'the profile named by the project is not in profiles.yml',
    files: { ...a, 'dbt_project.yml': 'name: p\nprofile: warehouse\n' },
    argv: ['run'], exit: 1, code: 'profile-not-found', at: 'dbt_project.yml:2', message: "'warehouse'",
  },
  {
    name: '--profiles-dir that does not exist',
    files: a, argv: ['run', '--profiles-dir', '/nonexistent/strata-profiles'], exit: 1, code: 'profile-not-found', message: '/nonexistent/strata-profiles',
  },
  {
    name: 'STRATA_PROFILES_DIR that does not exist',
    files: a, env: { STRATA_PROFILES_DIR: '/nonexistent/strata-profiles' }, argv: ['run'], exit: 1, code: 'profile-not-found', message: '/nonexistent/strata-profiles',
  },
  {
    name: '--project-dir that does not exist',
    files: a, argv: ['run', '--project-dir', '/nonexistent/strata-project'], exit: 1, code: 'project-file-missing', message: '/nonexistent/strata-project',
  },
  {
    name: '--project-dir that is a file',
    files: a, argv: ['run', '--project-dir', '{dir}/models/a.sql'], exit: 1, code: 'project-file-missing', message: 'a.sql',
  },
  {
    name: 'a folder with no project file',
    files: { ...a, 'dbt_project.yml': null }, argv: ['run'], exit: 1, code: 'project-file-missing', message: 'dbt_project.yml',
  },
  {
    name: '--state that does not exist',
    files: a, argv: ['ls', '-s', 'state:modified', '--state', '/nonexistent/strata-state'], exit: 1, code: 'invalid-state', message: '/nonexistent/strata-state',
  },
  {
    name: 'state:modified without --state',
    files: a, argv: ['ls', '-s', 'state:modified'], exit: 1, code: 'invalid-state|invalid-selector', message: '--state',
  },
];
