/**
 * The minting loops: each runs one operation synchronously, back to back, for a fixed time.
 *
 * - `sign`:   bare `crypto.sign('sha256', fixedPayload, rsaKey)`, the RSA ceiling (RS256 = PKCS#1 v1.5).
 * - `signer`: `JwtSigner.sign(claims)` from the key ring: claims JSON + base64url + header + signature.
 * - `issue`:  `TokenIssuer.issue(...)`: the full managed-identity mint (claims built, uti drawn, signed).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { BENCH_RESOURCE, mintRequest, openIssuer, type FixtureSpec } from './fixture.js';

export const MINT_CASES = ['sign', 'signer', 'issue'] as const;
export type MintCase = (typeof MINT_CASES)[number];

export interface LoopResult {
  ops: number;
  elapsedMs: number;
  /** Total bytes produced, so no operation can be optimized away. */
  sink: number;
}

/** About the size of a v1 managed-identity token's signing input before base64url (spec 06 b). */
const BASELINE_PAYLOAD = Buffer.alloc(600, 'eyJhbGciOiJSUzI1NiJ9.');

export async function prepareOp(spec: FixtureSpec, which: MintCase): Promise<() => number> {
  if (which === 'sign') {
    const key = createPrivateKey(spec.baselineKeyPem);
    return () => sign('sha256', BASELINE_PAYLOAD, key).length;
  }
  const { issuer, ring } = await openIssuer(spec);
  if (which === 'issue') {
    const request = mintRequest(BENCH_RESOURCE);
    return () => issuer.issue(request).accessToken.length;
  }
  // The claims TokenIssuer would build, fixed: what JwtSigner alone costs on top of crypto.sign.
  const now = Math.floor(Date.now() / 1000);
  const claims = JSON.parse(Buffer.from(issuer.issue(mintRequest(BENCH_RESOURCE)).accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  claims['iat'] = claims['nbf'] = now;
  return () => ring.signer().sign(claims).length;
}

export function runLoop(op: () => number, ms: number): LoopResult {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  do {
    sink += op();
    ops++;
    now = performance.now();
  } while (now < end);
  return { ops, elapsedMs: now - start, sink };
}
