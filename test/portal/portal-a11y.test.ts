import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../src/kernel/clock.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, launchChromium, loginLink, portalContext } from '../helpers/browser.js';
import { HOUR, seedDemo } from '../../tools/portal/demo-seed.js';

const skip = browserUnavailable();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's WCAG 2 A/AA rules on the current page; only serious and critical findings fail. */
async function axeViolations(page: Page): Promise<string[]> {
  // Page scripts are passed as strings: this file is compiled without the DOM library.
  // evaluate() runs over the DevTools protocol, so the page's CSP (script-src 'self') does not apply.
  await page.evaluate(AXE);
  const found = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

async function open(page: Page, hash: string, heading: string | RegExp): Promise<void> {
  await page.goto(`${page.url().split('#')[0]}#${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
}

describe('portal accessibility and narrow windows (axe-core, keyboard only)', { skip }, () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    const clock = new ManualClock(Date.now() - 23 * HOUR);
    t = await startTestServer({ clock });
    await seedDemo(t, clock);
    browser = await launchChromium();
    ({ context, page, errors } = await portalContext(browser));
    await page.goto(await loginLink(t));
    await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
  });

  it('has no serious or critical WCAG 2 A/AA violations on any page or tab', async () => {
    const report: string[] = [];
    const check = async (where: string) => report.push(...(await axeViolations(page)).map((v) => `${where}: ${v}`));
    await check('identities');
    await open(page, '/identities/rg-payments/payments-api', 'payments-api');
    for (const tab of [
      'Associated resources',
      'Role assignments',
      'Federated credentials',
      'Sign-ins',
      'Groups',
      'Access review',
    ]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForLoadState('networkidle');
      await check(`identity tab ${tab}`);
    }
    await open(page, '/resources', 'Resources');
    await check('resources');
    await open(page, '/resources/rg-payments/Microsoft.Compute/virtualMachines/vm-api-1', 'vm-api-1');
    await check('resource identity tab');
    for (const [hash, h1] of [
      ['/activity', 'Activity log'],
      ['/sign-ins', 'Sign-in log'],
      ['/unused', 'Unused identities'],
      ['/impact', 'Impact'],
      ['/groups', 'Groups'],
    ] as const) {
      await open(page, hash, h1);
      await check(h1);
    }
    assert.deepEqual(report, []);
    assert.deepEqual(errors, []);
    // The control: a nameless button is found, so an empty report above means something.
    await page.evaluate(`document.querySelector('main').append(document.createElement('button'))`);
    assert.match((await axeViolations(page)).join('\n'), /^button-name/);
  });

  it('works from the keyboard alone: skip link, arrow keys between tabs, a dialog that Escape closes', async () => {
    await open(page, '/identities/rg-payments/payments-api', 'payments-api');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'payments-api' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    await page.getByRole('tab', { name: 'Associated resources' }).focus();
    await page.keyboard.press('ArrowRight');
    const selected = page.getByRole('tab', { selected: true });
    assert.equal(await selected.textContent(), 'Role assignments');
    assert.equal(await page.evaluate(`document.activeElement?.getAttribute('role')`), 'tab');
    await page.getByRole('button', { name: 'Add role assignment' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(
      await page.evaluate(`!!document.activeElement?.closest('dialog')`),
      true,
      'focus moves into the dialog',
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(
      await page.evaluate('document.activeElement?.textContent'),
      'Add role assignment',
      'focus returns to the opener',
    );
  });

  it('fits a 420 px wide window: wide tables scroll inside their frame, the page does not', async () => {
    await page.setViewportSize({ width: 420, height: 860 });
    const overflow: string[] = [];
    for (const [hash, h1] of [
      ['/identities', 'Managed identities'],
      ['/identities/rg-payments/payments-api', 'payments-api'],
      ['/identities/rg-payments/payments-api?tab=access-review', 'payments-api'],
      ['/resources', 'Resources'],
      ['/resources/rg-payments/Microsoft.Compute/virtualMachines/vm-api-1', 'vm-api-1'],
      ['/activity', 'Activity log'],
      ['/sign-ins', 'Sign-in log'],
      ['/unused', 'Unused identities'],
      ['/impact', 'Impact'],
    ] as const) {
      await open(page, hash, h1);
      const wide = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      if (wide > 0) overflow.push(`${hash}: ${wide}px too wide`);
    }
    assert.deepEqual(overflow, []);
  });
});
