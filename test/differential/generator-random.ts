// The seeded randomness of the template generator (generate-templates.ts): the same cases on every machine.

import { seededRandom } from '../helpers/prng.js';

/** Small, fast, seedable and the same on every machine. */
export class Rng {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the options, drawn by weight. */
  weighted<T>(options: readonly (readonly [number, T])[]): T {
    const total = options.reduce((sum, [w]) => sum + w, 0);
    let draw = this.next() * total;
    for (const [w, value] of options) {
      if ((draw -= w) < 0) return value;
    }
    const last = options[options.length - 1];
    if (!last) throw new Error('no options');
    return last[1];
  }
}

/** Case i's own seed, so that a case does not depend on how many cases were asked for. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
