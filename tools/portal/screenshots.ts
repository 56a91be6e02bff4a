/**
 * `npm run screenshots`: starts a throwaway server, seeds a small realistic installation over the
 * public ARM API (plus token requests from a hand-made agent, for the sign-in log), and captures
 * each portal page into docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startTestServer } from '../../test/helpers/server.js';
import { HOUR, seedDemo } from './demo-seed.js';
import { launchChromium, loginLink, portalContext } from '../../test/helpers/browser.js';
import { ManualClock } from '../../src/kernel/clock.js';

const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${OUT}${name}.png`, fullPage });
  console.log(`docs/screenshots/${name}.png`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  // The server's clock starts a day back so the sign-in chart has a day of history.
  const clock = new ManualClock(Date.now() - 23 * HOUR);
  const t = await startTestServer({ clock });
  const browser = await launchChromium();
  try {
    await seedDemo(t, clock);
    const { page } = await portalContext(browser);
    await page.goto(`${t.server.baseUrl}/portal/`);
    await shoot(page, '01-sign-in');
    await page.goto(await loginLink(t));
    await page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
    await pages(page);
    const narrow = await portalContext(browser, { width: 420, height: 860 });
    await narrow.page.goto(await loginLink(t));
    await narrow.page.getByRole('heading', { level: 1, name: 'Managed identities' }).waitFor();
    await shoot(narrow.page, '14-narrow-identities');
  } finally {
    await browser.close();
    await t.stop();
  }
}

async function pages(page: Page): Promise<void> {
  await shoot(page, '02-identities');
  await page.getByRole('link', { name: 'payments-api' }).click();
  await page.getByRole('heading', { level: 1, name: 'payments-api' }).waitFor();
  await shoot(page, '03-identity-associated-resources', true);
  for (const [tab, file] of [
    ['Role assignments', '04-identity-role-assignments'],
    ['Federated credentials', '05-identity-federated-credentials'],
    ['Sign-ins', '06-identity-sign-ins'],
  ] as const) {
    await page.getByRole('tab', { name: tab }).click();
    await shoot(page, file, true);
  }
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources' }).click();
  await shoot(page, '07-resources');
  await page.getByRole('link', { name: 'vm-api-1' }).click();
  await page.getByRole('tab', { name: 'Identity' }).click();
  await shoot(page, '08-resource-identity', true);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity log' }).click();
  await page
    .getByRole('button', { name: /^Details/ })
    .first()
    .waitFor();
  await shoot(page, '09-activity-log');
  await page
    .getByRole('button', { name: /^Details/ })
    .first()
    .click();
  await shoot(page, '10-activity-event');
  await page.keyboard.press('Escape');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign-in log' }).click();
  await page
    .getByRole('button', { name: /^Details/ })
    .first()
    .waitFor();
  await shoot(page, '11-sign-in-log');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Unused identities' }).click();
  await shoot(page, '12-unused-identities');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Managed identities' }).click();
  await page.getByRole('link', { name: 'payments-api' }).click();
  await page.getByRole('link', { name: 'View impact' }).click();
  await page.getByRole('heading', { level: 1, name: 'Impact' }).waitFor();
  await shoot(page, '13-impact', true);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
