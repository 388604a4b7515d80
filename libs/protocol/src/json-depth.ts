/**
 * Deepest nesting of arrays and objects accepted by default (`MAX_JSON_DEPTH`). `JSON.parse`
 * takes any depth, but `JSON.stringify` throws from a few thousand levels: a value deeper
 * than what every later step can serialize must be refused where it enters.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep (a scalar is
 * depth 0, `[1]` depth 1). It recurses, but never past `maxDepth + 1` calls, so any depth
 * `JSON.parse` produced is safe to check; it stops at the first level too many.
 *
 * @example
 * jsonDepthExceeds({ a: [[1]] }, 2); // true: three levels
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (maxDepth <= 0) return true;
  if (Array.isArray(value)) return value.some((item) => jsonDepthExceeds(item, maxDepth - 1));
  for (const key in value) {
    if (jsonDepthExceeds((value as Record<string, unknown>)[key], maxDepth - 1)) return true;
  }
  return false;
}
