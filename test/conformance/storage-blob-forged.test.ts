import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AheadClock } from '../helpers/clock.js';
import { httpsRequest } from '../helpers/https.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignContributor, blobSetup, runBlobClient } from './clients/storage-setup.js';

// The forged-token corpus (test/conformance/forged-token-corpus.test.ts) runs against the blob plane too.
await forEachStore((storeName, storeSpec) => {
  describe(`blob plane refuses revoked bearer tokens (401 + challenge) on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    let real: string;
    const clock = new AheadClock();
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop, clock });
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
      return httpsRequest(`${t.server.baseUrl}/forged/dir/hello.txt`, {
        ca: t.ca,
        headers: { host, authorization: `Bearer ${token}`, 'x-ms-version': '2025-01-05' },
      });
    };

    it('accepts the real token (the baseline every forgery is measured against)', async () => {
      const r = await get(real);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, 'hello blob world');
    });

    it('refuses a token issued before revokeTokens; a fresh token works again', async () => {
      const rv = await t.arm('POST', `${s.vmId}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`);
      assert.equal(rv.status, 200, rv.text);
      const r = await get(real);
      assert.equal(r.status, 401, r.text);
      assert.match(r.text, /revoked/);
      clock.advance(1_000); // iat has second resolution: a token of the revocation's second stays revoked
      const again = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'forged' });
      assert.equal(again['download'], 'hello blob world', JSON.stringify(again));
      assert.notEqual(again['token'], real);
    });
  });
});
