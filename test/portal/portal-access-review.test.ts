import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, launchChromium, loginLink, portalContext } from '../helpers/browser.js';
import { httpsRequest } from '../helpers/https.js';
import { forEachStore } from '../helpers/postgres.js';

const skip = browserUnavailable();
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const READ_RG = 'Microsoft.Resources/subscriptions/resourceGroups/read';
const MSI = 'api-version=2024-11-30';
const RG_V = 'api-version=2025-04-01';

/** A user-assigned identity and an ARM token of its own, through workload identity federation. */
async function identityWithToken(t: TestServer, rg: string, name: string) {
  const uai = (
    await t.arm('PUT', `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}?${MSI}`, {
      location: 'local',
    })
  ).json;
  const minted = (
    await t.arm('POST', '/providers/OpenMI.Tokens/workloadTokens?api-version=2025-01-01', { subject: name })
  ).json;
  const fic = await t.arm('PUT', `${uai.id}/federatedIdentityCredentials/pipeline?${MSI}`, {
    properties: { issuer: minted.issuer, subject: name, audiences: [minted.audience] },
  });
  assert.equal(fic.status, 201, fic.text);
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: uai.properties.clientId,
    scope: `${t.server.baseUrl}/.default`,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: minted.token,
  }).toString();
  const r = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    ca: t.ca,
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(r.status, 200, r.text);
  return { id: uai.id as string, principalId: uai.properties.principalId as string, token: r.json.access_token };
}

/** The identity's own call to ARM, authorized (and so recorded) like any SDK's. */
const callAs = (t: TestServer, token: string, method: string, path: string, body?: unknown) =>
  httpsRequest(`${t.server.baseUrl}${path}`, {
    method,
    ca: t.ca,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const listItems = async (page: Page, label: string) =>
  (await page.getByRole('list', { name: label }).getByRole('listitem').allInnerTexts()).map((s) => s.trim());

await forEachStore((kind, storeSpec) =>
  describe(`portal in Chromium: access review (${kind})`, { skip }, () => {
    let t: TestServer;
    let browser: Browser;
    let app: Awaited<ReturnType<typeof identityWithToken>>;
    let contributor: string;
    let idle: string;
    let groupId: string;
    const sub = () => `/subscriptions/${t.creds.subscriptionId}`;
    const assign = async (scope: string, role: string, principalId: string, principalType = 'ServicePrincipal') => {
      const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
      const r = await t.arm('PUT', `${id}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
          principalType,
        },
      });
      assert.equal(r.status, 201, r.text);
      return id;
    };

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      browser = await launchChromium();
      const rg = `${sub()}/resourceGroups/rg-review`;
      const other = `${sub()}/resourceGroups/rg-other`;
      for (const g of [rg, other])
        assert.equal((await t.arm('PUT', `${g}?${RG_V}`, { location: 'local' })).status, 201);
      app = await identityWithToken(t, rg, 'id-review');
      contributor = await assign(rg, CONTRIBUTOR, app.principalId);
      idle = await assign(other, READER, app.principalId);
      // A group whose Reader role one member uses and the other never does.
      const member = await identityWithToken(t, rg, 'id-member');
      const group = await t.arm('POST', '/v1.0/groups', {
        displayName: 'readers',
        mailNickname: 'readers',
        securityEnabled: true,
      });
      assert.equal(group.status, 201, group.text);
      groupId = group.json.id;
      for (const p of [member.principalId, app.principalId]) {
        const ref = await t.arm('POST', `/v1.0/groups/${groupId}/members/$ref`, {
          '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${p}`,
        });
        assert.equal(ref.status, 204, ref.text);
      }
      await assign(other, READER, groupId, 'Group');
      for (let i = 0; i < 3; i++) assert.equal((await callAs(t, app.token, 'GET', `${rg}?${RG_V}`)).status, 200);
      assert.equal((await callAs(t, member.token, 'GET', `${other}?${RG_V}`)).status, 200);
      // A clean restart writes the counters (they are flushed every 10 s otherwise).
      const port = Number(new URL(t.server.baseUrl).port);
      await t.server.close();
      t = await startTestServer({ store: s.spec, onStop: s.drop, dataDir: t.dataDir, port });
    });
    after(async () => {
      await browser?.close();
      await t?.stop();
      if (t) rmSync(t.dataDir, { recursive: true, force: true });
    });

    it('shows used and unused permissions and the suggested role, dry-runs and applies it', async () => {
      const { context, page, errors } = await portalContext(browser);
      await page.goto(await loginLink(t));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      await page.goto(`${new URL(page.url()).origin}/portal/#/identities/rg-review/id-review`);
      await page.getByRole('tab', { name: 'Access review' }).click();
      await page.getByRole('heading', { name: 'Suggested role: id-review least privilege' }).waitFor();
      assert.deepEqual(await listItems(page, 'Suggested actions'), [READ_RG]);
      assert.equal(await page.getByRole('list', { name: 'Suggested data actions' }).count(), 0);
      assert.deepEqual(
        (await listItems(page, 'Assignable scope')).map((s) => s.toLowerCase()),
        [`${sub()}/resourcegroups/rg-review`.toLowerCase()],
      );

      const used = page.getByRole('table', { name: /^Used of Contributor at / });
      const row = used.getByRole('row', { name: new RegExp(READ_RG) });
      assert.equal(await row.locator('td[data-label="Calls"]').innerText(), '3');
      assert.match(await row.innerText(), /rg-review/i);
      assert.equal(await used.getByRole('row').count(), 2, 'header and the one used operation');
      // Contributor's '*' was used only for reading the group; Reader elsewhere never at all.
      const c = page.getByRole('region', { name: 'Assignment Contributor' });
      assert.match(await c.innerText(), /only Microsoft\.Resources\/subscriptions\/resourceGroups\/read used/);
      const readers = page.getByRole('region', { name: 'Assignment Reader' });
      const direct = readers.filter({ hasText: idle });
      assert.match(await direct.innerText(), /Never used/);
      const unusedOfReader = direct.getByRole('list', { name: 'Unused actions of Reader' }).getByRole('listitem');
      assert.deepEqual(await unusedOfReader.allInnerTexts(), ['*/read']);

      // The --days selector asks the server again; today's calls are in every window.
      await page.getByLabel('Evidence window').selectOption('1');
      await page
        .getByRole('table', { name: /^Used of Contributor at / })
        .getByRole('row', { name: new RegExp(READ_RG) })
        .waitFor();

      await page.getByRole('button', { name: 'Dry run' }).click();
      const dry = page.getByRole('region', { name: 'Plan (dry run)' });
      await dry.waitFor();
      assert.match(await dry.innerText(), /Create the custom role id-review least privilege/);
      assert.match(await dry.innerText(), /none of them would be denied/);
      assert.equal(
        (await t.arm('GET', `${contributor}?api-version=2022-04-01`)).status,
        200,
        'a dry run changes nothing',
      );

      await page.getByRole('button', { name: 'Apply suggested role' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply the suggested role?' });
      assert.match(await dialog.innerText(), /1 observed call\(s\) of the last 1 day\(s\) re-checked/);
      assert.match(await dialog.innerText(), /none of them would be denied/);
      await dialog.getByRole('button', { name: 'Apply' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: 'Applied: id-review now holds id-review least privilege' })
        .waitFor();
      for (const gone of [contributor, idle])
        assert.equal((await t.arm('GET', `${gone}?api-version=2022-04-01`)).status, 404);
      // The identity still reads its group, and may no longer write it.
      const rg = `${sub()}/resourceGroups/rg-review`;
      assert.equal((await callAs(t, app.token, 'GET', `${rg}?${RG_V}`)).status, 200);
      assert.equal((await callAs(t, app.token, 'PUT', `${rg}?${RG_V}`, { location: 'local' })).status, 403);
      assert.deepEqual(errors, []);
      await context.close();
    });

    it("shows on the group's page which member used which of its permissions", async () => {
      const { context, page, errors } = await portalContext(browser);
      await page.goto(await loginLink(t));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      await page.goto(`${new URL(page.url()).origin}/portal/#/groups/${groupId}?tab=access-review`);
      const used = page.getByRole('table', { name: 'Used by id-member of Reader' });
      const calls = used.getByRole('row', { name: new RegExp(READ_RG) }).locator('td[data-label="Calls"]');
      assert.equal(await calls.innerText(), '1');
      const idleMembers = page.getByRole('list', { name: 'Members that used none of them' });
      assert.deepEqual(await idleMembers.getByRole('listitem').allInnerTexts(), ['id-review']);
      assert.deepEqual(errors, []);
      await context.close();
    });

    it("renders the server's refusal as other ARM errors are rendered", async () => {
      // A Reader of the subscription: a group's review reads assignments tenant-wide, from the root.
      const viewer = await identityWithToken(t, `${sub()}/resourceGroups/rg-review`, 'id-viewer');
      await assign(sub(), READER, viewer.principalId);
      const { context, page } = await portalContext(browser);
      await page.goto(await loginLink(t, viewer.token));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      await page.goto(`${new URL(page.url()).origin}/portal/#/groups/${groupId}?tab=access-review`);
      const alert = page.getByRole('alert').filter({ hasText: "The group's access review could not be loaded." });
      await alert.waitFor();
      assert.match(await alert.innerText(), /Microsoft\.Authorization\/roleAssignments\/read/);
      assert.match(await alert.innerText(), /\(AuthorizationFailed\)/);
      await context.close();
    });

    it("reviews a resource's system-assigned identity on the resource's page", async () => {
      const rg = `${sub()}/resourceGroups/rg-review`;
      const vm = await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.Compute/virtualMachines/vm-review?api-version=2024-07-01`,
        {
          location: 'local',
          identity: { type: 'SystemAssigned' },
        },
      );
      assert.equal(vm.status, 201, vm.text);
      await assign(`${sub()}/resourceGroups/rg-other`, READER, vm.json.identity.principalId);
      const { context, page, errors } = await portalContext(browser);
      await page.goto(await loginLink(t));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      await page.goto(
        `${new URL(page.url()).origin}/portal/#/resources/rg-review/Microsoft.Compute/virtualMachines/vm-review`,
      );
      await page.getByRole('tab', { name: 'Access review' }).click();
      const reader = page.getByRole('region', { name: 'Assignment Reader' });
      assert.match(await reader.innerText(), /Never used/);
      await page.getByText('Nothing was used in this window').waitFor();
      // Without evidence there is no role to apply.
      assert.equal(await page.getByRole('button', { name: 'Apply suggested role' }).isDisabled(), true);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }),
);
