/**
 * G7 (docs/performance.md): resource-side token validation. Each case verifies tokens from one pool
 * of real tokens minted by the product's TokenIssuer, round-robin, back to back:
 *
 * - `raw`:     hand-rolled: split, base64url-decode header and payload, JSON.parse,
 *              `crypto.verify('sha256', input, publicKey, sig)`, exp/nbf/iss/aud/tid checks. The ceiling.
 * - `product`: `DataPlaneAuthenticator.authenticate('Bearer …')` as the data planes call it:
 *              TokenVerifier over the key ring, then the revocation lookup in a real SQLite store.
 * - `jose`:    jose's `jwtVerify` with the same key and checks (reference only, not a goal).
 */
import { verify, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import { RevocationCache } from '../src/server/surfaces/data-plane-auth/revocation-cache.js';
import { systemClock } from '../src/kernel/clock.js';
import { DataPlaneAuthenticator } from '../src/server/surfaces/data-plane-auth/data-plane-auth.js';
import type { Authorizer } from '../src/server/rbac/authorizer.js';
import { openStore } from '../src/store/open-store.js';
import { Authority } from '../src/server/tokens/issuers.js';
import { TokenVerifier } from '../src/server/tokens/verify.js';
import {
  BENCH_AUTHORITY,
  BENCH_PRINCIPAL,
  BENCH_RESOURCE,
  mintRequest,
  openIssuer,
  type FixtureSpec,
} from './fixture.js';

export const VERIFY_CASES = ['raw', 'product', 'jose'] as const;
export type VerifyCase = (typeof VERIFY_CASES)[number];
export const TOKEN_POOL_SIZE = 100;

export type VerifyOp = (token: string) => number | Promise<number>;

export interface VerifyBench {
  tokens: string[];
  ops: Record<VerifyCase, VerifyOp>;
  close(): Promise<void>;
}

const SKEW = 30;

function rawVerifier(
  key: KeyObject,
  issuers: readonly string[],
  audiences: readonly string[],
  tenantId: string,
): VerifyOp {
  return (token) => {
    const d1 = token.indexOf('.');
    const d2 = token.indexOf('.', d1 + 1);
    if (d1 < 0 || d2 < 0) throw new Error('malformed');
    const header = JSON.parse(Buffer.from(token.slice(0, d1), 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header['alg'] !== 'RS256') throw new Error('alg');
    const ok = verify(
      'sha256',
      Buffer.from(token.slice(0, d2), 'latin1'),
      key,
      Buffer.from(token.slice(d2 + 1), 'base64url'),
    );
    if (!ok) throw new Error('bad signature');
    const c = JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (typeof c['exp'] !== 'number' || c['exp'] + SKEW <= now) throw new Error('exp');
    if (typeof c['nbf'] === 'number' && c['nbf'] - SKEW > now) throw new Error('nbf');
    if (typeof c['iss'] !== 'string' || !issuers.includes(c['iss'])) throw new Error('iss');
    const aud = typeof c['aud'] === 'string' ? [c['aud']] : (c['aud'] as unknown[]);
    if (!Array.isArray(aud) || !aud.some((a) => typeof a === 'string' && audiences.includes(a))) throw new Error('aud');
    if (c['tid'] !== tenantId) throw new Error('tid');
    return (c['oid'] as string).length;
  };
}

/** Never consulted: `authenticate` does not authorize. */
const noAuthorizer: Authorizer = {
  check: () => Promise.reject(new Error('the G7 bench does not authorize')),
};

export async function prepareVerify(spec: FixtureSpec): Promise<VerifyBench> {
  const { issuer, ring } = await openIssuer(spec);
  const tokens: string[] = [];
  for (let i = 0; i < TOKEN_POOL_SIZE; i++)
    tokens.push((await issuer.issueAsync(mintRequest(BENCH_RESOURCE))).accessToken);
  const kid = (JSON.parse(Buffer.from(tokens[0]!.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
  const key = ring.publicKey(kid);
  if (key === undefined) throw new Error(`the key ring has no public key ${kid}`);
  const tenantId = BENCH_PRINCIPAL.tenantId;
  const authority = new Authority(BENCH_AUTHORITY);
  const issuers = authority.issuers(tenantId);
  const bare = BENCH_RESOURCE.replace(/\/+$/, '');
  const audiences = [bare, `${bare}/`];

  // The real store the data planes query for revocations (SQLite, opened as the server does).
  const store = await openStore({ kind: 'sqlite', path: spec.storePath });
  const auth = new DataPlaneAuthenticator({
    verifier: new TokenVerifier(ring, authority, tenantId, systemClock),
    revocations: new RevocationCache(store.tokenRevocations, systemClock),
    authorizer: noAuthorizer,
    resource: BENCH_RESOURCE,
  });
  const headers = new Map(tokens.map((t) => [t, `Bearer ${t}`]));
  const product: VerifyOp = async (token) => (await auth.authenticate(headers.get(token)!)).principalId.length;

  const jose: VerifyOp = async (token) => {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['RS256'],
      issuer: issuers,
      audience: audiences,
      clockTolerance: SKEW,
    });
    if (payload['tid'] !== tenantId) throw new Error('tid');
    return (payload['oid'] as string).length;
  };

  const ops = { raw: rawVerifier(key, issuers, audiences, tenantId), product, jose };
  // Every case must accept every token before anything is timed.
  for (const c of VERIFY_CASES) for (const t of tokens) await ops[c](t);
  return { tokens, ops, close: () => store.close() };
}

export interface VerifyLoopResult {
  ops: number;
  elapsedMs: number;
  sink: number;
}

/** Verifies the pool's tokens round-robin, one at a time, until `ms` have passed (a sync op never yields). */
export async function runVerifyLoop(op: VerifyOp, tokens: readonly string[], ms: number): Promise<VerifyLoopResult> {
  const start = performance.now();
  const end = start + ms;
  let ops = 0;
  let sink = 0;
  let i = 0;
  do {
    const v = op(tokens[i]!);
    sink += typeof v === 'number' ? v : await v;
    ops++;
    if (++i === tokens.length) i = 0;
  } while (performance.now() < end);
  return { ops, elapsedMs: performance.now() - start, sink };
}
