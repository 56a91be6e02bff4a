import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '../kernel/clock.js';
import { loadOrCreateMasterKey } from '../kernel/sealing.js';
import { KeyRing } from '../tokens/key-ring.js';
import { JwtSigner } from '../tokens/jwt/signer.js';
import { httpsRequest } from './https.js';
import type { TestServer } from './server.js';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** Signs a real token's claims, changed by `c`, with the test server's own current key. */
export type Resign = (c: Record<string, unknown>) => string;

/** A resigner for a real token, with the key ring opened from the test server's store and master key. */
export async function resignerFor(t: TestServer, real: string): Promise<Resign> {
  const claims = JSON.parse(Buffer.from(real.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  const ring = await new KeyRing(t.server.store, loadOrCreateMasterKey(join(t.dataDir, 'master.key')), systemClock).open();
  return (c) => ring.signer().sign({ ...claims, ...c });
}

/**
 * Forged variants of a real token that every resource must refuse. The claim forgeries are
 * re-signed with the server's real key, so each fails on the one thing changed, not on its signature.
 */
export async function forgedTokens(t: TestServer, real: string, resign: Resign, otherAudience: string): Promise<Record<string, string>> {
  const [h, p, s] = real.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { kid: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const jwks = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/discovery/v2.0/keys`, { ca: t.ca });
  const pem = createPublicKey({ key: jwks.json.keys.find((k: { kid: string }) => k.kid === header.kid), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const hsInput = `${b64({ ...header, alg: 'HS256' })}.${p}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherTenant = '11111111-2222-4333-8444-555555555555';
  return {
    'alg none': `${b64({ ...header, alg: 'none' })}.${p}.`,
    'HS256 with the public key': `${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`,
    'unknown kid': new JwtSigner({ kid: 'forged-kid', privateKey }).sign(claims),
    'unknown key under a known kid': new JwtSigner({ kid: header.kid, privateKey }).sign(claims),
    expired: resign({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
    'not yet valid': resign({ iat: now, nbf: now + 3600, exp: now + 7200 }),
    'another audience': resign({ aud: otherAudience }),
    'another tenant (tid)': resign({ tid: otherTenant }),
    'another tenant (iss and tid)': resign({ tid: otherTenant, iss: String(claims['iss']).replace(t.creds.tenantId, otherTenant) }),
    'tampered payload': `${h}.${b64({ ...claims, oid: '00000000-0000-4000-8000-000000000001' })}.${s}`,
    'no signature': `${h}.${p}.`,
  };
}
