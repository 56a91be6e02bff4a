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
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** JSON.parse, refusing nesting deeper than `maxDepth` with a SyntaxError. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (exceedsDepth(text, maxDepth)) throw new JsonDepthError(maxDepth);
  return JSON.parse(text);
}
