import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../kernel/clock.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { httpsRequest } from '../../../../test/helpers/https.js';

const form = (o: Record<string, string>) =>
  new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://vault.azure.net/.default', ...o }).toString();
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function client(t: () => TestServer) {
  const post = (body: string, headers: Record<string, string> = {}) =>
    httpsRequest(`${t().server.baseUrl}/${t().creds.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      ca: t().ca,
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  return { post };
}

describe("token endpoint: malformed Basic credentials are the client's error", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());
  const { post } = client(() => t);

  it('answers 401 invalid_client, saying what is wrong, for every malformed Authorization: Basic', async () => {
    const id = t.creds.clientId;
    const malformed: [string, string, RegExp][] = [
      ['not base64', 'Basic !!!not-base64!!!', /is not base64/],
      [
        'base64 with a bad character inside',
        `Basic ${b64(`${id}:x`).slice(0, 8)}*${b64(`${id}:x`).slice(8)}`,
        /is not base64/,
      ],
      ['empty', 'Basic ', /is not base64/],
      ['scheme only', 'Basic', /is not base64/],
      ['not UTF-8', `Basic ${b64(Buffer.from([0xc3, 0x28, 0x3a, 0xff, 0xfe]))}`, /UTF-8/],
      ['no colon', `Basic ${b64(id)}`, /no ':'/],
      ['empty client id', `Basic ${b64(':secret')}`, /empty client id/],
      ['empty secret', `Basic ${b64(`${id}:`)}`, /empty client secret/],
      [
        'bad percent-encoding in the id',
        `Basic ${b64(`%zz${id}:secret`)}`,
        /client id that is not valid percent-encoding/,
      ],
      [
        'bad percent-encoding in the secret',
        `Basic ${b64(`${id}:50%`)}`,
        /client secret that is not valid percent-encoding/,
      ],
      ['an encoded byte that is not UTF-8', `Basic ${b64(`${id}:%C3%28`)}`, /percent-encoding/],
      ['huge', `Basic ${b64(`${'a'.repeat(5000)}:${'b'.repeat(5000)}`)}`, /longer than 1024/],
    ];
    for (const [what, authorization, why] of malformed) {
      const r = await post(form({}), { authorization });
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.equal(r.json.error, 'invalid_client', what);
      assert.match(r.json.error_description, why, what);
      assert.match(r.json.error_description, /RFC 6749 §2\.3\.1/, what);
    }
  });

  it('refuses a Basic client id that contradicts the form body, and accepts well-formed Basic credentials', async () => {
    const secret = encodeURIComponent(t.creds.clientSecret);
    const clash = await post(form({ client_id: randomUUID() }), {
      authorization: `Basic ${b64(`${t.creds.clientId}:${secret}`)}`,
    });
    assert.equal(clash.status, 401, clash.text);
    assert.match(clash.json.error_description, /differs from the one in the Basic authorization header/);
    const ok = await post(form({}), {
      authorization: `basic ${b64(`${encodeURIComponent(t.creds.clientId)}:${secret}`)}`,
    });
    assert.equal(ok.status, 200, ok.text);
    const unpadded = await post(form({ client_id: t.creds.clientId }), {
      authorization: `Basic ${b64(`${t.creds.clientId}:${secret}`).replace(/=+$/, '')}`,
    });
    assert.equal(unpadded.status, 200, unpadded.text);
  });
});

describe('token endpoint: requests per client id are limited', () => {
  const clock = new ManualClock(Date.now());
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ clock, config: { tokenRequestsPerSecondPerClient: 2 } });
  });
  after(() => t.stop());
  const { post } = client(() => t);
  const admin = (secret = t.creds.clientSecret) => form({ client_id: t.creds.clientId, client_secret: secret });

  it('answers 429 with Retry-After and an OAuth body naming the limit and its setting, per client id', async () => {
    // Bursts of twice the rate: 4 requests, failures included, then the fifth is refused.
    const statuses = [];
    for (const body of [admin(), admin('wrong'), admin(), admin()]) statuses.push((await post(body)).status);
    assert.deepEqual(statuses, [200, 401, 200, 200]);
    const refused = await post(admin());
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.json.error, 'temporarily_unavailable');
    assert.deepEqual(refused.json.error_codes, [90055]);
    assert.match(
      refused.json.error_description,
      new RegExp(
        `Too many token requests for client '${t.creds.clientId}': the limit is 2 per second \\(bursts of 4\\)`,
      ),
    );
    assert.match(
      refused.json.error_description,
      /tokenRequestsPerSecondPerClient \(OPENMI_TOKEN_REQUESTS_PER_SECOND_PER_CLIENT\)/,
    );
    assert.equal(
      (await post(admin('wrong'))).status,
      429,
      'a secret guesser is throttled before the secret is checked',
    );
    const other = await post(form({ client_id: randomUUID(), client_secret: 'x' }));
    assert.equal(other.status, 400, 'another client id has its own budget');
    clock.advance(500);
    assert.equal((await post(admin())).status, 200, 'one more after 1/rate seconds');
    assert.equal((await post(admin())).status, 429);
  });

  it('records the throttled request in the sign-in log', async () => {
    const rows = await t.server.store.audit.query(
      'signIns',
      { eq: { client_key: t.creds.clientId.toLowerCase(), result: 'failure' } },
      50,
    );
    const codes = rows.items.map((r) => (JSON.parse(r.data) as { errorCode: string }).errorCode);
    assert.ok(codes.includes('temporarily_unavailable'), codes.join());
  });
});
