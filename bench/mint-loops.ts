/**
 * The minting loops: each runs one operation back to back for a fixed time.
 *
 * - `sign`:   bare `crypto.sign('sha256', fixedPayload, rsaKey)`, the RSA ceiling (RS256 = PKCS#1 v1.5).
 * - `signer`: `JwtSigner.sign(claims)` from the key ring: claims JSON + base64url + header + signature.
 * - `issue`:  `TokenIssuer.issueAsync(...)` without a signing pool: the server's mint with
 *             `signingWorkers` 0 (claims built, uti drawn, signed on the event loop), one at a time.
 * - `pool`:   `TokenIssuer.issueAsync(...)` with a SigningPool of N workers, POOL_IN_FLIGHT mints
 *             outstanding: the server's mint with `signingWorkers` N (G6, docs/performance.md).
 */
import { createPrivateKey, sign } from 'node:crypto';
import { SigningPool } from '../src/server/tokens/jwt/signing-pool.js';
import { BENCH_RESOURCE, mintRequest, openIssuer, type FixtureSpec } from './fixture.js';

export const MINT_CASES = ['sign', 'signer', 'issue', 'pool'] as const;
export type MintCase = (typeof MINT_CASES)[number];
/** Enough outstanding mints to keep every worker busy while the event loop builds the next ones. */
export const POOL_IN_FLIGHT = 16;

export interface LoopResult {
  ops: number;
  elapsedMs: number;
  /** Total bytes produced, so no operation can be optimized away. */
  sink: number;
}

type Op = () => number | Promise<number>;

export interface PreparedOp {
  op: Op;
  /** Mints kept outstanding at once (1: strictly one after the other). */
  inFlight: number;
  close(): Promise<void>;
}

/** About the size of a v1 managed-identity token's signing input before base64url (docs/managed-identity-tokens.md#the-token). */
const BASELINE_PAYLOAD = Buffer.alloc(600, 'eyJhbGciOiJSUzI1NiJ9.');

/** `workers` matters only for `pool`: the SigningPool's size. */
export async function prepareOp(spec: FixtureSpec, which: MintCase, workers: number): Promise<PreparedOp> {
  const done = async () => undefined;
  if (which === 'sign') {
    const key = createPrivateKey(spec.baselineKeyPem);
    return { op: () => sign('sha256', BASELINE_PAYLOAD, key).length, inFlight: 1, close: done };
  }
  const pool = which === 'pool' ? new SigningPool({ workers }) : undefined;
  const { issuer, ring } = await openIssuer(spec, pool);
  const request = mintRequest(BENCH_RESOURCE);
  if (which === 'issue' || which === 'pool') {
    const op = async () => (await issuer.issueAsync(request)).accessToken.length;
    return { op, inFlight: pool === undefined ? 1 : POOL_IN_FLIGHT, close: async () => pool?.close() };
  }
  // The claims TokenIssuer would build, fixed: what JwtSigner alone costs on top of crypto.sign.
  const now = Math.floor(Date.now() / 1000);
  const claims = JSON.parse(
    Buffer.from((await issuer.issueAsync(request)).accessToken.split('.')[1]!, 'base64url').toString(),
  ) as Record<string, unknown>;
  claims['iat'] = claims['nbf'] = now;
  return { op: () => ring.signer().sign(claims).length, inFlight: 1, close: done };
}

/** Runs `inFlight` chains of the operation until `ms` have passed; a sync op never yields. */
export async function runLoop(p: PreparedOp, ms: number): Promise<LoopResult> {
  const start = performance.now();
  const end = start + ms;
  const total = { ops: 0, sink: 0 };
  const chain = async () => {
    do {
      const v = p.op();
      total.sink += typeof v === 'number' ? v : await v;
      total.ops++;
    } while (performance.now() < end);
  };
  await Promise.all(Array.from({ length: p.inFlight }, chain));
  return { ops: total.ops, elapsedMs: performance.now() - start, sink: total.sink };
}
