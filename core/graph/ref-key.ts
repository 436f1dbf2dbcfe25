import type { RefCall } from '../template/parse-scope.js';

/** Key under which a ref call's resolution is stored: `pkg/name@version`. */
export function refKey(ref: Pick<RefCall, 'package' | 'name' | 'version'>): string {
  return `${ref.package ?? ''}/${ref.name}@${ref.version ?? ''}`;
}
