import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestServer } from './server.js';
import { httpsRequest } from './https.js';

/** Debian's Chromium (`.ci/run` installs it); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env['OPENMI_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI=true a missing browser
 * is a failure, not a skip, so the portal's acceptance never silently stops running.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const why = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (process.env['CI'] === 'true') throw new Error(`${why}; CI must run the portal's browser tests.`);
  return why;
}

/**
 * Headless Chromium with the flags this sandbox needs: without the background-networking ones,
 * Chromium keeps dialling Google's hosts through a closed network.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context that trusts the test server's self-signed CA. Page errors and console errors
 * are collected so a test can assert the page ran clean.
 */
export async function portalContext(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { context, page, errors };
}

/** A one-time portal login link for whoever `token` belongs to (default: the bootstrap admin). */
export async function loginLink(t: TestServer, token?: string): Promise<string> {
  const bearer = token ?? (await t.adminToken());
  const r = await httpsRequest(`${t.server.baseUrl}/providers/OpenMI.Portal/loginLinks?api-version=2025-01-01`, {
    method: 'POST',
    ca: t.ca,
    headers: { authorization: `Bearer ${bearer}`, 'content-length': '0' },
  });
  if (r.status !== 200) throw new Error(`login link request failed: ${r.status} ${r.text}`);
  return r.json.url as string;
}
