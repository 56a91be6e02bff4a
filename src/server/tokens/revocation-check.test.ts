import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenRevocationRecord } from '../../store/records.js';
import { JwtVerifyError, type VerifiedJwt } from './jwt/verify.js';
import { refuseRevoked, RevocationCheckingVerifier } from './revocation-check.js';

const OID = '22222222-2222-2222-2222-222222222222';
const REVOKED_AT = Date.UTC(2026, 0, 1, 12, 0, 0, 500);
const lookup = {
  get: async (id: string): Promise<TokenRevocationRecord | undefined> =>
    id === OID ? { principalId: OID, revokedAt: REVOKED_AT, revokedBy: 'admin' } : undefined,
};
const iatOf = (ms: number) => Math.floor(ms / 1000);

async function refusedWith(claims: Record<string, unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(
    refuseRevoked(lookup, claims),
    (e: unknown) => e instanceof JwtVerifyError && e.code === code && message.test(e.message),
  );
}

describe('refuseRevoked: the one revocation rule of every verifier', () => {
  it('refuses tokens issued at or before the revocation, including the same second; later ones pass', async () => {
    await refusedWith(
      { oid: OID, iat: iatOf(REVOKED_AT) - 60 },
      'revoked',
      /issued at or before 2026-01-01T12:00:00.500Z have been revoked/,
    );
    await refusedWith({ oid: OID, iat: iatOf(REVOKED_AT) }, 'revoked', /revoked/);
    await refuseRevoked(lookup, { oid: OID, iat: iatOf(REVOKED_AT) + 1 });
    await refuseRevoked(lookup, { oid: '33333333-3333-3333-3333-333333333333', iat: 0 });
  });

  it('refuses a token without oid or with a non-numeric iat: no revocation could apply to it', async () => {
    await refusedWith({ iat: iatOf(REVOKED_AT) + 1 }, 'malformed', /lacks 'oid'/);
    await refusedWith({ oid: 42, iat: iatOf(REVOKED_AT) + 1 }, 'malformed', /lacks 'oid'/);
    await refusedWith({ oid: OID }, 'malformed', /numeric 'iat'/);
    await refusedWith({ oid: OID, iat: String(iatOf(REVOKED_AT) + 10) }, 'malformed', /numeric 'iat'/);
  });

  it('RevocationCheckingVerifier applies it after the inner verifier, whose errors pass through', async () => {
    const inner = {
      verify: async (token: string): Promise<VerifiedJwt> => {
        if (token === 'bad') throw new JwtVerifyError('bad_signature', 'no');
        return {
          header: { alg: 'RS256', kid: 'k' },
          claims: { oid: OID, iat: token === 'old' ? 0 : iatOf(REVOKED_AT) + 5, exp: 0, iss: 'i', aud: 'a' },
        };
      },
    };
    const v = new RevocationCheckingVerifier(inner, lookup);
    await assert.rejects(
      v.verify('bad', []),
      (e: unknown) => e instanceof JwtVerifyError && e.code === 'bad_signature',
    );
    await assert.rejects(v.verify('old', []), (e: unknown) => e instanceof JwtVerifyError && e.code === 'revoked');
    assert.equal((await v.verify('new', [])).claims['oid'], OID);
  });
});
