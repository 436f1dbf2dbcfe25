import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `name`, when it is close enough to be a plausible typo
 * (at most a third of the name's length in edits, and at least 1).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.length === 0) return undefined;
  const best = closest(name, list);
  const limit = Math.max(2, Math.ceil(name.length / 3));
  return distance(name.toLowerCase(), best.toLowerCase()) <= limit ? best : undefined;
}

/** " Did you mean 'x'?" or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closestName(name, candidates);
  return best === undefined ? '' : ` Did you mean '${best}'?`;
}
