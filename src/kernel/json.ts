/**
 * JSON from a request (a body, a token segment), with its nesting bounded.
 *
 * V8 parses any depth, but JSON.stringify and every recursive walk of the result overflow the
 * stack at a few thousand levels, and that RangeError surfaces far from the input (storing a
 * resource's tags, quoting a token's `alg` in an error). No document openmi accepts is deeper
 * than a handful of levels, so anything deeper than MAX_JSON_DEPTH is refused where it enters,
 * as the invalid input it is (docs/security.md, finding 1).
 */
export const MAX_JSON_DEPTH = 64;

/** Thrown like JSON.parse's own error, so callers that answer "invalid JSON" cover it unchanged. */
export class JsonDepthError extends SyntaxError {
  constructor(readonly limit: number) {
    super(`JSON nesting is deeper than ${limit} levels`);
  }
}

/** The deepest `[`/`{` nesting outside strings, stopping as soon as it passes `limit`. */
function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Strings are skipped by a native search: a token's claims are mostly long strings (G7).
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The index of the quote closing the string opened at `start` (text.length if none): the next
 * quote not escaped, i.e. not preceded by an odd run of backslashes.
 */
export function stringEnd(text: string, start: number): number {
  let j = start;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j < 0) return text.length;
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k--;
    if ((j - 1 - k) % 2 === 0) return j;
  }
}

/** JSON.parse, refusing nesting deeper than `maxDepth` with a SyntaxError. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (exceedsDepth(text, maxDepth)) throw new JsonDepthError(maxDepth);
  return JSON.parse(text);
}
