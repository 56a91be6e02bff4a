import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, launchChromium, loginLink, portalContext } from '../helpers/browser.js';
import { forEachStore } from '../helpers/postgres.js';

const skip = browserUnavailable();
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

await forEachStore((kind, storeSpec) =>
  describe(`portal in Chromium: directory groups (${kind})`, { skip }, () => {
    let t: TestServer;
    let browser: Browser;
    let identity: any;
    let rg: string;

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      browser = await launchChromium();
      rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-groups-portal`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
      const r = await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-grouped?api-version=2023-01-31`,
        { location: 'local' },
      );
      assert.equal(r.status, 201, r.text);
      identity = r.json;
    });
    after(async () => {
      await browser?.close();
      await t?.stop();
    });

    it('creates a group, adds an identity, and finds the group on the identity’s Groups tab', async () => {
      const { context, page, errors } = await portalContext(browser);
      await page.goto(await loginLink(t));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
      await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
      await page.getByRole('button', { name: 'Create group' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill('kv-team');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { level: 1, name: 'kv-team' }).waitFor();
      const groupId = decodeURIComponent(page.url().split('#/groups/')[1]!);
      await page.getByText('This group has no members').waitFor();

      await page.getByRole('button', { name: 'Add member' }).click();
      await page.getByLabel('Member object ID').fill(identity.properties.principalId);
      await page.getByRole('dialog').getByRole('button', { name: 'Add member' }).click();
      const members = page.getByRole('table', { name: 'Members of kv-team' });
      await members.getByRole('row', { name: /id-grouped/ }).waitFor();
      assert.match(await members.getByRole('row', { name: /id-grouped/ }).innerText(), /Managed identity/);

      // A group that contains kv-team, and a role for kv-team: the server's API, read back by the portal.
      const outer = await t.arm('POST', '/v1.0/groups', {
        displayName: 'platform',
        mailNickname: 'platform',
        securityEnabled: true,
      });
      assert.equal(outer.status, 201, outer.text);
      const nest = await t.arm('POST', `/v1.0/groups/${outer.json.id}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${groupId}`,
      });
      assert.equal(nest.status, 204, nest.text);
      const ra = await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
            principalId: groupId,
            principalType: 'Group',
          },
        },
      );
      assert.equal(ra.status, 201, ra.text);
      await page.reload();
      await page
        .getByRole('table', { name: 'Role assignments of kv-team' })
        .getByRole('row', { name: /Reader.*rg-groups-portal/ })
        .waitFor();
      // Removing it from the group's page asks first, then deletes it on the server.
      await page
        .getByRole('table', { name: 'Role assignments of kv-team' })
        .getByRole('row', { name: /Reader.*rg-groups-portal/ })
        .getByRole('button', { name: 'Remove' })
        .click();
      await page
        .getByRole('dialog')
        .getByText(/Every member of kv-team loses the role Reader/)
        .waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove role assignment' }).click();
      await page.getByText('This group has no role assignments').waitFor();
      assert.equal((await t.arm('GET', `${ra.json.id}?api-version=2022-04-01`)).status, 404);

      await page.goto(`${new URL(page.url()).origin}/portal/#/identities/rg-groups-portal/id-grouped?tab=groups`);
      const tab = page.getByRole('table', { name: 'Groups of this identity' });
      await tab.getByRole('row', { name: /kv-team/ }).waitFor();
      assert.match(await tab.getByRole('row', { name: /kv-team/ }).innerText(), /Direct/);
      assert.match(await tab.getByRole('row', { name: /platform/ }).innerText(), /Through a nested group/);

      // Removing the member from the group's page empties the identity's tab.
      await tab.getByRole('link', { name: 'kv-team' }).click();
      await page.getByRole('button', { name: 'Remove id-grouped' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
      await page.getByText('This group has no members').waitFor();
      assert.deepEqual(errors, []);
      await context.close();
    });
  }),
);
