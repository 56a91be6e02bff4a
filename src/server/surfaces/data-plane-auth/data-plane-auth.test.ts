import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ManualClock } from '../../../kernel/clock.js';
import { Authority } from '../../tokens/issuers.js';
import type { KeyRing } from '../../tokens/key-ring.js';
import { TokenVerifier } from '../../tokens/verify.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { TokenRevocationRecord } from '../../../store/records.js';
import { DataPlaneAuthenticator, DataPlaneAuthError } from './data-plane-auth.js';

const BASE = 'https://127.0.0.1:8443';
const TENANT = '11111111-1111-1111-1111-111111111111';
const RESOURCE = 'https://vault.openmi.localhost';
const OID = '22222222-2222-2222-2222-222222222222';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function rs256(header: object, claims: object, key: KeyObject = privateKey): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function fixture(opts: { revokedAt?: number; allowed?: boolean } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const now = Math.floor(clock.now() / 1000);
  const keys = {
    publicKey: (kid: string) => (kid === 'k1' ? publicKey : undefined),
    reload: async () => undefined,
  } as unknown as KeyRing;
  const verifier = new TokenVerifier(keys, new Authority(BASE), TENANT, clock);
  const revocations = new Map<string, TokenRevocationRecord>();
  if (opts.revokedAt !== undefined)
    revocations.set(OID, { principalId: OID, revokedAt: opts.revokedAt, revokedBy: 'x' });
  const checks: string[] = [];
  const authorizer: Authorizer = {
    check: async (p, a, s, k) => {
      checks.push(`${p} ${a} ${s} ${k}`);
      return { allowed: opts.allowed ?? true, reason: 'No role assignment of the principal grants it.' };
    },
  };
  const auth = new DataPlaneAuthenticator({
    verifier,
    revocations: { get: async (id) => revocations.get(id) },
    authorizer,
    resource: RESOURCE,
  });
  const claims = {
    iss: `${BASE}/${TENANT}/`,
    aud: RESOURCE,
    tid: TENANT,
    oid: OID,
    appid: 'app-1',
    xms_mirid: '/subscriptions/s/rg/vm1',
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
  };
  return { auth, claims, now, checks };
}

async function refused(auth: DataPlaneAuthenticator, header: string | undefined, code: string | RegExp): Promise<void> {
  await assert.rejects(auth.authenticate(header), (e: unknown) => {
    assert.ok(e instanceof DataPlaneAuthError, String(e));
    assert.equal(e.status, 401);
    assert.match(e.message, typeof code === 'string' ? new RegExp(code) : code);
    return true;
  });
}

describe('DataPlaneAuthenticator: authentication', () => {
  it('accepts a valid token and returns the caller from its claims (aud with or without trailing slash)', async () => {
    const f = fixture();
    const c = await f.auth.authenticate(`Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, f.claims)}`);
    assert.deepEqual(c, {
      principalId: OID,
      tenantId: TENANT,
      clientId: 'app-1',
      identityResourceId: '/subscriptions/s/rg/vm1',
      issuedAt: f.now - 10,
    });
    const slash = await f.auth.authenticate(
      `Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, { ...f.claims, aud: `${RESOURCE}/` })}`,
    );
    assert.equal(slash.principalId, OID);
  });

  it('refuses a missing or non-bearer header', async () => {
    const f = fixture();
    await refused(f.auth, undefined, 'no bearer');
    await refused(f.auth, 'Basic abc', 'no bearer');
  });

  it('refuses forged tokens: alg none, HS256 with the public key, unknown kid, another key, tampered payload', async () => {
    const f = fixture();
    await refused(f.auth, `Bearer ${b64({ alg: 'none', kid: 'k1' })}.${b64(f.claims)}.`, /algorithm 'none'/);
    const hsInput = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64(f.claims)}`;
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    await refused(
      f.auth,
      `Bearer ${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`,
      /algorithm 'HS256'/,
    );
    await refused(f.auth, `Bearer ${rs256({ alg: 'RS256', kid: 'k9' }, f.claims)}`, /no signing key/);
    await refused(f.auth, `Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, f.claims, other.privateKey)}`, /signature/);
    const [h, , s] = rs256({ alg: 'RS256', kid: 'k1' }, f.claims).split('.');
    await refused(f.auth, `Bearer ${h}.${b64({ ...f.claims, oid: 'someone-else' })}.${s}`, /signature/);
  });

  it('refuses expired, not yet valid, another audience, another tenant and another issuer', async () => {
    const f = fixture();
    const tok = (c: object) => `Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, { ...f.claims, ...c })}`;
    await refused(f.auth, tok({ exp: f.now - 120 }), /expired/);
    await refused(f.auth, tok({ nbf: f.now + 120 }), /not valid before/);
    await refused(f.auth, tok({ aud: 'https://vault.azure.net' }), /audience/);
    await refused(f.auth, tok({ tid: '33333333-3333-3333-3333-333333333333' }), /tenant/);
    await refused(f.auth, tok({ iss: `https://evil.example/${TENANT}/` }), /issuer/);
    await refused(f.auth, tok({ iat: undefined }), /iat/);
  });

  it('refuses tokens of a revoked identity issued at or before the revocation, accepts later ones', async () => {
    const base = fixture();
    const revokedAt = (base.now - 10) * 1000;
    const f = fixture({ revokedAt });
    await refused(f.auth, `Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, f.claims)}`, /revoked/);
    const later = await f.auth.authenticate(
      `Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, { ...f.claims, iat: f.now - 9 })}`,
    );
    assert.equal(later.principalId, OID);
  });
});

describe('DataPlaneAuthenticator: authorization', () => {
  it('asks RBAC for the data action at the scope, as a dataAction', async () => {
    const f = fixture();
    const c = await f.auth.authenticate(`Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, f.claims)}`);
    await f.auth.authorize(c, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', '/v/s1');
    assert.deepEqual(f.checks, [`${OID} Microsoft.KeyVault/vaults/secrets/getSecret/action /v/s1 dataAction`]);
  });

  it('answers 403 naming the action and carrying the RBAC explanation when denied', async () => {
    const f = fixture({ allowed: false });
    const c = await f.auth.authenticate(`Bearer ${rs256({ alg: 'RS256', kid: 'k1' }, f.claims)}`);
    await assert.rejects(
      f.auth.authorize(c, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', '/v/s1'),
      (e: unknown) => {
        assert.ok(e instanceof DataPlaneAuthError);
        assert.equal(e.status, 403);
        assert.match(e.message, /getSecret\/action/);
        assert.match(e.message, /No role assignment/);
        return true;
      },
    );
  });
});
