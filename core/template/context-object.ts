import { PyObject } from './py-values.js';

/**
 * dbt's `context`: the render's names as a mapping, for macros that look a macro up by a name
 * they build (`context.get('schema__' ~ name)`, `context[name]`, `name in context`).
 */
export class ContextObject extends PyObject {
  readonly pyType = 'dict';
  constructor(
    private readonly lookup: (name: string) => unknown,
    private readonly names: () => string[],
  ) {
    super();
  }
  get(name: unknown, fallback: unknown = null): unknown {
    const value = this.lookup(String(name));
    return value === undefined ? fallback : value;
  }
  keys(): string[] {
    return this.names();
  }
  override pyKeys(): unknown[] {
    return this.names();
  }
  override pyGetItem(key: unknown): unknown {
    return this.lookup(String(key));
  }
  override pyRepr(): string {
    return '<context>';
  }
}
