import type nunjucks from 'nunjucks';
import { createHash } from 'node:crypto';
import { TemplateCallError, splitArgs } from './call-args.js';
import { JINJA_FILTERS } from './jinja-filters.js';
import { JINJA_TESTS } from './jinja-tests.js';
import { replaceFiltersAndTests } from './nunjucks-internals.js';
import { pythonModules } from './python-modules.js';
import { templateLog } from './invocation.js';
import { jsonDumps } from './py-format.js';
import { iterate } from './py-methods.js';
import { Namespace, takesTemplateValues } from './py-runtime.js';
import { PyError, PyRange, PyTuple, dictKey, dictKeys, isDict, numberOf, setDictItem, str } from './py-values.js';
import { yamlLibrary } from './yaml-library.js';

/**
 * The filters, tests and global functions of Jinja2 as dbt sets it up: Jinja's own (jinja-filters.ts,
 * jinja-tests.ts) instead of nunjucks', dbt's identity filters (`as_text`, `as_bool`, ...), and dbt's
 * Python-flavoured helpers (`namespace()`, `dict()`, `zip()`, `tojson()`, `modules`, ...).
 * See docs/compatibility.md.
 */

/** dbt's filters that mark a value's type for its native environment; identity in the text one. */
const DBT_FILTERS = ['as_text', 'as_bool', 'as_number', 'as_native'];

/** Globals that hand values to JavaScript libraries, which want plain numbers and undefined. */
const HOST_FUNCTIONS = new Set(['toyaml', 'fromyaml', 'fromjson', 'local_md5']);

/** Installs Jinja's filters, tests and dbt's globals on an environment, replacing nunjucks' own. */
export function addJinjaCompat(env: nunjucks.Environment): void {
  const filters: Record<string, unknown> = { ...JINJA_FILTERS };
  for (const name of DBT_FILTERS) filters[name] = takesTemplateValues((value: unknown) => value);
  replaceFiltersAndTests(env, filters, JINJA_TESTS);
  // Jinja's own globals take template values as they are (a float stays a float in `dict()`).
  for (const [name, value] of Object.entries(jinjaGlobals()))
    env.addGlobal(
      name,
      typeof value === 'function' && !HOST_FUNCTIONS.has(name) ? takesTemplateValues(value as (...args: never[]) => unknown) : value,
    );
}

/** Jinja's cycler(): `next()` gives the items in turn, `current` the one next() gives next. */
class Cycler {
  private position = 0;
  constructor(private readonly items: unknown[]) {}
  get current(): unknown {
    return this.items[this.position];
  }
  next(): unknown {
    const item = this.items[this.position];
    this.position = (this.position + 1) % this.items.length;
    return item;
  }
  reset(): null {
    this.position = 0;
    return null;
  }
}

/** Python's zip() over lists, as tuples. */
function zipLists(lists: unknown[]): PyTuple[] {
  const items = lists.map((l) => iterate(l));
  return Array.from({ length: items.length ? Math.min(...items.map((l) => l.length)) : 0 }, (_, i) =>
    PyTuple.fromItems(items.map((l) => l[i])),
  );
}

/** `fn()`, or the `default` argument dbt's helpers take (None unless given) when it raises a TypeError. */
function orDefault(fn: () => unknown, rest: unknown[]): unknown {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    const { positional, keywords } = splitArgs(rest);
    return keywords.default ?? positional[0] ?? null;
  }
}

/** dbt's Python-flavoured helpers: namespace(), dict(), zip(), set(), tojson() … and `modules`. */
function jinjaGlobals(): Record<string, unknown> {
  return {
    namespace: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return new Namespace({ ...(isDict(positional[0]) ? positional[0] : {}), ...keywords });
    },
    dict: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const first = positional[0];
      const pairs = isDict(first)
        ? dictKeys(first).map((k) => [k, first[dictKey(k)]])
        : first === undefined
          ? []
          : iterate(first).map((pair) => iterate(pair));
      // Keys stored as a dict literal's are (any type, `__proto__` a key like any other).
      const out: Record<string, unknown> = {};
      for (const [key, value] of [...pairs, ...Object.entries(keywords)]) setDictItem(out, key, value);
      return out;
    },
    cycler: (...items: unknown[]) => new Cycler(items),
    joiner: (sep: unknown = ', ') => {
      let used = false;
      return () => {
        if (used) return sep;
        used = true;
        return '';
      };
    },
    range: (...args: unknown[]) => PyRange.create(splitArgs(args).positional.map((a) => numberOf(a) as number)),
    list: (value: unknown) => [...iterate(value ?? [])],
    zip: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      return orDefault(() => zipLists(positional), 'default' in keywords ? [keywords.default] : []);
    },
    // dbt's set()/zip() give `default` when the value cannot be iterated; the _strict forms raise.
    set: (value: unknown, ...rest: unknown[]) => orDefault(() => [...new Set(value === undefined ? [] : iterate(value))], rest),
    set_strict: (value: unknown) => [...new Set(iterate(value))],
    zip_strict: (...lists: unknown[]) => zipLists(lists),
    diff_of_two_dicts: (a: unknown, b: unknown) => {
      const left = isDict(a) ? a : {};
      const right = isDict(b) ? b : {};
      const lowered = new Set(Object.keys(right).map((k) => k.toLowerCase()));
      return Object.fromEntries(Object.entries(left).filter(([k]) => !lowered.has(k.toLowerCase())));
    },
    try_or_compiler_error: (message: unknown, fn: unknown, ...args: unknown[]) => {
      try {
        return (fn as (...a: unknown[]) => unknown)(...args);
      } catch {
        throw new TemplateCallError('template-render', String(message));
      }
    },
    tojson: (value: unknown, ...rest: unknown[]) => {
      const { positional, keywords } = splitArgs(rest);
      return jsonDumps(value, { sortKeys: Boolean(keywords.sort_keys ?? positional[1]) });
    },
    fromjson: (text: unknown, fallback: unknown = null) => {
      try {
        return JSON.parse(String(text)) as unknown;
      } catch {
        return fallback;
      }
    },
    toyaml: (value: unknown) => yamlLibrary().stringify(value),
    fromyaml: (text: unknown, fallback: unknown = null) => {
      try {
        return yamlLibrary().parse(String(text)) as unknown;
      } catch {
        return fallback;
      }
    },
    modules: pythonModules(),
    print: (value: unknown) => {
      templateLog(str(value));
      return '';
    },
    local_md5: (value: unknown) => createHash('md5').update(String(value)).digest('hex'),
  };
}
