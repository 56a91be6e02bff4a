import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, SignJWT } from 'jose';
import { createLogger } from '../../src/kernel/log.js';
import { httpsRequest } from '../helpers/https.js';
import { issuerCa, startListener, type IssuerCa, type Listener } from '../helpers/issuer-listeners.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Finding 5 of docs/security.md, on the wire: federated credentials cannot make openmi connect to
 * loopback, link-local or private addresses, and failures look the same whatever the network did.
 * Every listener here is on 127.0.0.1; 169.254.169.254 and 10.x are refused before any connection.
 */
const AUD = 'api://AzureADTokenExchange';
const SUB = 'system:serviceaccount:ns:app';
const MSI = 'api-version=2024-11-30';
const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
const GENERIC = "the issuer's OpenID configuration or JWKS could not be retrieved";

async function identity(t: TestServer, name: string): Promise<{ path: string; clientId: string }> {
  const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-ssrf`;
  await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
  const r = await t.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?${MSI}`, {
    location: 'local',
  });
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return { path: r.json.id, clientId: r.json.properties.clientId };
}

const fic = (t: TestServer, id: { path: string }, name: string, issuer: string) =>
  t.arm('PUT', `${id.path}/federatedIdentityCredentials/${name}?${MSI}`, {
    properties: { issuer, subject: SUB, audiences: [AUD] },
  });

/** The federated token request an anonymous caller makes: an assertion whose `iss` names the issuer. */
async function exchange(t: TestServer, clientId: string, iss: string) {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(iss)
    .setSubject(SUB)
    .setAudience(AUD)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key.privateKey);
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    scope: 'https://management.azure.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }).toString();
  return httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: t.ca,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** Routes a working discovery document and JWKS for `{listener}/{name}`; returns the issuer URL. */
async function serveIssuer(l: Listener, name: string): Promise<string> {
  const iss = `${l.url()}/${name}`;
  l.route(`/${name}/.well-known/openid-configuration`, {
    status: 200,
    body: JSON.stringify({ issuer: iss, jwks_uri: `${iss}/keys` }),
  });
  l.route(`/${name}/keys`, {
    status: 200,
    body: JSON.stringify({ keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] }),
  });
  return iss;
}

/** What a caller learns from a refusal: status, code and description without the issuer and trace ids. */
const seen = (r: { status: number; json: any }, iss: string) => ({
  status: r.status,
  error: r.json?.error,
  codes: r.json?.error_codes,
  description: String(r.json?.error_description).split(' Trace ID:')[0]!.replace(iss, '{issuer}'),
});

describe('federated credentials: issuers that would make openmi connect inward are refused when written', () => {
  let t: TestServer;
  let id: { path: string; clientId: string };
  let trap: Listener;
  before(async () => {
    t = await startTestServer();
    id = await identity(t, 'writes');
    trap = await startListener('silent');
  });
  after(async () => {
    await t.stop();
    await trap.close();
  });

  it('refuses loopback, link-local, private, local-name and plain-http issuers with 400 saying what to fix, connecting nowhere', async () => {
    const refused = [
      trap.url('127.0.0.1'),
      'https://169.254.169.254',
      'https://169.254.169.254/metadata/identity',
      'https://10.0.0.1/oidc',
      'https://[::1]',
      `https://[::1]:${trap.port}`,
      `https://localhost:${trap.port}`,
      'https://ci.localhost',
      'https://0x7f000001',
      'https://[::ffff:169.254.169.254]',
      'https://192.168.1.10',
      'https://100.64.0.1',
      'https://metadata',
    ];
    for (const [i, issuer] of refused.entries()) {
      const r = await fic(t, id, `bad-${i}`, issuer);
      assert.equal(r.status, 400, `${issuer}: ${r.text}`);
      assert.equal(r.json.error.code, 'BadRequest');
      assert.equal(r.json.error.target, 'properties.issuer');
      assert.match(
        r.json.error.message,
        /is refused: .* openmi fetches an issuer's signing keys from its host.*'openmi federation-issuer add'.*federationAllowedIssuerHosts/,
        issuer,
      );
    }
    const http = await fic(t, id, 'plain-http', 'http://issuer.example');
    assert.equal(http.status, 400, http.text);
    assert.match(http.json.error.message, /must be an https URL/);
    assert.equal(trap.connections, 0, 'writing a credential never connects anywhere');
  });

  it("accepts openmi's own workload issuer, public issuers, and private issuers whose JWKS an administrator registered", async () => {
    assert.equal((await fic(t, id, 'own', `${t.server.baseUrl}/openmi/workload`)).status, 201);
    assert.equal((await fic(t, id, 'github', 'https://token.actions.githubusercontent.com')).status, 201);
    const jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1' }] };
    const reg = await t.arm('PUT', '/providers/OpenMI.Tokens/federationIssuers/lab?api-version=2025-01-01', {
      properties: { issuer: 'https://10.20.30.40/oidc', jwks },
    });
    assert.equal(reg.status, 201, reg.text);
    const r = await fic(t, id, 'lab', 'https://10.20.30.40/oidc');
    assert.equal(r.status, 201, r.text);
    // Keys come from the registration: the exchange works and nothing is fetched from 10.20.30.40.
    const ok = await exchange(t, id.clientId, 'https://10.20.30.40/oidc');
    assert.equal(ok.status, 200, ok.text);
  });
});

describe('federated credentials: OpenID discovery at token time (allow-listed loopback listeners)', () => {
  let tls: IssuerCa;
  let other: IssuerCa;
  let t: TestServer;
  let id: { path: string; clientId: string };
  let good: Listener;
  const listeners: Listener[] = [];
  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (warnings.push(JSON.parse(String(c))), cb()) });
  const start = async (kind: 'https' | 'silent' | 'closed', ca?: IssuerCa) => {
    const l = await startListener(kind, ca);
    listeners.push(l);
    return l;
  };
  before(async () => {
    tls = await issuerCa();
    other = await issuerCa();
    t = await startTestServer({
      config: { federationAllowedIssuerHosts: ['127.0.0.1'] },
      federationFetch: { ca: tls.ca, connectTimeoutMs: 1000, timeoutMs: 2000 },
      log: createLogger('warn', sink),
    });
    id = await identity(t, 'fetches');
    good = await start('https', tls);
  });
  after(async () => {
    await t.stop();
    for (const l of listeners) await l.close();
    tls.dispose();
    other.dispose();
  });

  it('gives one answer for a closed port, a TLS failure, an HTTP 404 and a silent server', async () => {
    const kinds = {
      closed: await start('closed'),
      tls: await start('https', other),
      http404: await start('https', tls),
      silent: await start('silent'),
    };
    const answers: Record<string, ReturnType<typeof seen>> = {};
    for (const [kind, l] of Object.entries(kinds)) {
      const iss = `${l.url()}/oidc`;
      assert.equal((await fic(t, id, `kind-${kind}`, iss)).status, 201);
      answers[kind] = seen(await exchange(t, id.clientId, iss), iss);
      if (kind !== 'closed') assert.ok(l.connections >= 1, `${kind}: the fetch did happen`);
    }
    assert.equal(answers['closed']!.status, 400);
    assert.match(answers['closed']!.description, new RegExp(GENERIC.replace(/[.']/g, '.')));
    for (const kind of ['tls', 'http404', 'silent']) assert.deepEqual(answers[kind], answers['closed'], kind);
    const reasons = warnings
      .filter((w) => /OpenID discovery of a federation issuer failed/.test(String(w['msg'])))
      .map((w) => String(w['reason']));
    assert.ok(
      reasons.some((r) => /ECONNREFUSED/.test(r)) &&
        reasons.some((r) => /certificate/.test(r)) &&
        reasons.some((r) => /HTTP 404/.test(r)) &&
        reasons.some((r) => /no TLS connection within 1000 ms/.test(r)),
      reasons.join('\n'),
    );
  });

  it('follows no redirect, to a forbidden address or to any other', async () => {
    const target = await start('https', tls);
    const iss = `${good.url()}/moved`;
    good.route('/moved/.well-known/openid-configuration', {
      status: 302,
      headers: { location: 'https://169.254.169.254/latest/meta-data/' },
    });
    const iss2 = `${good.url()}/moved2`;
    good.route('/moved2/.well-known/openid-configuration', {
      status: 307,
      headers: { location: `${target.url()}/moved2/.well-known/openid-configuration` },
    });
    for (const [i, issuer] of [iss, iss2].entries()) {
      assert.equal((await fic(t, id, `moved-${i}`, issuer)).status, 201);
      const r = await exchange(t, id.clientId, issuer);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error_description, /could not be retrieved/);
    }
    assert.equal(target.connections, 0, 'the redirect target was never contacted');
  });

  it('refuses an oversized JWKS', async () => {
    const iss = await serveIssuer(good, 'big');
    good.route('/big/keys', { status: 200, body: JSON.stringify({ keys: [], pad: 'x'.repeat(300 * 1024) }) });
    assert.equal((await fic(t, id, 'big', iss)).status, 201);
    const r = await exchange(t, id.clientId, iss);
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error_description, /could not be retrieved/);
    assert.doesNotMatch(r.json.error_description, /bytes/);
    assert.ok(warnings.some((w) => /more than 262144 bytes/.test(String(w['reason']))));
  });

  it('fetches once for repeated token requests (cache), and tries a failing issuer once per interval', async () => {
    const iss = await serveIssuer(good, 'cached');
    assert.equal((await fic(t, id, 'cached', iss)).status, 201);
    for (let i = 0; i < 3; i++) assert.equal((await exchange(t, id.clientId, iss)).status, 200);
    assert.equal(good.hits('/cached/.well-known/openid-configuration'), 1);
    assert.equal(good.hits('/cached/keys'), 1);
    const failing = `${good.url()}/failing`;
    assert.equal((await fic(t, id, 'failing', failing)).status, 201);
    for (let i = 0; i < 5; i++) assert.equal((await exchange(t, id.clientId, failing)).status, 400);
    assert.equal(
      good.hits('/failing/.well-known/openid-configuration'),
      1,
      'a failure is remembered: no refetch per request',
    );
  });
});

describe('federated credentials: an allow-list removed later stops discovery without a connection', () => {
  let tls: IssuerCa;
  let l: Listener;
  let dataDir: string;
  before(async () => {
    tls = await issuerCa();
    l = await startListener('https', tls);
    dataDir = mkdtempSync(join(tmpdir(), 'openmi-ssrf-'));
  });
  after(async () => {
    await l.close();
    tls.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses at fetch time a credential written while its host was allow-listed', async () => {
    const iss = await serveIssuer(l, 'lab');
    const federationFetch = { ca: tls.ca, connectTimeoutMs: 1000, timeoutMs: 2000 };
    const allowed = await startTestServer({
      dataDir,
      config: { federationAllowedIssuerHosts: ['127.0.0.1'] },
      federationFetch,
    });
    let clientId: string;
    try {
      const id = await identity(allowed, 'lab');
      clientId = id.clientId;
      assert.equal((await fic(allowed, id, 'lab', iss)).status, 201);
      assert.equal((await exchange(allowed, clientId, iss)).status, 200, 'works while allow-listed');
    } finally {
      await allowed.stop();
    }
    const before = l.connections;
    const t = await startTestServer({ dataDir, federationFetch });
    try {
      const r = await exchange(t, clientId, iss);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error_description, /could not be retrieved/);
      assert.equal(l.connections, before, 'no connection once the host is no longer allow-listed');
    } finally {
      await t.stop();
    }
  });
});
