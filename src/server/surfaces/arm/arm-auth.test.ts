import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock } from '../../../kernel/clock.js';
import { JwtSigner } from '../../tokens/jwt/signer.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { httpsRequest } from '../../../../test/helpers/https.js';

describe('ARM authentication', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.now());
  let path: string;
  before(async () => {
    t = await startTestServer({ clock });
    path = `/subscriptions/${t.creds.subscriptionId}/resourceGroups?api-version=2025-04-01`;
  });
  after(() => t.stop());

  const call = (token?: string) =>
    httpsRequest(`${t.server.baseUrl}${path}`, {
      ca: t.ca,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  const expect401 = async (token: string | undefined, code: string, pattern: RegExp) => {
    const r = await call(token);
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.error.code, code);
    assert.match(r.json.error.message, pattern);
    assert.match(
      String(r.headers['www-authenticate']),
      /^Bearer authorization_uri="https:\/\/.+", error="invalid_token"/,
    );
  };

  it('accepts a token for its own ARM URL and for management.azure.com', async () => {
    assert.equal((await call(await t.adminToken())).status, 200);
    assert.equal((await call(await t.adminToken('https://management.azure.com/'))).status, 200);
    assert.equal((await call(await t.adminToken('https://management.core.windows.net/'))).status, 200);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    await expect401(undefined, 'AuthenticationFailed', /header is missing/);
    const r = await httpsRequest(`${t.server.baseUrl}${path}`, { ca: t.ca, headers: { authorization: 'Basic abc' } });
    assert.equal(r.json.error.code, 'AuthenticationFailed');
  });

  it('refuses a token for another audience', async () => {
    await expect401(await t.adminToken('https://vault.azure.net'), 'InvalidAuthenticationToken', /audience/);
  });

  it('refuses a forged token signed by a key it does not know', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const real = JSON.parse(Buffer.from((await t.adminToken()).split('.')[1]!, 'base64url').toString());
    const forged = new JwtSigner({ kid: 'forged-kid', privateKey }).sign(real);
    await expect401(forged, 'InvalidAuthenticationToken', /kid|key/i);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expect401(
      `${header}.${Buffer.from(JSON.stringify(real)).toString('base64url')}.`,
      'InvalidAuthenticationToken',
      /alg|algorithm/i,
    );
  });

  it('refuses a tampered token', async () => {
    const [h, p, s] = (await t.adminToken()).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.oid = '00000000-0000-0000-0000-000000000001';
    await expect401(
      `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`,
      'InvalidAuthenticationToken',
      /signature/i,
    );
  });

  it('refuses an expired token with ExpiredAuthenticationToken', async () => {
    const token = await t.adminToken();
    clock.advance(2 * 3600 * 1000);
    try {
      await expect401(token, 'ExpiredAuthenticationToken', /expired/);
    } finally {
      clock.advance(-2 * 3600 * 1000);
    }
  });
});
