import type { DIAGNOSTIC_CODES, DiagnosticCode } from './codes.js';
import { diagnostic, type Diagnostic } from './diagnostic.js';
import { didYouMean } from './suggest.js';

/**
 * `--warn-error` and `--warn-error-options`, as dbt reads them: warnings are named by dbt's event
 * names (NoNodesForSelectionCriteria, UnusedResourceConfigPath, ...), and each one is promoted to
 * an error, left a warning or silenced. Silence wins over warn, warn over error.
 */
export interface WarnErrorPolicy {
  /** Warnings that become errors: every one, or these names (dbt's `error`, formerly `include`). */
  error: 'all' | readonly string[];
  /** Warnings that stay warnings even under `error: all` (dbt's `warn`, formerly `exclude`). */
  warn: readonly string[];
  /** Warnings not shown at all. */
  silence: readonly string[];
}

/** The code a warning carries: a diagnostic code whose default severity is `warn`. */
type WarningCode = { [C in DiagnosticCode]: (typeof DIAGNOSTIC_CODES)[C] extends 'warn' ? C : never }[DiagnosticCode];

/**
 * The dbt event name of each warning Strata reports. Names dbt does not have are Strata's own,
 * listed in {@link STRATA_WARNING_EVENTS}.
 */
export const WARNING_EVENTS: Record<WarningCode, string> = {
  'unused-config-path': 'UnusedResourceConfigPath',
  'selector-no-match': 'NoNodesForSelectionCriteria',
  'properties-unknown-node': 'NoNodeForYamlKey',
  'nothing-to-retry': 'NothingToDo',
  'ignored-setting': 'IgnoredProjectSetting',
  'deprecated-ref': 'DeprecatedReference',
  'upcoming-deprecation': 'UpcomingReferenceDeprecation',
  'deprecated-model': 'DeprecatedModel',
  'consumer-impact': 'ConsumerImpact',
  'unenforced-constraint': 'ConstraintNotSupported',
};

/** The event of a data test that ends with `warn` status: under warn-error it fails (as in dbt). */
export const TEST_WARNING_EVENT = 'LogTestResult';

/** The event of a source whose freshness is past `warn_after`. */
export const FRESHNESS_WARNING_EVENT = 'LogFreshnessResult';

/** Event names Strata reports that dbt does not have. */
export const STRATA_WARNING_EVENTS: readonly string[] = ['IgnoredProjectSetting', 'ConsumerImpact'];

/**
 * dbt's warning event names Strata accepts in warn-error-options (so a dbt project's settings keep
 * working), whether or not Strata ever reports that warning.
 */
const DBT_WARNING_EVENTS: readonly string[] = [
  'NoNodesForSelectionCriteria',
  'UnusedResourceConfigPath',
  'NoNodeForYamlKey',
  'NothingToDo',
  'DeprecatedModel',
  'DeprecatedReference',
  'UpcomingReferenceDeprecation',
  'ConstraintNotSupported',
  'ConstraintNotEnforced',
  'UnversionedBreakingChange',
  'LogTestResult',
  'LogFreshnessResult',
  'JinjaLogWarning',
  'InvalidValueForField',
  'ValidationWarning',
  'WrongResourceSchemaFile',
  'MacroNotFoundForPatch',
  'NodeNotFoundOrDisabled',
  'SeedIncreased',
  'SeedExceedsLimitSamePath',
  'SeedExceedsLimitAndPathChanged',
  'SeedExceedsLimitChecksumChanged',
  'UnusedTables',
  'FreshnessConfigProblem',
  'ParsedFileLoadFailed',
  'PartialParsingError',
  'TestsConfigDeprecation',
  'ProjectFlagsMovedDeprecation',
  'PackageRedirectDeprecation',
  'PackageInstallPathDeprecation',
  'ConfigSourcePathDeprecation',
  'ConfigDataPathDeprecation',
  'ConfigLogPathDeprecation',
  'ConfigTargetPathDeprecation',
  'ExposureNameDeprecation',
  'SpacesInResourceNameDeprecation',
  'ResourceNamesWithSpacesDeprecation',
  'PackageMaterializationOverrideDeprecation',
  'SourceFreshnessProjectHooksNotRun',
  'MicrobatchModelNoEventTimeInputs',
  'CustomKeyInConfigDeprecation',
  'CustomKeyInObjectDeprecation',
  'DuplicateYAMLKeysDeprecation',
  'GenericJSONSchemaValidationDeprecation',
  'UnexpectedJinjaBlockDeprecation',
  'MissingArgumentsPropertyInGenericTestDeprecation',
  'Deprecations',
];

/** Every name warn-error-options accepts. */
export const WARNING_EVENT_NAMES: readonly string[] = [...new Set([...DBT_WARNING_EVENTS, ...STRATA_WARNING_EVENTS])];

/** `--warn-error`: every warning is an error. */
export const ALL_WARNINGS_ERRORS: WarnErrorPolicy = { error: 'all', warn: [], silence: [] };

/**
 * Reads a warn-error-options mapping (already parsed from YAML or JSON). `source` names where it
 * came from in messages (`--warn-error-options`, `flags.warn_error_options in dbt_project.yml`).
 */
export function readWarnErrorOptions(value: unknown, source: string): { policy?: WarnErrorPolicy; problems: string[] } {
  if (value === null || value === undefined) return { policy: { error: [], warn: [], silence: [] }, problems: [] };
  if (typeof value !== 'object' || Array.isArray(value))
    return { problems: [`${source} must be a mapping such as '{"error": "all", "warn": ["NoNodesForSelectionCriteria"]}'.`] };
  const spec = value as Record<string, unknown>;
  const problems: string[] = [];
  const keys = ['error', 'include', 'warn', 'exclude', 'silence'];
  for (const key of Object.keys(spec))
    if (!keys.includes(key)) problems.push(`${source}: unknown key '${key}' (keys: error, warn, silence).${didYouMean(key, keys)}`);
  // dbt renamed include/exclude to error/warn; giving both spellings of one is ambiguous.
  for (const [now, was] of [
    ['error', 'include'],
    ['warn', 'exclude'],
  ] as const)
    if (now in spec && was in spec)
      problems.push(`${source}: '${now}' and '${was}' are two names for the same setting; give only '${now}'.`);
  const names = (key: string): string[] => {
    const raw = spec[key];
    if (raw === undefined || raw === null) return [];
    const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
    if (!list || list.some((n) => typeof n !== 'string')) {
      problems.push(`${source}: '${key}' must be a list of warning names${key === 'error' || key === 'include' ? " or 'all'" : ''}.`);
      return [];
    }
    const mayBeAll = key === 'error' || key === 'include';
    for (const name of list as string[])
      if (!WARNING_EVENT_NAMES.includes(name) && !(mayBeAll && ['all', '*'].includes(name)))
        problems.push(
          `${source}: '${name}' is not a warning name.${didYouMean(name, WARNING_EVENT_NAMES)} See docs/ci-flags.md for the names.`,
        );
    return list as string[];
  };
  const error = names('error' in spec ? 'error' : 'include');
  const policy: WarnErrorPolicy = {
    error: error.some((n) => n === 'all' || n === '*') ? 'all' : error,
    warn: names('warn' in spec ? 'warn' : 'exclude'),
    silence: names('silence'),
  };
  return problems.length ? { problems } : { policy, problems };
}

/** What the policy does to the warning named `event`. */
export function warningFate(policy: WarnErrorPolicy | undefined, event: string): 'error' | 'warn' | 'silence' {
  if (!policy) return 'warn';
  if (policy.silence.includes(event)) return 'silence';
  if (policy.warn.includes(event)) return 'warn';
  return policy.error === 'all' || policy.error.includes(event) ? 'error' : 'warn';
}

/** The dbt (or Strata) event name of a warning diagnostic. */
export function warningEvent(d: Diagnostic): string {
  return (WARNING_EVENTS as Record<string, string>)[d.code] ?? d.code;
}

/**
 * The diagnostics with the policy applied: silenced warnings dropped, promoted ones turned into
 * errors that say why. Errors pass through unchanged.
 */
export function applyWarnError(diagnostics: readonly Diagnostic[], policy: WarnErrorPolicy | undefined): Diagnostic[] {
  if (!policy) return [...diagnostics];
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'warn') {
      out.push(d);
      continue;
    }
    const event = warningEvent(d);
    const fate = warningFate(policy, event);
    if (fate === 'error') out.push({ ...d, severity: 'error', message: `${d.message} (${event}, an error under warn-error)` });
    else if (fate === 'warn') out.push(d);
  }
  return out;
}

/** A bad warn-error setting as a diagnostic. */
export function warnErrorProblem(message: string): Diagnostic {
  return diagnostic('invalid-flag', message);
}
