import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { show } from '../jwt/errors.js';

/** JWK members that only a private (or symmetric) key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Real issuers publish a handful of keys; the bound keeps a hostile JWKS from costing much CPU. */
export const MAX_JWKS_KEYS = 100;
const MIN_RSA_BITS = 2048;

export interface ParsedJwks {
  /** Usable verification keys by kid (first wins on a duplicate kid). */
  keys: Map<string, KeyObject>;
  /** Why each unusable entry was skipped, e.g. "key 2 ('abc') contains private key members (d)". */
  problems: string[];
}

function shapeProblem(k: Record<string, unknown>): string | undefined {
  const priv = PRIVATE_MEMBERS.filter((m) => m in k);
  if (priv.length) return `contains private key members (${priv.join(', ')}); publish only the public key`;
  if (typeof k.kid !== 'string' || k.kid === '' || k.kid.length > 256) return "has no 'kid' (1-256 characters)";
  if (k.use !== undefined && k.use !== 'sig') return `has use ${show(k.use)}; expected 'sig'`;
  if (k.kty === 'RSA') {
    if (typeof k.n !== 'string' || typeof k.e !== 'string') return "is an RSA key without 'n' and 'e'";
    if (k.alg !== undefined && k.alg !== 'RS256') return `has alg ${show(k.alg)}; RSA keys must be RS256`;
    return undefined;
  }
  if (k.kty === 'EC') {
    if (k.crv !== 'P-256' || typeof k.x !== 'string' || typeof k.y !== 'string')
      return "is an EC key that is not P-256 with 'x' and 'y'";
    if (k.alg !== undefined && k.alg !== 'ES256') return `has alg ${show(k.alg)}; EC keys must be ES256`;
    return undefined;
  }
  return `has kty ${show(k.kty)}; only RSA (RS256) and EC P-256 (ES256) public keys are accepted`;
}

/** One JWK as a public KeyObject, or why it cannot be used. */
function importJwk(entry: unknown): KeyObject | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'is not a JSON object';
  const k = entry as Record<string, unknown>;
  const problem = shapeProblem(k);
  if (problem) return problem;
  // Only the public members go to createPublicKey, so nothing else in the JWK can change its meaning.
  const jwk = (
    k.kty === 'RSA' ? { kty: 'RSA', n: k.n, e: k.e } : { kty: 'EC', crv: 'P-256', x: k.x, y: k.y }
  ) as JsonWebKey;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return 'is not a valid public key';
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === 'rsa' && (bits ?? 0) < MIN_RSA_BITS)
    return `is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required`;
  return key;
}

/** Parses a JWKS document `{keys: [...]}`, keeping the usable signature keys and saying why others were skipped. */
export function parseJwks(doc: unknown): ParsedJwks {
  const out: ParsedJwks = { keys: new Map(), problems: [] };
  const list = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).keys : undefined;
  if (!Array.isArray(list)) {
    out.problems.push(
      'the document has no \'keys\' array; expected a JWKS such as {"keys":[{"kty":"RSA","kid":"…","n":"…","e":"AQAB"}]}',
    );
    return out;
  }
  if (list.length > MAX_JWKS_KEYS) {
    out.problems.push(`the document has ${list.length} keys; at most ${MAX_JWKS_KEYS} are accepted`);
    return out;
  }
  list.forEach((entry, i) => {
    const kid = (entry as { kid?: unknown } | null)?.kid;
    const label = `key ${i}${typeof kid === 'string' ? ` (${show(kid)})` : ''}`;
    const key = importJwk(entry);
    if (typeof key === 'string') out.problems.push(`${label} ${key}`);
    else if (out.keys.has(kid as string)) out.problems.push(`${label} repeats a kid used by an earlier key`);
    else out.keys.set(kid as string, key);
  });
  return out;
}
