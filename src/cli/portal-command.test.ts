import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { httpsRequest } from '../../test/helpers/https.js';
import { cliFor, runCli } from '../../test/helpers/cli-harness.js';

describe('openmi portal (over the ARM wire)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  const codeOf = (url: string) => new URLSearchParams(new URL(url).hash.split('?')[1]).get('code')!;

  it('prints a one-time link whose code signs in once', async () => {
    const out = await cliFor(t).ok('portal');
    const [line, url, rest] = out.split('\n');
    assert.equal(line, 'Open this link within 5 minutes; it signs you in once:');
    assert.equal(rest, '');
    assert.ok(url!.startsWith(`${t.server.baseUrl}/portal/#/sign-in?tenant=${t.creds.tenantId}&code=`), url);
    const form = (code: string) =>
      new URLSearchParams({
        grant_type: 'urn:openmi:params:oauth:grant-type:login-link',
        client_id: 'openmi-portal',
        code,
        scope: `${t.server.baseUrl}/.default`,
      }).toString();
    const exchange = () =>
      httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        ca: t.ca,
        body: form(codeOf(url!)),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    assert.equal((await exchange()).status, 200);
    assert.equal((await exchange()).json.error, 'invalid_grant');
  });

  it('-o json prints the response', async () => {
    const r = await cliFor(t).json<{ url: string; expiresOn: string; principalId: string }>('portal');
    assert.deepEqual(Object.keys(r).sort(), ['expiresOn', 'principalId', 'url']);
    assert.match(r.expiresOn, /^\d{4}-\d\d-\d\dT/);
    assert.match(codeOf(r.url), /^[A-Za-z0-9_-]{43}$/);
  });

  it('explains an unreachable data directory', async () => {
    const r = await runCli(['portal', '--data-dir', '/nonexistent-openmi']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /admin credentials/);
  });
});
