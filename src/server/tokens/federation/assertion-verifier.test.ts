import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK } from 'jose';
import { ManualClock } from '../../../kernel/clock.js';
import { DomainError } from '../../../kernel/errors.js';
import type {
  FederatedCredentialRecord,
  FederationIssuerRecord,
  PrincipalRecord,
  UserAssignedIdentityRecord,
} from '../../../store/records.js';
import { FederatedAssertionVerifier, type FederationFailure } from './assertion-verifier.js';
import { IssuerHostPolicy } from './issuer-hosts.js';
import { IssuerKeys } from './issuer-keys.js';

const OWN = 'https://openmi.test/openmi/workload';
const EXT = 'https://issuer.example/ext';
const AUD = 'api://AzureADTokenExchange';
const SUB = 'system:serviceaccount:ns:app';
const TENANT = 't-1';
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const now = () => Math.floor(clock.now() / 1000);

const identity: UserAssignedIdentityRecord = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app',
  subscriptionId: 's',
  resourceGroup: 'rg',
  name: 'app',
  location: 'local',
  tags: {},
  isolationScope: 'None',
  principalId: 'p-1',
  clientId: 'c-1',
  tenantId: TENANT,
  createdAt: 0,
  updatedAt: 0,
};
const principal: PrincipalRecord = {
  objectId: 'p-1',
  appId: 'c-1',
  tenantId: TENANT,
  displayName: 'app',
  kind: 'managedIdentity',
  resourceId: identity.id,
  createdAt: 0,
};
const cred = (name: string, issuer: string, subject = SUB): FederatedCredentialRecord => ({
  id: `${identity.id}/federatedIdentityCredentials/${name}`,
  identityId: identity.id,
  name,
  issuer,
  subject,
  audiences: [AUD],
  createdAt: 0,
  updatedAt: 0,
});
const credentials = [cred('own', OWN), cred('ext', EXT)];
const registered = new Map<string, FederationIssuerRecord>();
const store = {
  identities: { getByClientId: async (id: string) => (id === identity.clientId ? identity : undefined) },
  principals: { getByObjectId: async (id: string) => (id === principal.objectId ? principal : undefined) },
  federatedCredentials: {
    findByIssuerSubject: async (iss: string, sub: string) =>
      credentials.filter((c) => c.issuer === iss && c.subject === sub),
    list: async () => ({ items: credentials }),
  },
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let reloads = 0;
const ownKeys = {
  publicKey: (kid: string): KeyObject | undefined => (kid === 'own-1' ? rsa.publicKey : undefined),
  reload: async () => void reloads++,
};
const noFetch = async (url: string) => assert.fail(`unexpected fetch of ${url}`);
const verifier = new FederatedAssertionVerifier({
  store,
  clock,
  keys: new IssuerKeys({
    policy: new IssuerHostPolicy([], OWN),
    ownKeys,
    registered: { getByIssuer: async (i) => registered.get(i) },
    fetchJson: noFetch,
    clock,
    log: { warn: () => undefined },
  }),
});

interface Mint {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  kid?: string;
  alg?: 'RS256' | 'ES256';
  key?: KeyObject;
}
const mint = (o: Mint = {}) =>
  new SignJWT({})
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? 'own-1', typ: 'JWT' })
    .setIssuer(o.iss ?? OWN)
    .setSubject(o.sub ?? SUB)
    .setAudience(o.aud ?? AUD)
    .setIssuedAt(now())
    .setNotBefore(o.nbf ?? now())
    .setExpirationTime(o.exp ?? now() + 600)
    .sign(o.key ?? rsa.privateKey);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claimsOf = (o: Mint = {}) => ({
  iss: o.iss ?? OWN,
  sub: SUB,
  aud: AUD,
  iat: now(),
  nbf: now(),
  exp: now() + 600,
});

async function refused(
  assertion: string | Promise<string>,
  code: FederationFailure,
  message: RegExp,
  clientId = identity.clientId,
  tenant = TENANT,
) {
  await assert.rejects(verifier.verify(tenant, clientId, await assertion), (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('FederatedAssertionVerifier', () => {
  it("accepts openmi's own workload token, with the trailing newline Python leaves in", async () => {
    const g = await verifier.verify(TENANT, identity.clientId, `${await mint()}\n`);
    assert.equal(g.identity.id, identity.id);
    assert.equal(g.principal.objectId, principal.objectId);
    assert.equal(g.credential.name, 'own');
    assert.equal(g.claims.sub, SUB);
  });

  it('accepts aud as an array that contains the credential audience', async () => {
    const g = await verifier.verify(TENANT, identity.clientId, await mint({ aud: ['other', AUD] }));
    assert.equal(g.credential.name, 'own');
  });

  it('refuses an unknown client id, and a known one under another tenant', async () => {
    await refused(mint(), 'unknown_identity', /No user-assigned managed identity with client id 'nope'/, 'nope');
    await refused(mint(), 'unknown_identity', /in tenant 't-2'/, identity.clientId, 't-2');
  });

  it('refuses an assertion no credential matches, naming its issuer and subject but not the configured pairs', async () => {
    await refused(
      mint({ sub: 'system:serviceaccount:ns:other' }),
      'no_matching_federated_credential',
      /Assertion issuer: 'https:\/\/openmi\.test\/openmi\/workload', subject: 'system:serviceaccount:ns:other'\. The identity '[^']+' has 2 federated credential\(s\), none with this issuer and subject/,
    );
  });

  it('refuses a wrong audience before looking at the signature', async () => {
    await refused(
      mint({ aud: 'api://other', key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
      'assertion_audience',
      /'api:\/\/other' does not match .* expected 'api:\/\/AzureADTokenExchange'/,
    );
  });

  it("refuses alg 'none' and HS256 keyed with the issuer's public key", async () => {
    await refused(
      `${b64({ alg: 'none', kid: 'own-1' })}.${b64(claimsOf())}.`,
      'assertion_signature',
      /algorithm 'none' is not allowed/,
    );
    const input = `${b64({ alg: 'HS256', kid: 'own-1' })}.${b64(claimsOf())}`;
    const secret = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const hs = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    await refused(hs, 'assertion_signature', /algorithm 'HS256' is not allowed; expected 'RS256' or 'ES256'/);
  });

  it('refuses an unknown kid after one reload of the own keys, then not again within the cooldown', async () => {
    const before = reloads;
    await refused(
      mint({ kid: 'rotated' }),
      'assertion_signature',
      /no signing key with kid 'rotated'.*openmi's own signing keys/,
    );
    assert.equal(reloads, before + 1);
    await refused(mint({ kid: 'rotated' }), 'assertion_signature', /no signing key with kid 'rotated'/);
    assert.equal(reloads, before + 1, 'second unknown kid within 30 s does not reload');
  });

  it('refuses expired and not-yet-valid assertions, allowing 5 minutes of skew', async () => {
    await refused(mint({ exp: now() - 301 }), 'assertion_lifetime', /token expired at .* allowed clock skew 300s/);
    await refused(mint({ nbf: now() + 301 }), 'assertion_lifetime', /not valid before/);
    await verifier.verify(TENANT, identity.clientId, await mint({ exp: now() - 290, nbf: now() + 290 }));
  });

  it('refuses a tampered payload and a signature from another key', async () => {
    const [h, , s] = (await mint()).split('.');
    await refused(
      `${h}.${b64({ ...claimsOf(), exp: now() + 86_400 })}.${s}`,
      'assertion_signature',
      /signature does not verify/,
    );
    await refused(
      mint({ key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
      'assertion_signature',
      /signature does not verify/,
    );
  });

  it('refuses garbage with a message instead of an exception', async () => {
    await refused('not-a-jwt', 'assertion_malformed', /not a JWT/);
    await refused(`${b64({ alg: 'RS256' })}.${b64({ sub: SUB, aud: AUD })}.x`, 'assertion_malformed', /no 'iss' claim/);
  });

  it('verifies an external issuer with a registered ES256 JWKS and refuses RS256 under an EC kid', async () => {
    registered.set(EXT, {
      name: 'ext',
      issuer: EXT,
      jwks: { keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'ec-1' }] },
      createdBy: 'x',
      createdAt: 0,
      updatedAt: 0,
    });
    const g = await verifier.verify(
      TENANT,
      identity.clientId,
      await mint({ iss: EXT, alg: 'ES256', kid: 'ec-1', key: ec.privateKey }),
    );
    assert.equal(g.credential.name, 'ext');
    await refused(mint({ iss: EXT, kid: 'ec-1' }), 'assertion_signature', /not an RSA key/);
    await refused(
      mint({ iss: EXT, alg: 'ES256', kid: 'ec-2', key: ec.privateKey }),
      'assertion_signature',
      /kid 'ec-2'.*registered as federation issuer 'ext'/,
    );
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await refused(
      mint({ iss: EXT, alg: 'ES256', kid: 'ec-1', key: other }),
      'assertion_signature',
      /signature does not verify/,
    );
  });
});
