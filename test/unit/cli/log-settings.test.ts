import { describe, expect, it } from 'vitest';
import { consoleColors } from '../../../cli/output/colors.js';
import { LogSettingsError, resolveLogSettings } from '../../../cli/output/log-settings.js';

describe('log settings', () => {
  it("default as dbt's: text on the console, debug in the file, 10 MiB rotation, 80 columns", () => {
    expect(resolveLogSettings({}, {})).toEqual({
      format: 'default',
      formatFile: 'debug',
      level: 'info',
      levelFile: 'debug',
      maxBytes: 10 * 1024 * 1024,
      quiet: false,
      useColorsFile: true,
      print: true,
      printerWidth: 80,
    });
  });

  it('read STRATA_ and DBT_ environment variables, a flag winning over both', () => {
    const env = {
      DBT_LOG_FORMAT: 'json',
      STRATA_LOG_LEVEL: 'warn',
      DBT_LOG_LEVEL: 'error',
      DBT_QUIET: 'true',
      DBT_PRINT: '0',
      DBT_LOG_PATH: '/tmp/x',
    };
    const settings = resolveLogSettings({}, env);
    expect(settings).toMatchObject({ format: 'json', formatFile: 'json', level: 'warn', quiet: true, print: false, logPath: '/tmp/x' });
    expect(resolveLogSettings({ logFormat: 'text', logLevel: 'debug' }, env)).toMatchObject({
      format: 'text',
      formatFile: 'debug',
      level: 'debug',
    });
    expect(resolveLogSettings({ debug: true }, { DBT_LOG_LEVEL: 'error' }).level).toBe('debug');
    expect(resolveLogSettings({ logFileMaxBytes: '0', printerWidth: '120' }, {})).toMatchObject({ maxBytes: 0, printerWidth: 120 });
  });

  it('reject values dbt rejects, naming the flag', () => {
    expect(() => resolveLogSettings({ logFormat: 'xml' }, {})).toThrow(LogSettingsError);
    expect(() => resolveLogSettings({}, { DBT_LOG_LEVEL_FILE: 'verbose' })).toThrow(/'--log-level-file': 'verbose' is not one of/);
    expect(() => resolveLogSettings({ logFileMaxBytes: '-1' }, {})).toThrow(/'--log-file-max-bytes'/);
    expect(() => resolveLogSettings({ printerWidth: '0' }, {})).toThrow(/'--printer-width'/);
  });

  it('colour a terminal unless NO_COLOR; FORCE_COLOR colours a pipe; the flag decides over both', () => {
    expect(consoleColors(undefined, true, {})).toBe(true);
    expect(consoleColors(undefined, false, {})).toBe(false);
    expect(consoleColors(undefined, true, { NO_COLOR: '1' })).toBe(false);
    expect(consoleColors(undefined, false, { FORCE_COLOR: '1' })).toBe(true);
    expect(consoleColors(undefined, true, { FORCE_COLOR: '0' })).toBe(false);
    expect(consoleColors(false, true, { FORCE_COLOR: '1' })).toBe(false);
    expect(consoleColors(true, false, { NO_COLOR: '1' })).toBe(true);
  });
});
