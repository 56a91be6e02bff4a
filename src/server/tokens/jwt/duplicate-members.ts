import { stringEnd } from '../../../kernel/json.js';
/**
 * The first member name that occurs twice in one object of `json`, or undefined. `json` must
 * already have parsed with JSON.parse: this only walks it, it does not validate it.
 *
 * Why: RFC 7515 §4 and RFC 7519 §4 let a JOSE parser either reject duplicate names or keep the
 * last one. JSON.parse keeps the last, but a proxy or SDK in front of openmi may keep the first,
 * so `{"aud":"api://a","aud":"api://b"}` or `{"alg":"none","alg":"RS256"}` would mean different
 * things to two readers of the same signed bytes. Refusing them removes the ambiguity.
 * Names are compared decoded, so "oid" and "\u006fid" are the same name.
 */
export function duplicateMember(json: string): string | undefined {
  // One entry per open container: the names seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  const escapes = json.includes('\\');
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22) {
      const end = stringEnd(json, i);
      const names = open[open.length - 1];
      if (names && expectName) {
        // Only a name with an escape needs decoding to compare: "a" and "\\u0061" are one name.
        const name = escapes ? (JSON.parse(json.slice(i, end + 1)) as string) : json.slice(i + 1, end);
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (ch === 0x7b) {
      open.push(new Set());
      expectName = true;
    } else if (ch === 0x5b) {
      open.push(null);
      expectName = false;
    } else if (ch === 0x7d || ch === 0x5d) {
      open.pop();
    } else if (ch === 0x2c) {
      expectName = open[open.length - 1] != null;
    }
  }
  return undefined;
}
