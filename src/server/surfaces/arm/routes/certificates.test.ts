import assert from 'node:assert/strict';
import { X509Certificate, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newKeyAndCsr } from '../../../../gate/postgres/pg-tls.js';
import { httpsRequest } from '../../../../../test/helpers/https.js';
import { RawAgent } from '../../../../../test/helpers/raw-agent.js';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';

const ISSUE = '/providers/OpenMI.Pki/certificates/issue?api-version=2025-01-01';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

describe('POST /providers/OpenMI.Pki/certificates/issue', () => {
  let t: TestServer;
  let ownerOfGroupToken: string;
  before(async () => {
    t = await startTestServer();
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    const rg = `${sub}/resourceGroups/rg-pki`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
    });
    // Owner of its resource group: every right there, none at the tenant root.
    const ra = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
          principalId: vm.json.identity.principalId,
          principalType: 'ServicePrincipal',
        },
      },
    );
    assert.equal(ra.status, 201, ra.text);
    const join = await t.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    const agent = new RawAgent(t);
    assert.equal((await agent.enroll(join.json.token)).status, 201);
    ownerOfGroupToken = (await agent.token(t.server.baseUrl)).json.accessToken;
    assert.ok(ownerOfGroupToken);
  });
  after(() => t.stop());

  it('gives the admin a leaf for the CSR that chains to ca.pem', async () => {
    const { csrPem } = await newKeyAndCsr({ dnsNames: ['pg.example.test'], ipAddresses: ['127.0.0.1'] });
    const r = await t.arm('POST', ISSUE, { csr: csrPem, validityDays: 7 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.caCertificate, t.ca);
    const leaf = new X509Certificate(r.json.certificate);
    assert.ok(leaf.verify(new X509Certificate(t.ca).publicKey));
    assert.equal(leaf.subjectAltName, 'DNS:pg.example.test, IP Address:127.0.0.1');
    assert.deepEqual([r.json.dnsNames, r.json.ipAddresses], [['pg.example.test'], ['127.0.0.1']]);
    assert.equal(Date.parse(r.json.notAfter) - Date.now() < 7 * 86_400_000 + 60_000, true);
  });

  it('says what is wrong with a body without a CSR, a bad CSR or a validity out of range', async () => {
    const none = await t.arm('POST', ISSUE, {});
    assert.equal(none.status, 400);
    assert.equal(none.json.error.code, 'InvalidRequestContent');
    const bad = await t.arm('POST', ISSUE, { csr: 'not a csr' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.target, 'csr');
    const { csrPem } = await newKeyAndCsr({ dnsNames: ['a.test'], ipAddresses: [] });
    const long = await t.arm('POST', ISSUE, { csr: csrPem, validityDays: 365 });
    assert.equal(long.status, 400);
    assert.match(long.json.error.message, /1 to 90/);
  });

  it('refuses an Owner of a resource group: the CA is trusted installation-wide', async () => {
    const { csrPem } = await newKeyAndCsr({ dnsNames: ['a.test'], ipAddresses: [] });
    const r = await httpsRequest(`${t.server.baseUrl}${ISSUE}`, {
      method: 'POST',
      ca: t.ca,
      headers: { authorization: `Bearer ${ownerOfGroupToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ csr: csrPem }),
    });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'AuthorizationFailed');
    assert.match(r.json.error.message, /OpenMI\.Pki\/certificates\/issue\/action/);
  });
});
