/**
 * Glob-ish patterns for routes and suppressions: `*` matches any run of
 * characters (slashes and colons included, since pipeline ids use both), every
 * other character matches itself. Case-sensitive, anchored at both ends.
 */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

export function globMatches(pattern: string, value: string): boolean {
  return pattern === '*' || globToRegExp(pattern).test(value);
}

/** True when some pattern matches; an empty or missing list matches everything. */
export function anyGlobMatches(patterns: readonly string[] | undefined, value: string | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  if (value === undefined) return false;
  return patterns.some((pattern) => globMatches(pattern, value));
}
