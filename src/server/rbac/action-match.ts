/**
 * Matching of Azure operation strings (`Microsoft.Storage/storageAccounts/read`) against the
 * patterns of role definitions (`Microsoft.Storage/*`, `*\/read`, `…/userAssignedIdentities/*\/assign/action`).
 *
 * Rules (docs/wire/arm.md, how RBAC decides): case-insensitive; `*` matches any characters including `/`; an infix
 * `/*\/` matches zero or more whole segments, because Azure's Managed Identity Operator grants
 * `…/userAssignedIdentities/*\/read` and that must cover `…/userAssignedIdentities/read`.
 */

/** Decides whether a lower-cased operation string matches one pattern. */
export type OperationMatcher = (operationLower: string) => boolean;

// Role definitions use a few hundred distinct patterns at most, but custom roles are user data:
// a bound keeps a flood of distinct patterns from growing the cache without limit.
const MAX_CACHED_PATTERNS = 10_000;
const cache = new Map<string, OperationMatcher>();

const REGEX_SPECIALS = /[\\^$.|?+()[\]{}]/g;
const escapeLiteral = (text: string): string => text.replace(REGEX_SPECIALS, '\\$&');

/** Infix segment wildcard: `/` alone (zero segments) or `/…/` (one or more). */
const INFIX_ANY_SEGMENTS = '(?:/.+)?/';

/**
 * The regular expression source for a lower-cased pattern. `/*\/` occurrences are taken left to
 * right without overlap, so in `a/*\/*\/b` the second `*` is an ordinary wildcard.
 */
export function patternSource(patternLower: string): string {
  return patternLower
    .split('/*/')
    .map((part) => part.split('*').map(escapeLiteral).join('.*'))
    .join(INFIX_ANY_SEGMENTS);
}

function compile(patternLower: string): OperationMatcher {
  if (!patternLower.includes('*')) return (op) => op === patternLower;
  if (patternLower === '*') return () => true;
  // 's' so that `.` also spans any odd character a caller might pass; ids never contain newlines.
  const re = new RegExp(`^${patternSource(patternLower)}$`, 's');
  return (op) => re.test(op);
}

/** The compiled matcher of a pattern, from a bounded cache (oldest entry evicted first). */
export function matcherFor(pattern: string): OperationMatcher {
  const key = pattern.toLowerCase();
  let matcher = cache.get(key);
  if (matcher === undefined) {
    matcher = compile(key);
    if (cache.size >= MAX_CACHED_PATTERNS) cache.delete(cache.keys().next().value!);
    cache.set(key, matcher);
  }
  return matcher;
}

/** True when `operation` matches `pattern` (both in any casing). */
export function operationMatches(pattern: string, operation: string): boolean {
  return matcherFor(pattern)(operation.toLowerCase());
}

/** True when the lower-cased operation matches at least one of the patterns. */
export function anyMatches(patterns: readonly string[], operationLower: string): boolean {
  for (const p of patterns) if (matcherFor(p)(operationLower)) return true;
  return false;
}

/** How many compiled patterns are cached (for tests of the bound). */
export function cachedPatternCount(): number {
  return cache.size;
}

export const PATTERN_CACHE_LIMIT = MAX_CACHED_PATTERNS;
