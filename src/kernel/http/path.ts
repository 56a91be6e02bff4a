/**
 * Splits a raw request target into a normalized path and its query.
 *
 * Repeated slashes are collapsed BEFORE anything parses the URL: SDKs send `//subscriptions/…`
 * for scope-style operations, and `new URL('//subscriptions/x', base)` would treat
 * `subscriptions` as a host (docs/wire/arm.md). A trailing slash is dropped.
 */
export function splitTarget(rawUrl: string): { path: string; query: URLSearchParams; rawQuery: string } {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
  let path = rawPath.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (!path.startsWith('/')) path = `/${path}`;
  return { path, query: new URLSearchParams(rawQuery), rawQuery };
}

/** Path segments, percent-decoded after splitting (a name can never contain `/`). */
export function pathSegments(path: string): string[] {
  if (path === '/') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
