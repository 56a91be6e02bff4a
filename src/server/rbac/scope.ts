/**
 * Scope inheritance: an assignment at a scope applies to that scope and everything below it.
 * Comparison is case-insensitive (ARM ids are) and segment-wise, so `/subscriptions/a` covers
 * `/subscriptions/a/resourceGroups/x` but not `/subscriptions/ab`.
 */

/** The lower-cased segments of a scope; empty for the root `/`. Repeated or trailing slashes carry no segment. */
export function scopeSegments(scope: string): string[] {
  return scope
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '');
}

/** True when an assignment at `assignmentScope` applies to `targetScope`. */
export function scopeCovers(assignmentScope: string, targetScope: string): boolean {
  const outer = scopeSegments(assignmentScope);
  if (outer.length === 0) return true;
  const inner = scopeSegments(targetScope);
  if (outer.length > inner.length) return false;
  for (let i = 0; i < outer.length; i++) if (outer[i] !== inner[i]) return false;
  return true;
}

/** The scope written the canonical way for messages: `/` for the root, otherwise as given without trailing slashes. */
export function displayScope(scope: string): string {
  const trimmed = scope.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
