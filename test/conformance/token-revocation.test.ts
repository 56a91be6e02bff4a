import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AheadClock } from '../helpers/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { httpsRequest, type HttpsResponse } from '../helpers/https.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { forEachStore } from '../helpers/postgres.js';
import { LOGIN_LINK_GRANT_TYPE, PORTAL_CLIENT_ID } from '../../src/server/tokens/login-links.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const VAULT = 'https://vault.openmi.localhost';
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const VM = 'Microsoft.Compute/virtualMachines';

/** A VM whose agent mints real tokens for its system-assigned identity and one user-assigned identity. */
interface Workload {
  rg: string;
  vmId: string;
  systemPrincipalId: string;
  uai: { id: string; clientId: string; principalId: string };
  agent: RawAgent;
}

/**
 * Finding 4 of docs/security.md: every verifier refuses a revoked token on the next request of the node
 * that revoked it, the control plane included, and deleting an identity in any way revokes its
 * tokens (401 everywhere, where data planes used to answer 403 for the rest of the token's life).
 */
await forEachStore((storeName, storeSpec) => {
  describe(`token revocation reaches every verifier, and identity deletion revokes (${storeName})`, () => {
    let t: TestServer;
    let vaultHost: string;
    const clock = new AheadClock();
    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop, clock });
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-vault`;
      assert.equal((await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' })).status, 201);
      const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-revoke?api-version=2023-07-01`, {
        location: 'westeurope',
        properties: {},
      });
      assert.equal(kv.status, 201, kv.text);
      vaultHost = `kv-revoke.vault.openmi.localhost:${new URL(t.server.baseUrl).port}`;
    });
    after(() => t.stop());

    const assign = async (scope: string, roleId: string, principalId: string) => {
      const roleDefinitionId = `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
      const r = await t.arm(
        'PUT',
        `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        { properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' } },
      );
      assert.equal(r.status, 201, r.text);
    };

    /** A group with a user-assigned identity and a VM carrying it and a system-assigned one; both may read the group and the vault. */
    const workload = async (name: string): Promise<Workload> => {
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-${name}`;
      assert.equal((await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' })).status, 201);
      const u = await t.arm('PUT', `${rg}/providers/${UAI}/id-${name}?api-version=2024-11-30`, {
        location: 'westeurope',
      });
      assert.equal(u.status, 201, u.text);
      const vm = await t.arm('PUT', `${rg}/providers/${VM}/vm-${name}?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      });
      assert.equal(vm.status, 201, vm.text);
      const w: Workload = {
        rg,
        vmId: vm.json.id,
        systemPrincipalId: vm.json.identity.principalId,
        uai: { id: u.json.id, ...u.json.properties },
        agent: new RawAgent(t),
      };
      for (const p of [w.systemPrincipalId, w.uai.principalId]) {
        await assign(rg, READER, p);
        await assign(`/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-vault`, SECRETS_USER, p);
      }
      const join = await t.arm('POST', `${w.vmId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
      assert.equal((await w.agent.enroll(join.json.token)).status, 201);
      return w;
    };

    /** A real token minted by the agent; `user` picks the user-assigned identity, else the system-assigned one. */
    const mint = async (w: Workload, resource: string, user: boolean): Promise<string> => {
      const r = await w.agent.token(resource, user ? { name: 'client_id', value: w.uai.clientId } : undefined);
      assert.equal(r.status, 200, r.text);
      return r.json.accessToken as string;
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const arm = (token: string, path: string) =>
      httpsRequest(`${t.server.baseUrl}${path}?api-version=2025-04-01`, { ca: t.ca, headers: bearer(token) });
    const graph = (token: string, principalId: string) =>
      httpsRequest(`${t.server.baseUrl}/v1.0/servicePrincipals/${principalId}`, { ca: t.ca, headers: bearer(token) });
    const vault = (token: string) =>
      httpsRequest(`${t.server.baseUrl}/secrets?api-version=7.4`, {
        ca: t.ca,
        headers: { host: vaultHost, ...bearer(token) },
      });
    const revoked = (r: HttpsResponse, what: string) => {
      assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
      assert.match(r.text, /revoked/, what);
      assert.ok(r.headers['www-authenticate'], `${what}: a 401 carries its challenge`);
    };
    const listedRevocation = async (principalId: string) => {
      const list = await t.arm('GET', '/providers/OpenMI.Tokens/revocations?api-version=2025-01-01');
      return (list.json.value as { principalId: string }[]).some(
        (r) => r.principalId.toLowerCase() === principalId.toLowerCase(),
      );
    };

    it('revokeTokens: ARM, Graph and Key Vault refuse the earlier token on the next request (ARM used to answer 200); a later token works', async () => {
      const w = await workload('revoke');
      const armToken = await mint(w, t.server.baseUrl, true);
      const vaultToken = await mint(w, VAULT, true);
      assert.equal((await arm(armToken, w.rg)).status, 200, 'the identity reads its group before the revocation');
      assert.equal((await graph(armToken, w.uai.principalId)).status, 200);
      assert.equal((await vault(vaultToken)).status, 200);
      const rv = await t.arm('POST', `${w.uai.id}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`);
      assert.equal(rv.status, 200, rv.text);
      const refused = await arm(armToken, w.rg);
      revoked(refused, 'ARM');
      assert.equal(refused.json.error.code, 'InvalidAuthenticationToken');
      assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
      revoked(await graph(armToken, w.uai.principalId), 'Graph');
      revoked(await vault(vaultToken), 'Key Vault');
      // The system-assigned identity of the same VM was not revoked.
      assert.equal((await arm(await mint(w, t.server.baseUrl, false), w.rg)).status, 200);
      clock.advance(1_000); // iat has second resolution; a token of the revocation's second stays revoked
      assert.equal(
        (await arm(await mint(w, t.server.baseUrl, true), w.rg)).status,
        200,
        'a token minted after the revocation works',
      );
    });

    it('a login link made with the token before revokeTokens is revoked with it (it used to redeem for a fresh token)', async () => {
      const w = await workload('link');
      const armToken = await mint(w, t.server.baseUrl, true);
      const link = await httpsRequest(`${t.server.baseUrl}/providers/OpenMI.Portal/loginLinks?api-version=2025-01-01`, {
        method: 'POST',
        ca: t.ca,
        headers: bearer(armToken),
      });
      assert.equal(link.status, 200, link.text);
      const fragment = new URL(link.json.url as string).hash;
      const code = new URLSearchParams(fragment.slice(fragment.indexOf('?') + 1)).get('code')!;
      assert.equal(
        (await t.arm('POST', `${w.uai.id}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`)).status,
        200,
      );
      const body = new URLSearchParams({
        grant_type: LOGIN_LINK_GRANT_TYPE,
        client_id: PORTAL_CLIENT_ID,
        code,
        resource: t.server.baseUrl,
      }).toString();
      const redeemed = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/token`, {
        method: 'POST',
        ca: t.ca,
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(redeemed.status, 400, redeemed.text);
      assert.equal(redeemed.json.error, 'invalid_grant');
      assert.match(redeemed.json.error_description, /revoked/);
    });

    it('deleting a user-assigned identity revokes its tokens: Key Vault answers 401, not 403', async () => {
      const w = await workload('uai-delete');
      const vaultToken = await mint(w, VAULT, true);
      const armToken = await mint(w, t.server.baseUrl, true);
      assert.equal((await vault(vaultToken)).status, 200);
      assert.equal((await t.arm('DELETE', `${w.uai.id}?api-version=2024-11-30`)).status, 200);
      revoked(await vault(vaultToken), 'Key Vault');
      revoked(await arm(armToken, w.rg), 'ARM');
      assert.ok(await listedRevocation(w.uai.principalId), 'the gate learns it from the revocations list');
    });

    it('disabling a system-assigned identity revokes its tokens', async () => {
      const w = await workload('sa-disable');
      const vaultToken = await mint(w, VAULT, false);
      assert.equal((await vault(vaultToken)).status, 200);
      const patch = await t.arm('PATCH', `${w.vmId}?api-version=2024-07-01`, {
        identity: { type: 'UserAssigned', userAssignedIdentities: { [w.uai.id]: {} } },
      });
      assert.equal(patch.status, 200, patch.text);
      revoked(await vault(vaultToken), 'Key Vault');
      assert.ok(await listedRevocation(w.systemPrincipalId));
      assert.equal(
        (await vault(await mint(w, VAULT, true))).status,
        200,
        'the user-assigned identity it still carries is untouched',
      );
    });

    it('deleting the resource revokes the tokens of its system-assigned identity; its user-assigned identity keeps working', async () => {
      const w = await workload('vm-delete');
      const systemToken = await mint(w, VAULT, false);
      const userToken = await mint(w, VAULT, true);
      assert.equal((await t.arm('DELETE', `${w.vmId}?api-version=2024-07-01`)).status, 200);
      revoked(await vault(systemToken), 'Key Vault');
      assert.equal(
        (await vault(userToken)).status,
        200,
        'a user-assigned identity outlives the resources that carried it',
      );
    });

    it('deleting the resource group revokes the tokens of every identity in it', async () => {
      const w = await workload('rg-delete');
      const systemToken = await mint(w, VAULT, false);
      const userToken = await mint(w, VAULT, true);
      assert.equal((await t.arm('DELETE', `${w.rg}?api-version=2025-04-01`)).status, 200);
      revoked(await vault(systemToken), 'Key Vault (system-assigned)');
      revoked(await vault(userToken), 'Key Vault (user-assigned)');
      assert.ok(await listedRevocation(w.systemPrincipalId));
      assert.ok(await listedRevocation(w.uai.principalId));
    });
  });
});
