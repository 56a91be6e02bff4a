import type { IncomingHttpHeaders } from 'node:http';
import { signedByAny } from './signing.js';

const header = (h: IncomingHttpHeaders, name: string): string => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
};

/** `x-ms-*` headers, lower-cased and sorted, `name:value\n` each (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). */
function canonicalHeaders(h: IncomingHttpHeaders): string {
  return Object.keys(h)
    .filter((k) => k.startsWith('x-ms-'))
    .sort()
    .map((k) => `${k}:${header(h, k).trimStart()}\n`)
    .join('');
}

/** `/{account}{raw path}` then each query parameter `\nname:decoded value`, sorted by lower-cased name. */
function canonicalResource(account: string, rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  const byName = new Map<string, string[]>();
  for (const [k, v] of params) byName.set(k.toLowerCase(), [...(byName.get(k.toLowerCase()) ?? []), v]);
  const lines = [...byName.keys()].sort().map((k) => `\n${k}:${byName.get(k)!.sort().join(',')}`);
  return `/${account}${path || '/'}${lines.join('')}`;
}

/**
 * The SharedKey string-to-sign. `swapEncodingLanguage` builds the Node SDK's order
 * (Content-Language before Content-Encoding), the reverse of the documented one.
 */
export function sharedKeyStringToSign(
  method: string,
  h: IncomingHttpHeaders,
  rawUrl: string,
  account: string,
  swapEncodingLanguage = false,
): string {
  const length = header(h, 'content-length');
  const enc = header(h, 'content-encoding');
  const lang = header(h, 'content-language');
  const fields = [
    method.toUpperCase(),
    ...(swapEncodingLanguage ? [lang, enc] : [enc, lang]),
    length === '0' ? '' : length,
    header(h, 'content-md5'),
    header(h, 'content-type'),
    header(h, 'date'),
    header(h, 'if-modified-since'),
    header(h, 'if-match'),
    header(h, 'if-none-match'),
    header(h, 'if-unmodified-since'),
    header(h, 'range'),
  ];
  return `${fields.join('\n')}\n${canonicalHeaders(h)}${canonicalResource(account, rawUrl)}`;
}

/** Verifies `Authorization: SharedKey {account}:{sig}` against either account key, in constant time. */
export function verifySharedKey(
  authorization: string,
  method: string,
  h: IncomingHttpHeaders,
  rawUrl: string,
  account: string,
  keys: readonly string[],
): boolean {
  const m = /^SharedKey ([^:]+):(.+)$/.exec(authorization);
  if (!m || m[1]!.toLowerCase() !== account.toLowerCase()) return false;
  const sig = m[2]!;
  const documented = signedByAny(keys, sharedKeyStringToSign(method, h, rawUrl, m[1]!), sig);
  const swapped = signedByAny(keys, sharedKeyStringToSign(method, h, rawUrl, m[1]!, true), sig);
  return documented || swapped;
}

/**
 * Verifies `Authorization: SharedKeyLite {account}:{sig}` in the Table service format, which
 * `@azure/data-tables` signs with: `{x-ms-date or Date}\n/{account}{raw path}[?comp=…]`
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key#shared-key-lite-and-table-service-format-for-2009-09-19-and-later).
 */
export function verifyTableSharedKeyLite(
  authorization: string,
  h: IncomingHttpHeaders,
  rawUrl: string,
  account: string,
  keys: readonly string[],
): boolean {
  const m = /^SharedKeyLite ([^:]+):(.+)$/.exec(authorization);
  if (!m || m[1]!.toLowerCase() !== account.toLowerCase()) return false;
  const q = rawUrl.indexOf('?');
  const comp = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)).get('comp');
  const resource = `/${m[1]}${(q < 0 ? rawUrl : rawUrl.slice(0, q)) || '/'}${comp ? `?comp=${comp}` : ''}`;
  return signedByAny(keys, `${header(h, 'x-ms-date') || header(h, 'date')}\n${resource}`, m[2]!);
}
