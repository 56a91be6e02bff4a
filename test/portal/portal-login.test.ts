import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { parseActivity } from '../../src/server/audit/activity.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { LOGIN_LINK_GRANT_TYPE, PORTAL_CLIENT_ID } from '../../src/server/tokens/login-links.js';

const LINKS = '/providers/OpenMI.Portal/loginLinks?api-version=2025-01-01';

describe('portal login links: ARM route, token grant, sign-in log (over the wire)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  const newCode = async (): Promise<string> => {
    const r = await t.arm('POST', LINKS);
    assert.equal(r.status, 200, r.text);
    const fragment = new URL(r.json.url as string).hash;
    return new URLSearchParams(fragment.slice(fragment.indexOf('?') + 1)).get('code')!;
  };

  const exchange = (form: Record<string, string>, version: 'v1' | 'v2' = 'v2'): Promise<HttpsResponse> => {
    const tail = version === 'v2' ? 'oauth2/v2.0/token' : 'oauth2/token';
    const target: Record<string, string> =
      version === 'v2' ? { scope: `${t.server.baseUrl}/.default` } : { resource: t.server.baseUrl };
    const body = new URLSearchParams({
      grant_type: LOGIN_LINK_GRANT_TYPE,
      client_id: PORTAL_CLIENT_ID,
      ...target,
      ...form,
    }).toString();
    return httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/${tail}`, {
      method: 'POST',
      ca: t.ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  };

  it('POST loginLinks answers the link, its expiry and the caller, and logs the action without the code', async () => {
    const r = await t.arm('POST', LINKS);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json as object).sort(), ['expiresOn', 'principalId', 'url']);
    const admin = decodeJwt(await t.adminToken()).oid as string;
    assert.equal(r.json.principalId, admin);
    assert.match(
      r.json.url as string,
      new RegExp(
        `^${t.server.baseUrl.replace(/\./g, '\\.')}/portal/#/sign-in\\?tenant=${t.creds.tenantId}&code=[A-Za-z0-9_-]{43}$`,
      ),
    );
    const ttl = Date.parse(r.json.expiresOn as string) - Date.now();
    assert.ok(ttl > 290_000 && ttl <= 300_000, `expires in ${ttl} ms`);
    const rows = (await t.server.store.audit.query('activity', { eq: {} }, 1000)).items.map(parseActivity);
    const row = rows.find((e) => e.operation === 'OpenMI.Portal/loginLinks/action');
    assert.ok(row, 'activity row');
    assert.equal(row.caller, admin);
    assert.equal(row.resourceId, '/providers/OpenMI.Portal/loginLinks');
    assert.ok(
      !JSON.stringify(rows).includes(new URL(r.json.url as string).hash.split('code=')[1]!),
      'the code is never logged',
    );
  });

  it('the provider listing advertises OpenMI.Portal', async () => {
    const r = await t.arm('GET', '/providers/OpenMI.Portal?api-version=2021-04-01');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.resourceTypes, [
      { resourceType: 'loginLinks', locations: ['local'], apiVersions: ['2025-01-01'] },
    ]);
  });

  it('a code is exchanged once for an ARM token of the caller (appidacr 0) that ARM accepts', async () => {
    const code = await newCode();
    const r = await exchange({ code });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(r.headers['cache-control'], 'no-store');
    const claims = decodeJwt(r.json.access_token as string);
    const admin = decodeJwt(await t.adminToken());
    assert.equal(claims.oid, admin.oid);
    assert.equal(claims.appidacr, '0');
    assert.equal(claims.aud, t.server.baseUrl);
    assert.equal(r.json.expires_in, admin.exp! - admin.iat!);

    const subs = await httpsRequest(`${t.server.baseUrl}/subscriptions?api-version=2022-12-01`, {
      ca: t.ca,
      headers: { authorization: `Bearer ${r.json.access_token as string}` },
    });
    assert.equal(subs.status, 200, subs.text);
    assert.ok(
      (subs.json.value as { subscriptionId: string }[]).some((s) => s.subscriptionId === t.creds.subscriptionId),
    );

    const again = await exchange({ code });
    assert.equal(again.status, 400);
    assert.equal(again.json.error, 'invalid_grant');
    assert.match(
      again.json.error_description as string,
      /^AADSTS70008: This login link has expired or was already used\. Run 'openmi portal' for a new one\./,
    );
  });

  it('works on the v1 endpoint too', async () => {
    const r = await exchange({ code: await newCode() }, 'v1');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.resource, t.server.baseUrl);
    assert.equal(decodeJwt(r.json.access_token as string).appidacr, '0');
  });

  it('refuses an expired code with invalid_grant', async () => {
    const code = 'expired-code-for-the-test-0123456789abcdefg';
    const now = Date.now();
    const admin = decodeJwt(await t.adminToken()).oid as string;
    await t.server.store.loginCodes.create({
      codeHash: createHash('sha256').update(code).digest('hex'),
      principalObjectId: admin,
      tenantId: t.creds.tenantId,
      createdAt: now - 400_000,
      expiresAt: now - 100_000,
      consumedAt: null,
    });
    const r = await exchange({ code });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_grant');
    assert.match(r.json.error_description as string, /expired or was already used/);
  });

  it('refuses another client_id (invalid_client), a client secret, and a missing code, and keeps the code usable', async () => {
    const code = await newCode();
    const wrong = await exchange({ code, client_id: t.creds.clientId });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error, 'invalid_client');
    assert.match(wrong.json.error_description as string, /only for the openmi portal: send client_id 'openmi-portal'/);
    const secret = await exchange({ code, client_secret: 'x' });
    assert.equal(secret.json.error, 'invalid_request');
    const missing = await exchange({});
    assert.equal(missing.json.error, 'invalid_request');
    assert.match(missing.json.error_description as string, /'code'/);
    assert.equal((await exchange({ code })).status, 200);
  });

  it('records every exchange in the sign-in log with flow loginLink', async () => {
    const r = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01');
    assert.equal(r.status, 200, r.text);
    const rows = (r.json.value as Record<string, unknown>[]).filter(
      (s) => s['appId'] === PORTAL_CLIENT_ID || s['flow'] === 'loginLink',
    );
    assert.ok(rows.length >= 8, `${rows.length} rows`);
    assert.ok(rows.every((s) => s['flow'] === 'loginLink'));
    const ok = rows.filter((s) => s['result'] === 'success');
    assert.equal(ok.length, 3);
    const admin = decodeJwt(await t.adminToken()).oid;
    assert.ok(ok.every((s) => s['servicePrincipalId'] === admin && s['resourceId'] === t.server.baseUrl));
    const failures = rows
      .filter((s) => s['result'] === 'failure')
      .map((s) => (s['status'] as { errorCode: string }).errorCode)
      .sort();
    assert.deepEqual(failures, [
      'invalid_client',
      'invalid_grant',
      'invalid_grant',
      'invalid_request',
      'invalid_request',
    ]);
  });
});
