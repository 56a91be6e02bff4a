import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest } from '../helpers/https.js';
import { runClient } from '../helpers/child.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';

const SUBJECT = 'system:serviceaccount:ns:app';
const AUDIENCE = 'api://AzureADTokenExchange';
const TOKENS = '/providers/OpenMI.Tokens/workloadTokens?api-version=2025-01-01';
const issuers = (name = '') =>
  `/providers/OpenMI.Tokens/federationIssuers${name ? `/${name}` : ''}?api-version=2025-01-01`;

interface ClientOut {
  tokens: { token: string; expiresOnTimestamp: number; refreshAfterTimestamp?: number }[];
  error?: { name: string; message: string };
}

await forEachStore((storeName, storeSpec) => {
  describe(`workload identity federation with unmodified @azure/identity on ${storeName}`, () => {
    let t: TestServer;
    let identity: { id: string; properties: { clientId: string; principalId: string } };
    let jwks: ReturnType<typeof createLocalJWKSet>;
    const issuer = () => `${t.server.baseUrl}/openmi/workload`;
    const identityPath = () =>
      `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-wi/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`;

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      await t.arm('PUT', `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-wi?api-version=2025-04-01`, {
        location: 'local',
      });
      const created = await t.arm('PUT', `${identityPath()}?api-version=2024-11-30`, { location: 'local' });
      assert.equal(created.status, 201, created.text);
      identity = created.json;
      const fic = await t.arm('PUT', `${identityPath()}/federatedIdentityCredentials/k8s?api-version=2024-11-30`, {
        properties: { issuer: issuer(), subject: SUBJECT, audiences: [AUDIENCE] },
      });
      assert.equal(fic.status, 201, fic.text);
      jwks = createLocalJWKSet(
        (await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/discovery/v2.0/keys`, { ca: t.ca })).json,
      );
    });
    after(() => t.stop());

    const workloadToken = async (subject = SUBJECT) => {
      const r = await t.arm('POST', TOKENS, { subject });
      assert.equal(r.status, 200, r.text);
      return r.json as { token: string; issuer: string; subject: string; audience: string; expiresOn: string };
    };
    const tokenFile = (name: string, token: string) => {
      const file = join(t.dataDir, name);
      writeFileSync(file, token);
      return file;
    };
    const run = async (mode: 'workload' | 'managed', file: string, scope: string, calls = 1): Promise<ClientOut> => {
      const env = {
        AZURE_FEDERATED_TOKEN_FILE: file,
        AZURE_CLIENT_ID: identity.properties.clientId,
        AZURE_TENANT_ID: t.creds.tenantId,
        AZURE_AUTHORITY_HOST: t.server.baseUrl,
        NODE_EXTRA_CA_CERTS: t.server.caCertPath,
      };
      const r = await runClient('workload-identity.client.js', [JSON.stringify({ mode, scope, calls })], env);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as ClientOut;
    };
    const verifyAccessToken = async (token: string, resource: string): Promise<JWTPayload> => {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: `${t.server.baseUrl}/${t.creds.tenantId}/`,
        audience: resource,
        algorithms: ['RS256'],
      });
      assert.equal(payload.oid, identity.properties.principalId);
      assert.equal(payload.sub, identity.properties.principalId);
      assert.equal(payload.appid, identity.properties.clientId);
      assert.equal(payload.tid, t.creds.tenantId);
      assert.equal(payload.idtyp, 'app');
      assert.equal(payload.appidacr, '2');
      assert.equal(payload.xms_mirid, identity.id);
      return payload;
    };

    it('serves the workload issuer and mints tokens that verify against its own discovery', async () => {
      const disco = await httpsRequest(`${issuer()}/.well-known/openid-configuration`, { ca: t.ca });
      assert.equal(disco.status, 200, disco.text);
      assert.equal(disco.json.issuer, issuer());
      assert.deepEqual(disco.json.id_token_signing_alg_values_supported, ['RS256']);
      const keys = await httpsRequest(disco.json.jwks_uri, { ca: t.ca });
      const w = await workloadToken();
      const { payload } = await jwtVerify(w.token, createLocalJWKSet(keys.json), {
        issuer: issuer(),
        audience: AUDIENCE,
        subject: SUBJECT,
      });
      assert.deepEqual(Object.keys(payload).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
      assert.equal(payload.exp! - payload.iat!, 3600);
      assert.equal(new Date(w.expiresOn).getTime(), payload.exp! * 1000);
      const unknown = await httpsRequest(`${issuer()}/nothing`, { ca: t.ca });
      assert.equal(unknown.status, 404);
      assert.match(unknown.json.error_description, /No workload-issuer endpoint/);
      const other = await httpsRequest(`${t.server.baseUrl}/openmi/agent/v1/nothing`, { ca: t.ca });
      assert.doesNotMatch(other.text, /workload-issuer/, 'other /openmi paths are left to their own surfaces');
    });

    it('WorkloadIdentityCredential exchanges the workload token for an access token', async () => {
      const out = await run(
        'workload',
        tokenFile('wi.jwt', (await workloadToken()).token),
        'https://management.azure.com/.default',
      );
      assert.equal(out.error, undefined, out.error?.message);
      await verifyAccessToken(out.tokens[0]!.token, 'https://management.azure.com');
    });

    it('ManagedIdentityCredential takes the token-exchange path; every token has its own uti', async () => {
      const out = await run(
        'managed',
        tokenFile('mi.jwt', `${(await workloadToken()).token}\n`),
        'https://vault.azure.net/.default',
        2,
      );
      assert.equal(out.error, undefined, out.error?.message);
      assert.equal(out.tokens.length, 2);
      const p = await Promise.all(out.tokens.map((x) => verifyAccessToken(x.token, 'https://vault.azure.net')));
      assert.notEqual(p[0]!.uti, p[1]!.uti, 'the MI exchange path does not cache, and each token is unique');
    });

    it('refuses a token for another subject and says which issuer and subject it saw', async () => {
      const out = await run(
        'workload',
        tokenFile('bad.jwt', (await workloadToken('system:serviceaccount:ns:intruder')).token),
        'https://management.azure.com/.default',
      );
      assert.equal(out.tokens.length, 0);
      assert.match(out.error!.message, /AADSTS70021/);
      assert.match(
        out.error!.message,
        new RegExp(
          `Assertion issuer: '${issuer().replace(/[.]/g, '\\.')}', subject: 'system:serviceaccount:ns:intruder'`,
        ),
      );
      assert.doesNotMatch(
        out.error!.message,
        /ns:app/,
        'the configured subjects are not disclosed to an unauthenticated caller',
      );
    });

    it('the CLI writes a workload token file with mode 0600 that the SDK accepts', async () => {
      const cli = cliFor(t);
      const file = join(t.dataDir, 'cli.jwt');
      await cli.ok('workload-token', '--subject', SUBJECT, '--lifetime', '600', '--out', file);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const out = await run('workload', file, 'https://storage.azure.com/.default');
      assert.equal(out.error, undefined, out.error?.message);
      await verifyAccessToken(out.tokens[0]!.token, 'https://storage.azure.com');
      const bad = await cli.run('workload-token', '--subject', SUBJECT, '--lifetime', '30');
      assert.notEqual(bad.code, 0);
    });

    it('trusts an external issuer through a JWKS registered over ARM and the CLI', async () => {
      const ext = 'https://ci.example.com/oidc';
      const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'ci-1' };
      const cli = cliFor(t);
      const jwksFile = join(t.dataDir, 'ci-jwks.json');
      writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
      const added = await cli.json<{ name: string; properties: { issuer: string } }>(
        'federation-issuer',
        'add',
        '-n',
        'ci',
        '--issuer',
        ext,
        '--jwks-file',
        jwksFile,
      );
      assert.equal(added.properties.issuer, ext);
      const priv = await t.arm('PUT', issuers('leak'), {
        properties: {
          issuer: 'https://other.example',
          jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'x' }] },
        },
      });
      assert.equal(priv.status, 400, priv.text);
      assert.match(priv.json.error.message, /private key members/);
      const dup = await t.arm('PUT', issuers('ci-again'), { properties: { issuer: ext, jwks: { keys: [jwk] } } });
      assert.equal(dup.status, 409, dup.text);
      assert.deepEqual(
        (await t.arm('GET', issuers())).json.value.map((i: { name: string }) => i.name),
        ['ci'],
      );
      const fic = await t.arm(
        'PUT',
        `${identityPath()}/federatedIdentityCredentials/ci-pipeline?api-version=2024-11-30`,
        { properties: { issuer: ext, subject: 'pipeline:42', audiences: [AUDIENCE] } },
      );
      assert.equal(fic.status, 201, fic.text);
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'ci-1' })
        .setIssuer(ext)
        .setSubject('pipeline:42')
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const out = await run('workload', tokenFile('ci.jwt', assertion), 'https://management.azure.com/.default');
      assert.equal(out.error, undefined, out.error?.message);
      assert.equal(decodeJwt(out.tokens[0]!.token).xms_mirid, identity.id);
      assert.match(await cli.ok('federation-issuer', 'delete', '-n', 'ci'), /deleted federation issuer ci/);
      assert.equal((await t.arm('GET', issuers('ci'))).status, 404);
    });
  });
});
