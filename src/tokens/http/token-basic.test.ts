import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpsRequest } from '../../testing/https.js';
import { startTestServer, type TestServer } from '../../testing/server.js';

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded inside Basic; a bad escape is the client's error (issue 13, finding 7). */
describe('token endpoint: malformed Basic credentials', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  for (const [what, pair] of [['a bad escape in the client id', '%zz:secret'], ['a bad escape in the secret', 'client:%E0%A4%A'], ['a lone %', '%:%']] as const) {
    it(`${what} is 401 invalid_client`, async () => {
      const r = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
        method: 'POST', ca: t.ca, body: 'grant_type=client_credentials&scope=https%3A%2F%2Fmanagement.azure.com%2F.default',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(pair).toString('base64')}` },
      });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error, 'invalid_client');
      assert.match(r.json.error_description, /Basic authorization header is malformed/);
    });
  }
});
