/**
 * Deepest nesting of arrays and objects accepted by default (`MAX_JSON_DEPTH`). `JSON.parse`
 * takes any depth, but `JSON.stringify` throws from a few thousand levels: a value deeper
 * than what every later step can serialize must be refused where it enters.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep (a scalar is
 * depth 0, `[1]` depth 1). Walks with its own stack, so any depth `JSON.parse` produced is
 * safe to check, and stops at the first level too many.
 *
 * @example
 * jsonDepthExceeds({ a: [[1]] }, 2); // true: three levels
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: object; depth: number }> = [];
  if (typeof value === 'object' && value !== null) pending.push({ value, depth: 1 });
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > maxDepth) return true;
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}
