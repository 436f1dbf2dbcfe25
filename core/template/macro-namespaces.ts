/** Where a macro comes from: Strata itself, the root project, or an installed package. */
export const BUILTIN_PACKAGE = '<strata>';

/** The project file's `dispatch:` entries: which packages to search, in order, for a namespace. */
export interface DispatchConfig {
  macro_namespace: string;
  search_order: string[];
}

type MacroFn = (...args: unknown[]) => unknown;

/**
 * Every macro by package, and the rules for finding one: an unqualified name resolves to the
 * root project's macro, else Strata's, else the first installed package's; `package.name` to that
 * package's; `adapter.dispatch(name, namespace)` searches the namespace's packages in the
 * `dispatch:` order (default: the root project and Strata for `dbt`/`strata`, the package itself
 * for a package), taking `<adapter>__name`, then `default__name`, in each.
 */
export class MacroNamespaces {
  private readonly byPackage = new Map<string, Map<string, MacroFn>>();
  private readonly order = new Map<string, string[]>();

  constructor(
    private readonly rootPackage: string,
    dispatch: readonly DispatchConfig[] = [],
  ) {
    for (const entry of dispatch)
      this.order.set(
        entry.macro_namespace,
        entry.search_order.map((p) => (p === 'dbt' || p === 'strata' ? BUILTIN_PACKAGE : p)),
      );
  }

  /** Records a macro of a package. */
  add(pkg: string, name: string, macro: MacroFn): void {
    let macros = this.byPackage.get(pkg);
    if (!macros) this.byPackage.set(pkg, (macros = new Map()));
    macros.set(name, macro);
  }

  /** Installed package names (not the root project or Strata). */
  packages(): string[] {
    return [...this.byPackage.keys()].filter((p) => p !== this.rootPackage && p !== BUILTIN_PACKAGE);
  }

  /** One macro of a package. */
  get(pkg: string, name: string): MacroFn | undefined {
    return this.byPackage.get(pkg)?.get(name);
  }

  /** `package.macro` access: the package's macros by name. */
  namespace(pkg: string): Record<string, MacroFn> {
    return Object.fromEntries(this.byPackage.get(pkg) ?? []);
  }

  /** The implementation `adapter.dispatch(name, namespace)` picks for `adapterType`, if any. */
  dispatch(name: string, namespace: string | undefined, adapterType: string): MacroFn | undefined {
    const builtinNamespace = namespace === undefined || namespace === 'dbt' || namespace === 'strata';
    const search =
      (namespace !== undefined ? this.order.get(namespace) : undefined) ??
      (builtinNamespace ? [this.rootPackage, BUILTIN_PACKAGE] : [namespace]);
    for (const pkg of search) {
      const macros = this.byPackage.get(pkg);
      const found = macros?.get(`${adapterType}__${name}`) ?? macros?.get(`default__${name}`);
      if (found) return found;
    }
    return undefined;
  }
}
