import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { ManualClock } from '../../../kernel/clock.js';
import { DomainError } from '../../../kernel/errors.js';
import type { FederatedCredentialRecord, UserAssignedIdentityRecord } from '../../../store/records.js';
import { issuerCa, startListener, type IssuerCa, type Listener } from '../../../../test/helpers/issuer-listeners.js';
import { FederatedAssertionVerifier } from './assertion-verifier.js';
import { guardedJsonFetcher, type GuardedFetchOptions, type Resolver } from './https-json.js';
import { IssuerHostPolicy } from './issuer-hosts.js';
import { DISCOVERY_CACHE_MS, FETCH_INTERVAL_MS, IssuerKeys } from './issuer-keys.js';

const AUD = 'api://AzureADTokenExchange';
const SUB = 'repo:octo/app:ref:refs/heads/main';
const OWN = 'https://openmi.invalid/openmi/workload';
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const now = () => Math.floor(clock.now() / 1000);
const k1 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const k2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = async (key: KeyObject, kid: string) => ({ ...(await exportJWK(key)), kid, use: 'sig', alg: 'RS256' });

const identity = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci',
  principalId: 'p',
  clientId: 'c',
  tenantId: 't',
  name: 'ci',
} as UserAssignedIdentityRecord;
const creds: FederatedCredentialRecord[] = [];
const store = {
  identities: { getByClientId: async () => identity },
  principals: {
    getByObjectId: async () => ({
      objectId: 'p',
      appId: 'c',
      tenantId: 't',
      displayName: 'ci',
      kind: 'managedIdentity' as const,
      resourceId: identity.id,
      createdAt: 0,
    }),
  },
  federatedCredentials: {
    findByIssuerSubject: async (i: string, s: string) => creds.filter((c) => c.issuer === i && c.subject === s),
    list: async () => ({ items: creds }),
  },
};
const warnings: Record<string, unknown>[] = [];
const log = { warn: (o: Record<string, unknown>) => void warnings.push(o) };

let tls: IssuerCa;
let srv: Listener;
/** Verifier over a policy that allow-lists 127.0.0.1 (the test issuer) unless told otherwise. */
function verifierFor(
  allowed: string[] = ['127.0.0.1'],
  fetch: Partial<GuardedFetchOptions> = {},
): FederatedAssertionVerifier {
  const policy = new IssuerHostPolicy(allowed, OWN);
  const keys = new IssuerKeys({
    policy,
    ownKeys: { publicKey: () => undefined, reload: async () => undefined },
    registered: { getByIssuer: async () => undefined },
    fetchJson: guardedJsonFetcher({ ca: tls.ca, ...fetch, policy }),
    clock,
    log,
  });
  return new FederatedAssertionVerifier({ store, keys, clock });
}
const serve = (path: string, body: unknown, status = 200) => srv.route(path, { status, body: JSON.stringify(body) });
const mint = (iss: string, kid: string, key: KeyObject) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(iss)
    .setSubject(SUB)
    .setAudience(AUD)
    .setIssuedAt(now())
    .setExpirationTime(now() + 600)
    .sign(key);
const trust = (iss: string) =>
  creds.push({
    id: `${identity.id}/federatedIdentityCredentials/${creds.length}`,
    identityId: identity.id,
    name: `f${creds.length}`,
    issuer: iss,
    subject: SUB,
    audiences: [AUD],
    createdAt: 0,
    updatedAt: 0,
  });
/** An issuer path on the test listener with a working discovery document and JWKS. */
async function issuerAt(name: string): Promise<string> {
  const iss = `${srv.url()}/${name}`;
  trust(iss);
  serve(`/${name}/.well-known/openid-configuration`, { issuer: iss, jwks_uri: `${iss}/keys` });
  serve(`/${name}/keys`, { keys: [await jwk(k1.publicKey, 'k1')] });
  return iss;
}

const GENERIC =
  /^The signing keys of issuer '[^']+' could not be obtained: the issuer's OpenID configuration or JWKS could not be retrieved\. openmi's log has the reason/;
async function refusedWith(p: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(p, (e: unknown) => e instanceof DomainError && e.code === code && message.test(e.message));
}
const lastWarning = () => String(warnings.at(-1)?.['reason']);

describe('federated assertions from issuers found through OpenID discovery', () => {
  before(async () => {
    tls = await issuerCa(['issuer.test']);
    srv = await startListener('https', tls);
  });
  after(async () => {
    await srv.close();
    tls.dispose();
  });

  it('fetches the JWKS through discovery, caches it for 10 minutes, then refetches', async () => {
    const v = verifierFor();
    const iss = await issuerAt('gh');
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    assert.equal(srv.hits('/gh/.well-known/openid-configuration'), 1);
    assert.equal(srv.hits('/gh/keys'), 1, 'second exchange served from the cache');
    clock.advance(DISCOVERY_CACHE_MS + 1000);
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    assert.equal(srv.hits('/gh/keys'), 2, 'refetched after the cache expired');
  });

  it('refetches once on an unknown kid (rotation), and not again within the interval', async () => {
    const v = verifierFor();
    const iss = await issuerAt('rot');
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    serve('/rot/keys', { keys: [await jwk(k1.publicKey, 'k1'), await jwk(k2.publicKey, 'k2')] });
    clock.advance(FETCH_INTERVAL_MS + 1000);
    await v.verify('t', 'c', await mint(iss, 'k2', k2.privateKey));
    assert.equal(srv.hits('/rot/keys'), 2, 'rotated key found after one refetch');
    await refusedWith(
      v.verify('t', 'c', await mint(iss, 'k3', k2.privateKey)),
      'assertion_signature',
      /no signing key with kid 'k3'.*OpenID discovery/,
    );
    assert.equal(srv.hits('/rot/keys'), 2, 'a forged kid within the interval costs no fetch');
    clock.advance(FETCH_INTERVAL_MS + 1000);
    await refusedWith(v.verify('t', 'c', await mint(iss, 'k3', k2.privateKey)), 'assertion_signature', /kid 'k3'/);
    assert.equal(srv.hits('/rot/keys'), 3, 'after the interval an unknown kid refetches again');
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
  });

  it('answers every failure with one generic message; the reason goes to the log only', async () => {
    const v = verifierFor();
    const liar = `${srv.url()}/liar`;
    trust(liar);
    serve('/liar/.well-known/openid-configuration', { issuer: `${srv.url()}/gh`, jwks_uri: `${srv.url()}/gh/keys` });
    await refusedWith(v.verify('t', 'c', await mint(liar, 'k1', k1.privateKey)), 'issuer_keys_unavailable', GENERIC);
    assert.match(lastWarning(), /names issuer .*\/gh', not/);
    trust(`${srv.url()}/gone`);
    await refusedWith(
      v.verify('t', 'c', await mint(`${srv.url()}/gone`, 'k1', k1.privateKey)),
      'issuer_keys_unavailable',
      GENERIC,
    );
    assert.match(lastWarning(), /answered HTTP 404/);
  });

  it('remembers a failure: one attempt per issuer per interval, however many token requests', async () => {
    const v = verifierFor();
    const iss = `${srv.url()}/flaky`;
    trust(iss);
    for (let i = 0; i < 5; i++)
      await refusedWith(v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey)), 'issuer_keys_unavailable', GENERIC);
    assert.equal(srv.hits('/flaky/.well-known/openid-configuration'), 1);
    serve('/flaky/.well-known/openid-configuration', { issuer: iss, jwks_uri: `${iss}/keys` });
    serve('/flaky/keys', { keys: [await jwk(k1.publicKey, 'k1')] });
    await refusedWith(v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey)), 'issuer_keys_unavailable', GENERIC);
    clock.advance(FETCH_INTERVAL_MS + 1000);
    await v.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    assert.equal(srv.hits('/flaky/.well-known/openid-configuration'), 2, 'the next attempt only after the interval');
  });

  it('refuses an issuer or jwks_uri the policy forbids before connecting', async () => {
    const before = srv.connections;
    const notAllowed = verifierFor([]);
    const iss = await issuerAt('private');
    await refusedWith(
      notAllowed.verify('t', 'c', await mint(iss, 'k1', k1.privateKey)),
      'issuer_keys_unavailable',
      GENERIC,
    );
    assert.match(lastWarning(), /refused before connecting: 127\.0\.0\.1 is a loopback address/);
    assert.equal(srv.connections, before, 'no connection to the listener');
    // An allowed issuer whose discovery names a forbidden jwks_uri: the config is read, the keys never.
    const iss2 = `${srv.url()}/pivot`;
    trust(iss2);
    serve('/pivot/.well-known/openid-configuration', {
      issuer: iss2,
      jwks_uri: 'https://169.254.169.254/metadata/keys',
    });
    await refusedWith(
      verifierFor().verify('t', 'c', await mint(iss2, 'k1', k1.privateKey)),
      'issuer_keys_unavailable',
      GENERIC,
    );
    assert.match(
      lastWarning(),
      /jwks_uri 'https:\/\/169\.254\.169\.254\/metadata\/keys' is refused before connecting: 169\.254\.169\.254 is a link-local/,
    );
  });
});

describe('the guarded fetcher', () => {
  let tlsCa: IssuerCa;
  let ok: Listener;
  const policy = new IssuerHostPolicy(['127.0.0.1', 'allowed.test'], OWN);
  /** Resolves every name to the given addresses, recording the names asked (no real DNS). */
  const resolver =
    (addrs: string[], asked: string[] = []): Resolver =>
    async (host) => (asked.push(host), addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  before(async () => {
    tlsCa = await issuerCa(['allowed.test', 'public.test']);
    ok = await startListener('https', tlsCa);
    ok.route('/doc', { status: 200, body: '{"keys":[]}' });
    ok.route('/huge', { status: 200, body: JSON.stringify({ pad: 'x'.repeat(5000) }) });
    ok.route('/slow', 'hang');
    ok.route('/moved', { status: 302, headers: { location: 'https://169.254.169.254/latest/meta-data/' } });
  });
  after(async () => {
    await ok.close();
    tlsCa.dispose();
  });

  it('bounds the exchange: a deadline, a connect deadline, a size limit, no redirects, trusted certificates only', async () => {
    const f = (o: Partial<GuardedFetchOptions> = {}) => guardedJsonFetcher({ policy, ca: tlsCa.ca, ...o });
    await assert.rejects(f({ timeoutMs: 300 })(`${ok.url()}/slow`), /took longer than 300 ms/);
    await assert.rejects(f({ maxBytes: 1000 })(`${ok.url()}/huge`), /more than 1000 bytes/);
    await assert.rejects(f()(`${ok.url()}/moved`), /answered HTTP 302 \(redirects are not followed\)/);
    await assert.rejects(f()('http://127.0.0.1:1/x'), /refused .* before connecting: it is not https/);
    await assert.rejects(guardedJsonFetcher({ policy })(`${ok.url()}/doc`), /failed: .*certificate/i);
    const silent = await startListener('silent');
    try {
      await assert.rejects(
        f({ connectTimeoutMs: 200, timeoutMs: 5000 })(`${silent.url()}/x`),
        /no TLS connection within 200 ms/,
      );
    } finally {
      await silent.close();
    }
    assert.deepEqual(await f()(`${ok.url()}/doc`), { keys: [] });
  });

  it('checks the resolved addresses and connects to exactly those (no rebinding window)', async () => {
    const before = ok.connections;
    const asked: string[] = [];
    const toLoopback = guardedJsonFetcher({ policy, ca: tlsCa.ca, resolve: resolver(['127.0.0.1'], asked) });
    await assert.rejects(
      toLoopback(`https://public.test:${ok.port}/doc`),
      /public\.test resolves to 127\.0\.0\.1, a loopback address; refused before connecting/,
    );
    const mixed = guardedJsonFetcher({ policy, ca: tlsCa.ca, resolve: resolver(['93.184.216.34', '10.1.2.3']) });
    await assert.rejects(mixed(`https://public.test:${ok.port}/doc`), /resolves to 10\.1\.2\.3, a private address/);
    assert.equal(ok.connections, before, 'no connection was made');
    assert.deepEqual(asked, ['public.test']);
    // An allow-listed name may resolve to loopback; the socket goes to the address the check saw.
    const allowed = guardedJsonFetcher({ policy, ca: tlsCa.ca, resolve: resolver(['127.0.0.1']) });
    assert.deepEqual(await allowed(`https://allowed.test:${ok.port}/doc`), { keys: [] });
    assert.equal(ok.connections, before + 1);
  });
});
