import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportJWK } from 'jose';
import { ManualClock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import { loadOrCreatePki } from '../../pki/pki.js';
import type { FederatedCredentialRecord, UserAssignedIdentityRecord } from '../../store/records.js';
import { FederatedAssertionVerifier } from './assertion-verifier.js';
import { httpsJsonFetcher } from './https-json.js';
import { DISCOVERY_CACHE_MS, IssuerKeys, REFETCH_COOLDOWN_MS } from './issuer-keys.js';

const AUD = 'api://AzureADTokenExchange';
const SUB = 'repo:octo/app:ref:refs/heads/main';
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const now = () => Math.floor(clock.now() / 1000);
const k1 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const k2 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = async (key: KeyObject, kid: string) => ({ ...(await exportJWK(key)), kid, use: 'sig', alg: 'RS256' });

/** The fake issuer: what each path answers, and how often it was asked. */
const hits = new Map<string, number>();
const answers = new Map<string, () => { status: number; body: string } | 'hang'>();
let server: Server;
let base = '';
let ca = '';
let dir = '';

const identity = { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci', principalId: 'p', clientId: 'c', tenantId: 't', name: 'ci' } as UserAssignedIdentityRecord;
const creds: FederatedCredentialRecord[] = [];
const store = {
  identities: { getByClientId: async () => identity },
  principals: { getByObjectId: async () => ({ objectId: 'p', appId: 'c', tenantId: 't', displayName: 'ci', kind: 'managedIdentity' as const, resourceId: identity.id, createdAt: 0 }) },
  federatedCredentials: { findByIssuerSubject: async (i: string, s: string) => creds.filter((c) => c.issuer === i && c.subject === s), list: async () => ({ items: creds }) },
};
let verifier: FederatedAssertionVerifier;

const serve = (path: string, body: unknown, status = 200) => answers.set(path, () => ({ status, body: JSON.stringify(body) }));
const mint = (iss: string, kid: string, key: KeyObject) =>
  new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(iss).setSubject(SUB).setAudience(AUD).setIssuedAt(now()).setExpirationTime(now() + 600).sign(key);
const trust = (iss: string) => creds.push({ id: `${identity.id}/federatedIdentityCredentials/${creds.length}`, identityId: identity.id, name: `f${creds.length}`, issuer: iss, subject: SUB, audiences: [AUD], createdAt: 0, updatedAt: 0 });
const count = (path: string) => hits.get(path) ?? 0;

async function refusedWith(p: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(p, (e: unknown) => e instanceof DomainError && e.code === code && message.test(e.message));
}

describe('federated assertions from issuers found through OpenID discovery', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openmi-disco-'));
    const pki = await loadOrCreatePki({ dir, masterKey: randomBytes(32), dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], clock });
    ca = pki.caCertPem;
    server = createServer({ cert: pki.serverCertPem, key: pki.serverKeyPem }, (req, res) => {
      const path = req.url ?? '';
      hits.set(path, count(path) + 1);
      const a = answers.get(path)?.() ?? { status: 404, body: '{}' };
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
    const keys = new IssuerKeys({ workloadIssuer: 'https://openmi.invalid/openmi/workload', ownKeys: { publicKey: () => undefined, reload: async () => undefined }, registered: { getByIssuer: async () => undefined }, fetchJson: httpsJsonFetcher({ ca }), clock });
    verifier = new FederatedAssertionVerifier({ store, keys, clock });
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the JWKS through discovery, caches it for 10 minutes, then refetches', async () => {
    const iss = `${base}/gh`;
    trust(iss);
    serve('/gh/.well-known/openid-configuration', { issuer: iss, jwks_uri: `${base}/gh/keys` });
    serve('/gh/keys', { keys: [await jwk(k1.publicKey, 'k1')] });
    await verifier.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    await verifier.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    assert.equal(count('/gh/.well-known/openid-configuration'), 1);
    assert.equal(count('/gh/keys'), 1, 'second exchange served from the cache');
    clock.advance(DISCOVERY_CACHE_MS + 1000);
    await verifier.verify('t', 'c', await mint(iss, 'k1', k1.privateKey));
    assert.equal(count('/gh/keys'), 2, 'refetched after the cache expired');
  });

  it('refetches once on an unknown kid (rotation), and not again within the cooldown', async () => {
    const iss = `${base}/gh`;
    serve('/gh/keys', { keys: [await jwk(k1.publicKey, 'k1'), await jwk(k2.publicKey, 'k2')] });
    const before = count('/gh/keys');
    await verifier.verify('t', 'c', await mint(iss, 'k2', k2.privateKey));
    assert.equal(count('/gh/keys'), before + 1, 'rotated key found after one refetch');
    await refusedWith(verifier.verify('t', 'c', await mint(iss, 'k3', k2.privateKey)), 'assertion_signature', /no signing key with kid 'k3'.*OpenID discovery/);
    assert.equal(count('/gh/keys'), before + 1, 'a forged kid within 30 s costs no fetch');
    clock.advance(REFETCH_COOLDOWN_MS + 1000);
    await refusedWith(verifier.verify('t', 'c', await mint(iss, 'k3', k2.privateKey)), 'assertion_signature', /kid 'k3'/);
    assert.equal(count('/gh/keys'), before + 2, 'after the cooldown an unknown kid refetches again');
  });

  it('refuses a discovery document that names another issuer, and an issuer that is not there', async () => {
    const iss = `${base}/liar`;
    trust(iss);
    serve('/liar/.well-known/openid-configuration', { issuer: `${base}/gh`, jwks_uri: `${base}/gh/keys` });
    await refusedWith(verifier.verify('t', 'c', await mint(iss, 'k1', k1.privateKey)), 'issuer_keys_unavailable', /names issuer .*\/gh', not/);
    trust(`${base}/gone`);
    await refusedWith(verifier.verify('t', 'c', await mint(`${base}/gone`, 'k1', k1.privateKey)), 'issuer_keys_unavailable', /answered HTTP 404/);
  });

  it('bounds the fetch: https only, trusted certificates only, a deadline and a size limit', async () => {
    answers.set('/slow', () => 'hang');
    serve('/huge', { pad: 'x'.repeat(5000) });
    await assert.rejects(httpsJsonFetcher({ ca, timeoutMs: 300 })(`${base}/slow`), /timed out after 300 ms/);
    await assert.rejects(httpsJsonFetcher({ ca, maxBytes: 1000 })(`${base}/huge`), /more than 1000 bytes/);
    await assert.rejects(httpsJsonFetcher({ ca })(`http://127.0.0.1:1/x`), /not https/);
    await assert.rejects(httpsJsonFetcher()(`${base}/gh/keys`), /failed: .*certificate/i);
    assert.deepEqual(Object.keys((await httpsJsonFetcher({ ca })(`${base}/gh/keys`)) as object), ['keys']);
  });
});
