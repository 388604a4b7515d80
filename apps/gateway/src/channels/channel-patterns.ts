/** Compiled patterns by source; patterns come from config and JWT claims, so there are few. */
const compiled = new Map<string, RegExp>();
const MAX_CACHED = 10_000;

/**
 * True when `channel` matches `pattern`, where `*` stands for one or more characters
 * (protocol §6: `room:*` matches `room:1`, not `room:`).
 */
export function matchesPattern(pattern: string, channel: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+');
    regex = new RegExp(`^${source}$`);
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(channel);
}

/** True when any of `patterns` matches `channel`. */
export function matchesAny(patterns: readonly string[], channel: string): boolean {
  return patterns.some((pattern) => matchesPattern(pattern, channel));
}

/** The string entries of a claim that should hold a list of patterns; anything else counts as none. */
export function patternsFromClaim(claim: unknown): string[] {
  return Array.isArray(claim) ? claim.filter((entry): entry is string => typeof entry === 'string') : [];
}
