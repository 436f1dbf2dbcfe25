import { splitArgs } from './call-args.js';
import { iterate } from './py-methods.js';
import { PyTuple, numberOf } from './py-values.js';

/**
 * Python's `itertools` as dbt's `modules.itertools`: the functions packages use, each giving a
 * list (Python gives an iterator; templates loop over it or pass it to `list`, which agree).
 */
export function itertoolsModule(): Record<string, unknown> {
  return {
    chain: (...iterables: unknown[]) => splitArgs(iterables).positional.flatMap((i) => iterate(i)),
    product: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const pools = Array.from({ length: numberOf(keywords.repeat) ?? 1 }, () => positional.map((p) => iterate(p))).flat();
      return pools
        .reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((x) => [...prefix, x])), [[]])
        .map((items) => PyTuple.fromItems(items));
    },
    combinations: (iterable: unknown, r: unknown) => choose(iterate(iterable), numberOf(r) ?? 0, false),
    permutations: (iterable: unknown, r?: unknown) => {
      const items = iterate(iterable);
      return choose(items, numberOf(r) ?? items.length, true);
    },
    islice: (iterable: unknown, ...bounds: unknown[]) => {
      const items = iterate(iterable);
      const [start, stop, step] = bounds.length === 1 ? [0, bounds[0], 1] : [bounds[0] ?? 0, bounds[1], bounds[2] ?? 1];
      const end = stop === null || stop === undefined ? items.length : (numberOf(stop) as number);
      const out: unknown[] = [];
      for (let i = numberOf(start) ?? 0; i < Math.min(end, items.length); i += numberOf(step) ?? 1) out.push(items[i]);
      return out;
    },
    zip_longest: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const lists = positional.map((p) => iterate(p));
      const fill = keywords.fillvalue ?? null;
      return Array.from({ length: Math.max(0, ...lists.map((l) => l.length)) }, (_, i) =>
        PyTuple.fromItems(lists.map((l) => (i < l.length ? l[i] : fill))),
      );
    },
    accumulate: (iterable: unknown) => {
      let total: number | undefined;
      return iterate(iterable).map((x) => (total = total === undefined ? (numberOf(x) as number) : total + (numberOf(x) as number)));
    },
    repeat: (value: unknown, times: unknown) => Array.from({ length: numberOf(times) ?? 0 }, () => value),
  };
}

/** r-length tuples of items, in Python's order: combinations (ascending positions) or permutations. */
function choose(items: unknown[], r: number, ordered: boolean): PyTuple[] {
  const out: PyTuple[] = [];
  const pick = (chosen: number[]) => {
    if (chosen.length === r) {
      out.push(PyTuple.fromItems(chosen.map((i) => items[i])));
      return;
    }
    const from = ordered ? 0 : (chosen[chosen.length - 1] ?? -1) + 1;
    for (let i = from; i < items.length; i++) if (!chosen.includes(i)) pick([...chosen, i]);
  };
  if (r <= items.length) pick([]);
  return out;
}
