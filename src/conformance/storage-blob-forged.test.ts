import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHmac, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '../kernel/clock.js';
import { loadOrCreateMasterKey } from '../kernel/sealing.js';
import { KeyRing } from '../tokens/key-ring.js';
import { JwtSigner } from '../tokens/jwt/signer.js';
import { httpsRequest } from '../testing/https.js';
import { startTestServer, type TestServer } from '../testing/server.js';
import { forEachStore } from '../testing/postgres.js';
import { assignContributor, blobSetup, runBlobClient } from './clients/storage-setup.js';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const parts = (jwt: string) => {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  return { h, p, s, header: JSON.parse(Buffer.from(h, 'base64url').toString()), claims: JSON.parse(Buffer.from(p, 'base64url').toString()) };
};

/** Forged variants of a real storage token: every one must be refused with 401 and the challenge. */
async function forgeries(t: TestServer, real: string): Promise<{ control: string; forged: Record<string, string> }> {
  const { h, p, s, header, claims } = parts(real);
  const ring = await new KeyRing(t.server.store, loadOrCreateMasterKey(join(t.dataDir, 'master.key')), systemClock).open();
  const resign = (c: Record<string, unknown>) => ring.signer().sign({ ...claims, ...c });
  const now = Math.floor(Date.now() / 1000);
  const jwks = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/discovery/v2.0/keys`, { ca: t.ca });
  const pem = createPublicKey({ key: jwks.json.keys.find((k: { kid: string }) => k.kid === header.kid), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const hsInput = `${b64({ ...header, alg: 'HS256' })}.${p}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherTenant = '11111111-2222-4333-8444-555555555555';
  const forged = {
    'alg none': `${b64({ ...header, alg: 'none' })}.${p}.`,
    'HS256 with the public key': `${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`,
    'unknown kid': new JwtSigner({ kid: 'forged-kid', privateKey }).sign(claims),
    'unknown key under a known kid': new JwtSigner({ kid: header.kid, privateKey }).sign(claims),
    expired: resign({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
    'not yet valid': resign({ iat: now, nbf: now + 3600, exp: now + 7200 }),
    'another audience': resign({ aud: 'https://vault.azure.net' }),
    'another tenant (tid)': resign({ tid: otherTenant }),
    'another tenant (iss and tid)': resign({ tid: otherTenant, iss: String(claims.iss).replace(t.creds.tenantId, otherTenant) }),
    'tampered payload': `${h}.${b64({ ...claims, oid: '00000000-0000-4000-8000-000000000001' })}.${s}`,
    'no signature': `${h}.${p}.`,
  };
  // Re-signed unchanged: proves the real-key forgeries fail on the claim changed, not on the signing.
  return { control: resign({}), forged };
}

await forEachStore((storeName, storeSpec) => {
  describe(`blob plane refuses forged and revoked bearer tokens (401 + challenge) on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    let real: string;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await blobSetup(t, 'rg-stforge');
      await assignContributor(t, s.accountId, s.principalId);
      const out = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'forged' });
      assert.equal(out['download'], 'hello blob world', JSON.stringify(out));
      real = out['token'];
    });
    after(() => t.stop());

    /** GET the blob the client uploaded, addressed to the account's host name. */
    const get = (token: string) => {
      const host = new URL(s.url).host;
      return httpsRequest(`${t.server.baseUrl}/forged/dir/hello.txt`, { ca: t.ca, headers: { host, authorization: `Bearer ${token}`, 'x-ms-version': '2025-01-05' } });
    };

    it('accepts the real token (the baseline every forgery is measured against)', async () => {
      const r = await get(real);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, 'hello blob world');
    });

    it('refuses every forgery with 401 InvalidAuthenticationInfo and the storage challenge', async () => {
      const { control, forged } = await forgeries(t, real);
      assert.equal((await get(control)).status, 200, 'the same claims re-signed with the real key are accepted');
      for (const [name, token] of Object.entries(forged)) {
        const r = await get(token);
        assert.equal(r.status, 401, `${name}: ${r.status} ${r.text}`);
        assert.equal(r.headers['x-ms-error-code'], 'InvalidAuthenticationInfo', name);
        assert.match(String(r.headers['www-authenticate']), /^Bearer authorization_uri=\S+ resource_id=https:\/\/storage\.azure\.com$/, name);
      }
    });

    it('refuses a token issued before revokeTokens; a fresh token works again', async () => {
      const rv = await t.arm('POST', `${s.vmId}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`);
      assert.equal(rv.status, 200, rv.text);
      const r = await get(real);
      assert.equal(r.status, 401, r.text);
      assert.match(r.text, /revoked/);
      await new Promise((res) => setTimeout(res, 1100)); // iat has second resolution
      const again = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'forged' });
      assert.equal(again['download'], 'hello blob world', JSON.stringify(again));
      assert.notEqual(again['token'], real);
    });
  });
});
