import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, launchChromium, loginLink, portalContext } from '../helpers/browser.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { forEachStore } from '../helpers/postgres.js';

const skip = browserUnavailable();
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

/** Picks a <select> option by its visible text, once the page has loaded it (labels are what a user sees). */
async function choose(
  page: Page,
  label: string,
  option: string | RegExp,
  within: Page | Locator = page.getByRole('dialog'),
): Promise<void> {
  const select = within.getByRole('combobox', { name: label, exact: true });
  let texts: string[] = [];
  for (let i = 0; i < 100; i++) {
    texts = await select.locator('option').allTextContents();
    const hit = texts.find((t) => (typeof option === 'string' ? t === option : option.test(t)));
    if (hit) return void (await select.selectOption({ label: hit }));
    await page.waitForTimeout(100);
  }
  assert.fail(`the '${label}' list never offered ${option}; it has: ${texts.join(' | ')}`);
}

await forEachStore((kind, storeSpec) =>
  describe(`portal in Chromium: the administrator flow of ADR 0008 (${kind})`, { skip }, () => {
    let t: TestServer;
    let browser: Browser;
    const sub = () => `/subscriptions/${t.creds.subscriptionId}`;

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await t?.stop();
    });

    it('signs in with a one-time link, and the link does not work twice', async () => {
      const link = await loginLink(t);
      const { context, page, errors } = await portalContext(browser);
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      assert.doesNotMatch(page.url(), /code=/, 'the code leaves the address bar');
      const again = await portalContext(browser);
      await again.page.goto(link);
      await again.page
        .getByRole('alert')
        .filter({ hasText: /already used|expired/ })
        .waitFor();
      await again.context.close();
      assert.deepEqual(errors, []);
      await context.close();
    });

    it('creates an identity, attaches it to a VM, assigns a role, and finds both in the activity log', async () => {
      const { context, page, errors } = await portalContext(browser);
      await page.goto(await loginLink(t));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();

      await page.getByRole('button', { name: 'Create identity' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill('id-portal');
      await choose(page, 'Resource group', /New resource group/);
      await page.getByLabel('New resource group name').fill('rg-portal');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { level: 1, name: 'id-portal' }).waitFor();

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources' }).click();
      await page.getByRole('button', { name: 'Create resource' }).first().click();
      await choose(page, 'Type', 'Virtual machine');
      await page.getByLabel('Name', { exact: true }).fill('vm-portal');
      await choose(page, 'Resource group', 'rg-portal');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page.getByRole('heading', { level: 1, name: 'vm-portal' }).waitFor();
      await page.getByRole('tab', { name: 'Identity' }).click();
      await page.getByRole('button', { name: 'Attach user-assigned identity' }).click();
      await choose(page, 'Identity', /id-portal/);
      await page.getByRole('dialog').getByRole('button', { name: 'Attach' }).click();
      await page.getByRole('button', { name: 'Detach id-portal' }).waitFor();

      const vm = await t.arm(
        'GET',
        `${sub()}/resourceGroups/rg-portal/providers/Microsoft.Compute/virtualMachines/vm-portal?api-version=2024-07-01`,
      );
      const identityId = `${sub()}/resourceGroups/rg-portal/providers/${UAI}/id-portal`;
      assert.ok(
        Object.keys(vm.json.identity.userAssignedIdentities).some((k) => k.toLowerCase() === identityId.toLowerCase()),
        'the VM carries the identity',
      );

      await page.getByRole('tabpanel').getByRole('link', { name: 'id-portal' }).click();
      await page.getByRole('heading', { level: 1, name: 'id-portal' }).waitFor();
      await page.getByRole('tab', { name: 'Role assignments' }).click();
      await page.getByRole('button', { name: 'Add role assignment' }).click();
      await choose(page, 'Role', 'Reader');
      await choose(page, 'Scope', /rg-portal/);
      await page.getByRole('dialog').getByRole('button', { name: 'Add' }).click();
      await page.getByRole('tabpanel').getByRole('cell', { name: 'Reader', exact: true }).waitFor();

      const principalId = (await t.arm('GET', `${identityId}?api-version=2024-11-30`)).json.properties
        .principalId as string;
      const ras = await t.arm(
        'GET',
        `${sub()}/resourceGroups/rg-portal/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`,
      );
      assert.equal(ras.json.value.length, 1, 'the role assignment exists on the server');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Activity log' }).waitFor();
      const rows = page.getByRole('row');
      await rows
        .filter({ hasText: /virtualMachines\/write|Create or update virtual machine/i })
        .first()
        .waitFor();
      await rows
        .filter({ hasText: /roleAssignments\/write|Create role assignment/i })
        .first()
        .waitFor();
      assert.deepEqual(errors, []);
      await context.close();
    });

    it('applies RBAC to whoever signed in: a managed identity with Reader sees but cannot create', async () => {
      const rg = `${sub()}/resourceGroups/rg-mi`;
      await t.arm('PUT', `${rg}?api-version=2021-04-01`, { location: 'local' });
      const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm-mi?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'SystemAssigned' },
      });
      const join = await t.arm('POST', `${vm.json.id}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
      const agent = new RawAgent(t);
      assert.equal((await agent.enroll(join.json.token)).status, 201);
      const minted = await agent.token('https://management.azure.com/');
      assert.equal(minted.status, 200, minted.text);
      const miToken = minted.json.accessToken as string;
      assert.ok(miToken, 'the agent API answers { accessToken }');

      const { context, page } = await portalContext(browser);
      await page.goto(await loginLink(t, miToken));
      await page
        .getByRole('alert')
        .filter({ hasText: /assign you a role/ })
        .waitFor();

      const ra = `${sub()}/providers/Microsoft.Authorization/roleAssignments/0b5f2c9e-6d3e-4d35-9b1a-2f6f0c3e7a11`;
      const put = await t.arm('PUT', `${ra}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          principalId: vm.json.identity.principalId,
        },
      });
      assert.equal(put.status, 201, put.text);
      await page.goto(await loginLink(t, miToken));
      await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
      await page.getByRole('button', { name: 'Create identity' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill('not-allowed');
      await choose(page, 'Resource group', 'rg-mi');
      await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
      await page
        .getByRole('dialog')
        .getByRole('alert')
        .filter({ hasText: /does not have authorization/ })
        .waitFor();
      await context.close();
    });
  }),
);
