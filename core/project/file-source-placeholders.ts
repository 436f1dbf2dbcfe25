// dbt-duckdb fills a source's `external_location` with Python string formatting over the table's
// names and meta: `{name}` (str.format, "newstyle", the default), `%(name)s` ("oldstyle") or
// `${name}` (string.Template, "template"), chosen by the `formatter` key. Strata does the same, with
// one leniency: under newstyle, braces that do not hold a bare name (a struct literal in a reader
// call, `{'FlightDate': 'DATE'}`) are kept as written rather than failing as Python would.

/** dbt-duckdb's formatter names. */
export const FORMATTERS = ['newstyle', 'oldstyle', 'template'] as const;

export type Formatter = (typeof FORMATTERS)[number];

const PATTERNS: Record<Formatter, RegExp> = {
  newstyle: /\{([A-Za-z_]\w*)\}/g,
  oldstyle: /%%|%\(([^)]*)\)s/g,
  template: /\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g,
};

/** `text` with its placeholders filled from `values`, or the first placeholder no value has. */
export function formatLocation(
  text: string,
  formatter: Formatter,
  values: Readonly<Record<string, unknown>>,
): { text: string } | { missing: string } {
  let missing: string | undefined;
  const out = text.replace(PATTERNS[formatter], (whole: string, ...rest: unknown[]) => {
    // The capture groups come before the match's offset (a number); an unmatched one is undefined.
    const groups = rest.slice(
      0,
      rest.findIndex((r) => typeof r === 'number'),
    );
    const key = groups.find((g): g is string => typeof g === 'string');
    if (key === undefined) return whole.slice(1); // `%%` or `$$`
    if (!Object.prototype.hasOwnProperty.call(values, key)) {
      missing ??= key;
      return whole;
    }
    return pythonString(values[key]);
  });
  return missing === undefined ? { text: out } : { missing };
}

/** A value as Python's str() prints it (the placeholders are Python's): True, None, 3. */
function pythonString(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
