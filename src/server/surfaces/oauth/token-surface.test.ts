import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { httpsRequest } from '../../../../test/helpers/https.js';

describe('token service', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    httpsRequest(`${t.server.baseUrl}${path}`, {
      method: 'POST',
      ca: t.ca,
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  const v2 = () => `/${t.creds.tenantId}/oauth2/v2.0/token`;
  const good = () => ({
    grant_type: 'client_credentials',
    client_id: t.creds.clientId,
    client_secret: t.creds.clientSecret,
    scope: 'https://management.azure.com/.default',
  });

  it('issues a token that jose verifies against the JWKS found through discovery', async () => {
    const disco = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/v2.0/.well-known/openid-configuration`, {
      ca: t.ca,
    });
    assert.equal(disco.status, 200);
    assert.equal(disco.json.token_endpoint, `${t.server.baseUrl}${v2()}`);
    const jwks = await httpsRequest(disco.json.jwks_uri, { ca: t.ca });
    assert.ok(jwks.json.keys.length >= 2, 'current and next keys are published');
    const r = await post(v2(), good());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(typeof r.json.expires_in, 'number');
    const v1disco = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/.well-known/openid-configuration`, {
      ca: t.ca,
    });
    const { payload, protectedHeader } = await jwtVerify(r.json.access_token, createLocalJWKSet(jwks.json), {
      issuer: v1disco.json.issuer,
      audience: 'https://management.azure.com',
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.kid, protectedHeader.x5t);
    assert.equal(payload.tid, t.creds.tenantId);
    assert.equal(payload.appid, t.creds.clientId);
    assert.equal(payload.idtyp, 'app');
    assert.equal(payload.sub, payload.oid);
  });

  it('v1 endpoint echoes resource and returns Entra v1 fields; Basic auth works', async () => {
    const basic = Buffer.from(`${t.creds.clientId}:${encodeURIComponent(t.creds.clientSecret)}`).toString('base64');
    const r = await post(
      `/${t.creds.tenantId}/oauth2/token`,
      { grant_type: 'client_credentials', resource: 'https://vault.azure.net' },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.resource, 'https://vault.azure.net');
    assert.match(r.json.expires_on, /^\d+$/);
  });

  it('answers in JSON whatever the echoed resource holds, with the token last as Entra orders it', async () => {
    // The answer is built with the token appended to the other members' JSON (token-surface.ts).
    const resource = 'api://x"y\\z\u0001é/</script>';
    const r = await post(`/${t.creds.tenantId}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: t.creds.clientId,
      client_secret: t.creds.clientSecret,
      resource,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.resource, resource);
    assert.deepEqual(Object.keys(r.json), [
      'token_type',
      'expires_in',
      'ext_expires_in',
      'expires_on',
      'not_before',
      'resource',
      'access_token',
    ]);
    assert.ok(r.text.endsWith(`,"access_token":"${r.json.access_token}"}`));
    const v2body = await post(v2(), good());
    assert.deepEqual(Object.keys(v2body.json), ['token_type', 'expires_in', 'ext_expires_in', 'access_token']);
  });

  it('serves the ADFS-style authority /adfs for MSAL clients that cannot turn instance discovery off (az 2.45)', async () => {
    const disco = await httpsRequest(`${t.server.baseUrl}/adfs/.well-known/openid-configuration`, { ca: t.ca });
    assert.equal(disco.status, 200, disco.text);
    assert.equal(disco.json.token_endpoint, `${t.server.baseUrl}/adfs/oauth2/token`);
    assert.equal(disco.json.issuer, `${t.server.baseUrl}/${t.creds.tenantId}/`);
    // az login --tenant NAME reads the tenant id from the v1 issuer of {authority}/{NAME}/.well-known/openid-configuration.
    const named = await httpsRequest(`${t.server.baseUrl}/adfs/adfs/.well-known/openid-configuration`, { ca: t.ca });
    assert.equal(named.json.issuer.split('/')[3], t.creds.tenantId);
    const jwks = createLocalJWKSet((await httpsRequest(disco.json.jwks_uri, { ca: t.ca })).json);
    // MSAL sends a v2 scope; older ADFS clients a v1 resource. Either way the tenant's own token.
    const msal = await post('/adfs/oauth2/token', good());
    assert.equal(msal.status, 200, msal.text);
    assert.equal(typeof msal.json.expires_in, 'number');
    const { payload } = await jwtVerify(msal.json.access_token, jwks, {
      issuer: disco.json.issuer,
      audience: 'https://management.azure.com',
    });
    assert.equal(payload.tid, t.creds.tenantId);
    const { scope: _s, ...v1 } = good();
    const legacy = await post('/adfs/oauth2/token', { ...v1, resource: 'https://management.core.windows.net/' });
    assert.equal(legacy.status, 200, legacy.text);
    assert.equal(legacy.json.resource, 'https://management.core.windows.net/');
    await expectOAuth(
      post('/adfs/oauth2/token', { ...good(), client_secret: 'wrong' }),
      401,
      'invalid_client',
      7000215,
    );
  });

  const expectOAuth = async (p: ReturnType<typeof post>, status: number, error: string, aadsts: number) => {
    const r = await p;
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error, error);
    assert.deepEqual(r.json.error_codes, [aadsts]);
    assert.match(r.json.error_description, new RegExp(`^AADSTS${aadsts}: `));
    assert.equal(r.json.correlation_id.length > 0, true);
    assert.ok(!r.text.includes(t.creds.clientSecret));
  };

  it('refuses a wrong secret, an unknown client and an unknown tenant with AADSTS codes', async () => {
    await expectOAuth(post(v2(), { ...good(), client_secret: 'wrong' }), 401, 'invalid_client', 7000215);
    await expectOAuth(
      post(v2(), { ...good(), client_id: '11111111-1111-1111-1111-111111111111' }),
      400,
      'unauthorized_client',
      700016,
    );
    await expectOAuth(
      post(`/22222222-2222-2222-2222-222222222222/oauth2/v2.0/token`, good()),
      400,
      'invalid_request',
      90002,
    );
  });

  it('refuses malformed requests with messages that name the problem', async () => {
    const { grant_type: _g, ...noGrant } = good();
    await expectOAuth(post(v2(), noGrant), 400, 'invalid_request', 900144);
    await expectOAuth(post(v2(), { ...good(), grant_type: 'password' }), 400, 'unsupported_grant_type', 70003);
    await expectOAuth(
      post(v2(), { ...good(), scope: 'https://management.azure.com/user_impersonation' }),
      400,
      'invalid_scope',
      1002012,
    );
    await expectOAuth(post(v2(), good(), { 'content-type': 'application/json' }), 400, 'invalid_request', 900144);
    const get = await httpsRequest(`${t.server.baseUrl}${v2()}`, { ca: t.ca });
    assert.equal(get.status, 405);
  });
});
